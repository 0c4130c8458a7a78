"""Workspace folders: banks are found under them, and let go when their folder is removed."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_editor import Editor, make_project, start_editor, stop_editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio

TOPICS = "topics.yaml"


def folder(path: Path) -> types.WorkspaceFolder:
    return types.WorkspaceFolder(uri=path.as_uri(), name=path.name)


def change_folders(editor: Editor, added: list[Path], removed: list[Path]) -> None:
    editor.client.workspace_did_change_workspace_folders(
        types.DidChangeWorkspaceFoldersParams(
            event=types.WorkspaceFoldersChangeEvent(
                added=[folder(p) for p in added], removed=[folder(p) for p in removed]
            )
        )
    )


async def test_a_folder_added_then_removed_brings_its_bank_and_takes_it_away(
    editor: Editor, tmp_path: Path
) -> None:
    other = make_project(tmp_path / "other")
    topics = other / "bank" / TOPICS
    topics.write_text(
        topics.read_text(encoding="utf-8")
        + "  - id: orphan\n    title: Orphan\n    page: 3\n    summary: Unused.\n",
        encoding="utf-8",
    )
    uri = topics.as_uri()
    change_folders(editor, [other], [])
    await editor.until(lambda: any(d.code == "MB203" for d in editor.client.diagnostics.get(uri, [])))
    change_folders(editor, [], [other])
    await editor.until(lambda: list(editor.client.diagnostics.get(uri, [None])) == [])
    # its files are no bank's now: an edit there is not linted, while the first bank still is
    editor.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text="topics: [\n")
        )
    )
    q01 = "questions/screening/q01-log-loss.yaml"
    editor.open(q01, (editor.bank / q01).read_text(encoding="utf-8") + "bogus_key: 1\n")
    await editor.published(q01)
    assert list(editor.client.diagnostics[uri]) == []


async def test_banks_are_found_below_the_workspace_folder(tmp_path: Path) -> None:
    workspace = tmp_path / "work"
    make_project(workspace / "one")
    make_project(workspace / "two" / "deeper")
    (workspace / "one" / "pyproject.toml").unlink()  # found by its bank.yaml, not by configuration
    for bank in (workspace / "one" / "bank", workspace / "two" / "deeper" / "bank"):
        (bank / "questions" / "screening" / "q01-log-loss.yaml").write_text("id: [\n", encoding="utf-8")
    started = await start_editor(workspace)
    try:
        for bank in (workspace / "one" / "bank", workspace / "two" / "deeper" / "bank"):
            uri = (bank / "questions" / "screening" / "q01-log-loss.yaml").as_uri()
            await started.until(
                lambda uri=uri: any(d.code == "MB001" for d in started.client.diagnostics.get(uri, []))
            )
    finally:
        await stop_editor(started)


async def test_files_changed_on_disk_are_linted_when_the_client_reports_them(editor: Editor) -> None:
    def watched() -> list[types.Registration]:
        return [r for r in editor.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    await editor.until(lambda: len(watched()) == 1)  # asked for, right after initialization
    new = editor.bank / "questions" / "quick-fire" / "qf02-new.yaml"
    new.write_text("id: qf02\nsection: quick-fire\ntitle: New\ntopics: [nope]\n", encoding="utf-8")

    def report(kind: types.FileChangeType) -> None:
        editor.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=new.as_uri(), type=kind)])
        )

    report(types.FileChangeType.Created)
    await editor.until(lambda: "MB200" in editor.codes("questions/quick-fire/qf02-new.yaml"))
    new.unlink()
    report(types.FileChangeType.Deleted)
    await editor.until(lambda: list(editor.client.diagnostics[new.as_uri()]) == [])
