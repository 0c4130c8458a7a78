"""The pygls server: which banks it holds, the document handlers, and build_server().

Handlers run on pygls's event loop and stay short: they record the editor's text and queue a lint
(mlbank.lsp.linter); diagnostics come back from the linter thread and are sent from the loop.
Requests run on pygls's thread pool (`@server.thread()`), so a slow answer never holds the loop up.
Most answer from the features' own bank index; hover, the one that reads the Session (claim
verdicts), waits only briefly for the bank's lock, which a lint holds (features.hover).
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any, BinaryIO

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
from mlbank.paths import BANK_FILE, QUESTIONS_DIR, TOPICS_FILE, YAML_SUFFIXES, real_path
from mlbank.workspace import banks_under


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

    def follow_folders(self) -> None:
        """Hold the banks under the editor's workspace folders: a new one is linted once in the
        background; one that no folder holds any more is let go, its diagnostics cleared."""
        self._loop = asyncio.get_running_loop()
        wanted: dict[Path, None] = {}
        for folder in self._folders():
            try:
                wanted.update(dict.fromkeys(banks_under(folder)))
            except UsageError as exc:  # a broken [tool.mlbank]: say which and what to fix
                self.tell(str(exc))
        held = {state.root: state for state in self.banks}
        kept = [state for root in wanted if (state := held.get(root) or self._open(root)) is not None]
        for state in self.banks:
            if state not in kept:
                self.linter.submit(Job(state, "drop"))
        self.banks = kept  # replaced, never changed in place: request threads iterate it

    def _folders(self) -> list[Path]:
        folders = [to_fs_path(f.uri) for f in self.workspace.folders.values()]
        if not folders and self.workspace.root_path:
            folders = [self.workspace.root_path]
        return [Path(f) for f in folders if f]

    def _open(self, root: Path) -> BankState | None:
        try:
            state = BankState.open(root)
        except UsageError as exc:  # a broken [tool.mlbank]: say which and what to fix
            self.tell(str(exc))
            return None
        self.linter.submit(Job(state, "lint"))
        return state

    def watch_files(self) -> None:
        """Ask the client to report bank files changed on disk, when it can (dynamic registration)."""
        workspace = self.client_capabilities.workspace
        watched = workspace.did_change_watched_files if workspace is not None else None
        if watched is None or not watched.dynamic_registration:
            return
        watchers = [types.FileSystemWatcher(glob_pattern=f"**/*{suffix}") for suffix in YAML_SUFFIXES]
        registration = types.Registration(
            id="mlbank-watched-files",
            method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
            register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
        )
        self.client_register_capability(types.RegistrationParams(registrations=[registration]))

    def close_banks(self) -> None:
        """Stop linting, and stop each bank's warm claims worker (no process outlives the server).
        Never waits for a lint under way (a first lint at 10k takes many seconds, and the client
        waits for shutdown's answer): its bank is marked dropped, and the linter thread shuts that
        session down as soon as the lint ends; an exit before then ends its worker processes,
        which stop when their pipes close."""
        self.linter.stop()
        for state in self.banks:
            state.dropped = True  # set first: a lint holding the lock checks it before letting go
            if state.lock.acquire(blocking=False):
                try:
                    state.session.shutdown()
                finally:
                    state.lock.release()

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

    def _on_loop(self, send: Callable[[Any], None], params: object) -> None:
        # the transport belongs to the event loop: other threads hand their messages to it
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
    features.register(server)  # hover, definition, references, completion, code actions, symbols
    return server


def _register_documents(server: MlbankServer) -> None:
    @server.feature(types.INITIALIZED)
    def initialized(ls: MlbankServer, params: types.InitializedParams) -> None:
        ls.linter.start()
        ls.follow_folders()
        ls.watch_files()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def files_changed(ls: MlbankServer, params: types.DidChangeWatchedFilesParams) -> None:
        # a file changed on disk (a checkout, `mlbank new`, another program): lint it from the disk,
        # unless it is open here, where the editor's text wins
        for change in params.changes:
            found = ls.locate(change.uri)
            if found is not None and found[0].buffer(found[1]) is None:
                ls.linter.submit(Job(found[0], "close", found[1]))

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    def folders_changed(ls: MlbankServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        ls.follow_folders()  # pygls has updated its list of folders already

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: MlbankServer, params: types.DidOpenTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: MlbankServer, params: types.DidChangeTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE)
    def did_save(ls: MlbankServer, params: types.DidSaveTextDocumentParams) -> None:
        _edited(ls, params.text_document.uri, saved=True)

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
    @server.feature(types.TEXT_DOCUMENT_FORMATTING)
    @server.thread()
    def formatting(ls: MlbankServer, params: types.DocumentFormattingParams) -> list[types.TextEdit] | None:
        found = ls.locate(params.text_document.uri)
        if found is None:
            return None
        text = ls.workspace.get_text_document(params.text_document.uri).source
        return format_buffer(found[1], text, ls.workspace.position_codec)


def _edited(server: MlbankServer, uri: str, saved: bool = False) -> None:
    """A document's text changed (or was opened or saved): record it and queue its lint. A save of
    the text already linted changes no finding (the buffer was linted, not the disk): nothing to do."""
    found = server.locate(uri)
    if found is None:
        return
    state, path = found
    text = server.workspace.get_text_document(uri).source
    if saved and state.buffer(path) == text:
        return
    server.remember_uri(path, uri)
    state.set_buffer(path, text)
    server.linter.submit(Job(state, "edit", path, text))


def run() -> None:
    """`mlbank lsp`: serve over stdin/stdout until the client says exit (or the input ends)."""
    server = build_server()
    channel_in, channel_out = _private_stdio()
    code: str | int | None = 0
    try:
        server.start_io(channel_in, channel_out)
    except SystemExit as done:  # pygls's exit: 0 after a shutdown request, 1 without one
        code = done.code
    server.close_banks()
    # Leave at once: the interpreter's normal exit would first wait for a lint still under way
    # (concurrent.futures joins its pools at exit); its workers end when their pipes close.
    sys.stderr.flush()
    os._exit(code if isinstance(code, int) else 1)


def _private_stdio() -> tuple[BinaryIO, BinaryIO]:
    """The LSP channel and the server's log on file descriptors no child process inherits, with
    /dev/null on 0-2. Child processes (the lint's workers, the claims worker) inherit fds 0-2:
    holding the client's pipes they would keep it from seeing the server end (it waits for them to
    close), and anything one printed would corrupt the protocol."""
    # os.dup's copies are not inheritable. Buffered streams: a raw write to a pipe may write part of
    # a message and pygls would not send the rest (a large completion list hung the client).
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    sys.stderr = os.fdopen(os.dup(2), "w", buffering=1, encoding="utf-8", errors="backslashreplace")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    return channel_in, channel_out
