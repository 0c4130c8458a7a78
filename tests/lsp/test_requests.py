"""Formatting and workspace symbols over a real LSP client."""

from __future__ import annotations

import subprocess
import sys

import pytest
from lsp_editor import Editor
from lsprotocol import types
from pygls.exceptions import JsonRpcException

pytestmark = pytest.mark.asyncio

Q01 = "questions/screening/q01-log-loss.yaml"
QF01 = "questions/quick-fire/qf01-bias.yaml"


def options() -> types.FormattingOptions:
    return types.FormattingOptions(tab_size=2, insert_spaces=True)


async def format_request(editor: Editor, relative: str) -> list[types.TextEdit] | None:
    """The server's edits (a list; None when it has none to offer)."""
    edits = await editor.client.text_document_formatting_async(
        types.DocumentFormattingParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)), options=options()
        )
    )
    return None if edits is None else list(edits)


def apply(text: str, edit: types.TextEdit) -> str:
    lines = text.split("\n")
    start, end = edit.range.start, edit.range.end
    before = "\n".join([*lines[: start.line], lines[start.line][: start.character]])
    after = "\n".join([lines[end.line][end.character :], *lines[end.line + 1 :]])
    return before + edit.new_text + after


async def test_formatting_a_buffer_gives_what_mlbank_fmt_writes(editor: Editor) -> None:
    text = (editor.bank / QF01).read_text(encoding="utf-8")
    unsaved = text.replace("id: qf01\nsection: quick-fire\n", "section: quick-fire\nid: qf01\n")
    assert unsaved != text
    editor.open(QF01, unsaved)
    edits = await format_request(editor, QF01)
    assert edits is not None and len(edits) == 1
    (editor.bank / QF01).write_text(unsaved, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mlbank", "fmt", str(editor.bank / QF01)], check=True, cwd=editor.project
    )
    assert apply(unsaved, edits[0]) == (editor.bank / QF01).read_text(encoding="utf-8")


async def test_formatting_a_canonical_buffer_changes_nothing(editor: Editor) -> None:
    editor.open(Q01)
    assert await format_request(editor, Q01) == []


async def test_formatting_refused_replies_with_fmts_reason(editor: Editor) -> None:
    text = (editor.bank / Q01).read_text(encoding="utf-8")
    editor.open(Q01, text.replace("title: Log loss\n", "title: Log loss\ntitle: Again\n"))
    with pytest.raises(JsonRpcException) as refused:
        await format_request(editor, Q01)
    assert refused.value.code == types.LSPErrorCodes.RequestFailed
    assert "not formatted: line 5: duplicate key 'title'" in refused.value.message
    assert "Traceback" not in str(refused.value.data or "")
    editor.change(Q01, text)  # the server still answers
    assert await format_request(editor, Q01) == []


Symbol = types.WorkspaceSymbol | types.SymbolInformation  # one JSON shape: the client reads either


async def symbols(editor: Editor, query: str) -> list[Symbol]:
    found = await editor.client.workspace_symbol_async(types.WorkspaceSymbolParams(query=query))
    assert found is not None
    return list(found)


async def test_workspace_symbols_find_questions_by_id_and_title(editor: Editor) -> None:
    assert sorted(s.name for s in await symbols(editor, "")) == ["q01 Log loss", "qf01 Bias"]
    assert [s.name for s in await symbols(editor, "log")] == ["q01 Log loss"]
    assert [s.name for s in await symbols(editor, "QF1")] == ["qf01 Bias"]  # fuzzy, any case
    assert await symbols(editor, "variance") == []
    assert [s.name for s in await symbols(editor, "q01")] == ["q01 Log loss", "qf01 Bias"]  # best first
    (q01,) = await symbols(editor, "q01 log")
    location = q01.location
    assert isinstance(location, types.Location)
    assert location.uri == editor.uri(Q01)
    line = (editor.bank / Q01).read_text(encoding="utf-8").split("\n").index("id: q01")
    assert location.range == types.Range(
        start=types.Position(line=line, character=4), end=types.Position(line=line, character=7)
    )


async def test_workspace_symbols_follow_unsaved_buffers(editor: Editor) -> None:
    text = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01, text.replace("id: qf01", 'id: "qf07"').replace("title: Bias", "title: Bias, again"))
    (found,) = await symbols(editor, "qf07")
    assert found.name == "qf07 Bias, again"
    assert isinstance(found.location, types.Location)
    assert found.location.range.start.character == 5  # after the quote
