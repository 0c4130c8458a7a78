"""The client side of the LSP tests: an Editor (a pytest-lsp client plus helpers) over a project.

`start_editor` starts `python -m mlbank lsp` over stdio in a project folder and initializes it with
the project as its workspace folder; tests/lsp/conftest.py makes that the `editor` fixture.
"""

from __future__ import annotations

import asyncio
import shutil
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities, make_test_lsp_client

FIXTURES = Path(__file__).parent.parent / "fixtures"
TIMEOUT = 30.0  # seconds a test waits for the server before it fails


class Editor:
    """What a test drives: a started, initialized client over one project."""

    def __init__(
        self, client: LanguageClient, project: Path, registrations: list[types.Registration]
    ) -> None:
        self.client = client
        self.project = project
        self.registrations = registrations  # what the server asked the client to register
        self.bank = project / "bank"
        self._versions: dict[str, int] = {}

    def uri(self, relative: str) -> str:
        """The URI of a file of the bank, e.g. uri("questions/screening/q01-log-loss.yaml")."""
        return (self.bank / relative).as_uri()

    def diagnostics(self, relative: str) -> Sequence[types.Diagnostic]:
        """What the server last published for a bank file ([] when nothing yet)."""
        return self.client.diagnostics.get(self.uri(relative), [])

    def codes(self, relative: str) -> list[str]:
        """The rule codes of a file's last published diagnostics, sorted."""
        return sorted(str(d.code) for d in self.diagnostics(relative))

    def open(self, relative: str, text: str | None = None) -> None:
        """didOpen a bank file with `text` (default: its text on disk)."""
        uri = self.uri(relative)
        body = text if text is not None else (self.bank / relative).read_text(encoding="utf-8")
        self._versions[uri] = 1
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=body)
            )
        )

    def change(self, relative: str, text: str) -> None:
        """didChange an open document to `text` (one whole-document change)."""
        uri = self.uri(relative)
        self._versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self._versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    def close(self, relative: str) -> None:
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(
                text_document=types.TextDocumentIdentifier(uri=self.uri(relative))
            )
        )

    async def published(self, relative: str) -> Sequence[types.Diagnostic]:
        """Wait for the next publishDiagnostics for a bank file, and return its diagnostics."""
        uri = self.uri(relative)
        seen = self.client.diagnostics.get(uri)

        async def next_one() -> None:
            while True:
                await self.client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
                if self.client.diagnostics.get(uri) is not seen:
                    return

        await asyncio.wait_for(next_one(), TIMEOUT)
        return self.client.diagnostics[uri]

    async def until(self, holds: Callable[[], bool], timeout: float = TIMEOUT) -> None:
        """Wait until `holds()` is true of what the client received; fail after `timeout`."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        while not holds():
            if loop.time() > end:
                raise AssertionError(f"the server did not get there within {timeout:g} s")
            await asyncio.sleep(0.01)


def make_project(root: Path, bank: Path = FIXTURES / "minibank") -> Path:
    """A project folder holding pyproject.toml ([tool.mlbank] bank = "bank") and a copy of `bank`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text('[tool.mlbank]\nbank = "bank"\n', encoding="utf-8")
    shutil.copytree(bank, root / "bank")
    return root


async def start_editor(project: Path) -> Editor:
    """Start `python -m mlbank lsp` in `project` and initialize it with the project as workspace."""
    client = make_test_lsp_client()
    registrations: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    await client.start_io(sys.executable, "-m", "mlbank", "lsp", cwd=str(project))
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities("visual-studio-code"),
            root_uri=project.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name=project.name)],
        )
    )
    return Editor(client, project, registrations)


async def stop_editor(editor: Editor) -> None:
    await editor.client.shutdown_session()
    await editor.client.stop()
