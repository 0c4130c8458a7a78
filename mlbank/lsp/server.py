"""The pygls server: which banks it holds, the document handlers, and build_server().

Handlers run on pygls's event loop and stay short: they record the editor's text and queue a lint
(mlbank.lsp.linter); diagnostics come back from the linter thread and are sent from the loop.
Requests that read a Session (formatting, symbols, the features/ package) take the bank's lock.
"""

from __future__ import annotations

import asyncio
import logging
from importlib.metadata import version
from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import from_fs_path, to_fs_path

from mlbank.exit_codes import UsageError
from mlbank.lsp import features
from mlbank.lsp.diagnostics import Published, to_diagnostics
from mlbank.lsp.formatting import format_buffer
from mlbank.lsp.linter import Job, Linter
from mlbank.lsp.protocol import MlbankProtocol
from mlbank.lsp.state import BankState
from mlbank.lsp.symbols import search, to_symbol
from mlbank.paths import BANK_FILE, QUESTIONS_DIR, TOPICS_FILE, YAML_SUFFIXES, real_path
from mlbank.workspace import banks_under

log = logging.getLogger(__name__)


class MlbankServer(LanguageServer):
    """A language server over the banks found in the editor's workspace folders."""

    def __init__(self) -> None:
        super().__init__(
            "mlbank",
            version("mlbank"),
            text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
            protocol_cls=MlbankProtocol,
        )
        self.banks: list[BankState] = []
        self.linter = Linter(self._publish, self.tell)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._uris: dict[Path, str] = {}  # the URI the client spelt for each document it opened

    # --- documents ----------------------------------------------------------------------------

    def locate(self, uri: str) -> tuple[BankState, Path] | None:
        """The bank holding a document, and its path; None for anything that is not a bank file
        (outside every bank, not a file: URI, not bank.yaml, topics.yaml or a question file)."""
        fs_path = to_fs_path(uri) if uri.startswith("file:") else None
        if fs_path is None:
            return None
        path = real_path(Path(fs_path))
        for state in self.banks:
            if state.holds(path) and _is_bank_file(path, state.root):
                return state, path
        return None

    def uri_of(self, path: Path) -> str:
        """The document's URI as the client spelt it when it opened it, else the file: URI."""
        return self._uris.get(path) or from_fs_path(str(path)) or path.as_uri()

    def remember_uri(self, path: Path, uri: str) -> None:
        self._uris[path] = uri

    # --- banks --------------------------------------------------------------------------------

    def open_banks(self, folders: list[Path]) -> None:
        """Hold every bank under the workspace folders, and lint each once in the background."""
        self._loop = asyncio.get_running_loop()
        for folder in folders:
            try:
                roots = banks_under(folder)
            except UsageError as exc:  # a broken [tool.mlbank]: say which and what to fix
                self.tell(str(exc))
                continue
            for root in roots:
                if any(state.root == root for state in self.banks):
                    continue
                try:
                    state = BankState.open(root)
                except UsageError as exc:  # a broken [tool.mlbank]: say which and what to fix
                    self.tell(str(exc))
                    continue
                self.banks.append(state)
                self.linter.submit(Job(state, "lint"))

    def close_banks(self) -> None:
        """Stop linting, and stop each bank's warm claims worker (no process outlives the server)."""
        self.linter.stop()
        for state in self.banks:
            with state.lock:
                state.session.shutdown()

    # --- to the client ------------------------------------------------------------------------

    def _publish(self, state: BankState, changed: Published) -> None:
        """Send the changed files' diagnostics (called from the linter thread)."""
        codec = self.workspace.position_codec
        for shown, findings in changed.items():
            path = state.root / shown
            params = types.PublishDiagnosticsParams(
                uri=self.uri_of(path), diagnostics=to_diagnostics(findings, state.text(path), codec)
            )
            self._on_loop(self.text_document_publish_diagnostics, params)

    def tell(self, message: str, kind: types.MessageType = types.MessageType.Error) -> None:
        """Show the user a message (from any thread)."""
        self._on_loop(self.window_show_message, types.ShowMessageParams(type=kind, message=message))

    def _on_loop(self, send: object, params: object) -> None:
        # the transport belongs to the event loop: other threads hand their messages to it
        assert callable(send)
        if self._loop is None:
            send(params)
        else:
            self._loop.call_soon_threadsafe(send, params)


def _is_bank_file(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts
    if len(parts) == 1:
        return parts[0] in (BANK_FILE, TOPICS_FILE)
    return parts[0] == QUESTIONS_DIR and path.name.endswith(YAML_SUFFIXES)


def build_server() -> MlbankServer:
    """The server with every feature registered."""
    server = MlbankServer()
    _register_documents(server)
    _register_requests(server)
    features.register(server)  # hover, definition, references, completion, code actions
    return server


def _register_documents(server: MlbankServer) -> None:
    @server.feature(types.INITIALIZED)
    def initialized(ls: MlbankServer, params: types.InitializedParams) -> None:
        folders = [to_fs_path(f.uri) for f in ls.workspace.folders.values()]
        if not folders and ls.workspace.root_path:
            folders = [ls.workspace.root_path]
        ls.linter.start()
        ls.open_banks([Path(f) for f in folders if f])

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MlbankServer, params: types.DidOpenTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MlbankServer, params: types.DidChangeTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MlbankServer, params: types.DidSaveTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: MlbankServer, params: types.DidCloseTextDocumentParams) -> None:
        found = ls.locate(params.text_document.uri)
        if found is not None:
            state, path = found
            state.drop_buffer(path)
            ls.linter.submit(Job(state, "close", path))

    @server.feature(types.SHUTDOWN)
    def shutdown(ls: MlbankServer, params: None) -> None:
        ls.close_banks()


def _register_requests(server: MlbankServer) -> None:
    # On pygls's thread pool: a slow answer (a 1 MB buffer to format) never holds up the loop.
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @server.thread()
    def formatting(ls: MlbankServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return None
        text = ls.workspace.get_text_document(params.text_document.uri).source
        return format_buffer(found[1], text, ls.workspace.position_codec)

    @server.feature(types.WORKSPACE_SYMBOL)
    @server.thread()
    def workspace_symbol(
        ls: MlbankServer, params: types.WorkspaceSymbolParams
    ) -> list[types.WorkspaceSymbol]:
        codec = ls.workspace.position_codec
        return [
            to_symbol(ls.uri_of(path), question, codec)
            for state in ls.banks
            for path, question in search(params.query, state.symbols.questions(state))
        ]


def _edited(server: MlbankServer, uri: str) -> None:
    """A document's text changed (or was opened or saved): record it and queue its lint."""
    found = server.locate(uri)
    if found is None:
        return
    state, path = found
    text = server.workspace.get_text_document(uri).source
    server.remember_uri(path, uri)
    state.set_buffer(path, text)
    server.linter.submit(Job(state, "edit", path, text))


def run() -> None:
    """`mlbank lsp`: serve over stdin/stdout until the client says exit."""
    build_server().start_io()
