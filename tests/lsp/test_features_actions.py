"""Code actions over a real client: each safe fix of `mlbank lint --fix` as a quick fix on its
finding, applied and linted again; the MB403 claim stub; a rename for MB103."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from feature_requests import Q01, QF01, text_of
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio


def apply(text: str, edits: Sequence[types.TextEdit]) -> str:
    """Make TextEdits in an ASCII text, as an editor would."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)

    def offset(at: types.Position) -> int:
        return min(starts[at.line] + at.character, len(text)) if at.line < len(lines) else len(text)

    for edit in sorted(edits, key=lambda e: offset(e.range.start), reverse=True):
        text = text[: offset(edit.range.start)] + edit.new_text + text[offset(edit.range.end) :]
    return text


async def actions_for(editor: Editor, relative: str, code: str) -> list[types.CodeAction]:
    """The code actions the server offers on the published diagnostics with `code`."""
    await editor.until(lambda: code in editor.codes(relative))
    diagnostics = [d for d in editor.diagnostics(relative) if d.code == code]
    found = await editor.client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)),
            range=diagnostics[0].range,
            context=types.CodeActionContext(diagnostics=diagnostics),
        )
    )
    return [a for a in found or [] if isinstance(a, types.CodeAction)]


def edits_of(editor: Editor, action: types.CodeAction, relative: str) -> list[types.TextEdit]:
    assert action.edit is not None and action.edit.changes is not None
    assert action.kind == types.CodeActionKind.QuickFix and action.diagnostics
    return list(action.edit.changes[editor.uri(relative)])


@pytest.mark.parametrize(
    ("code", "broken", "count"),
    [
        ("MB105", ('says: "4.6"', "says: 4.6"), 1),  # a number where text belongs: quoted as written
        ("MB106", ("with?\n", "with?   \n"), 1),  # trailing whitespace in a | block
        ("MB300", ("A \\$50", "A $50"), 1),  # a currency dollar escaped
        ("MB208", ("topics: [loss-functions]", "topics: [loss-functions, loss-functions]"), 1),
        ("MB001", ('  - says: "4.6"\n    expr:', '\t- says: "4.6"\n\t  expr:'), 1),  # tab indentation
    ],
)
async def test_a_quick_fix_makes_the_change_fix_would(
    editor: Editor, code: str, broken: tuple[str, str], count: int
) -> None:
    clean = text_of(editor, Q01)
    assert broken[0] in clean
    text = clean.replace(*broken)
    editor.open(Q01, text)
    actions = await actions_for(editor, Q01, code)
    assert len(actions) == count
    fixed = apply(text, edits_of(editor, actions[0], Q01))
    assert fixed == clean  # exactly the file before the slip: what --fix writes
    editor.change(Q01, fixed)
    await editor.until(lambda: editor.codes(Q01) == [])


async def test_each_finding_gets_its_own_edit(editor: Editor) -> None:
    clean = text_of(editor, Q01)
    text = clean.replace("A \\$50 budget", "A $50 budget or $60")
    editor.open(Q01, text)
    await editor.until(lambda: editor.codes(Q01).count("MB300") == 2)
    for diagnostic in [d for d in editor.diagnostics(Q01) if d.code == "MB300"]:
        found = await editor.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=types.TextDocumentIdentifier(uri=editor.uri(Q01)),
                range=diagnostic.range,
                context=types.CodeActionContext(diagnostics=[diagnostic]),
            )
        )
        assert found is not None
        (action,) = found
        assert isinstance(action, types.CodeAction)
        (edit,) = edits_of(editor, action, Q01)
        assert edit.new_text == "\\" and edit.range.start == diagnostic.range.start


async def test_no_quick_fix_where_fix_would_not_write(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("  mistake costs a lot", "\tmistake costs a lot")  # ambiguous tabs
    editor.open(Q01, text)
    assert await actions_for(editor, Q01, "MB001") == []
    unknown = text_of(editor, Q01).replace("topics: [loss-functions]", "topics: [loss-functionz]")
    editor.change(Q01, unknown)
    assert await actions_for(editor, Q01, "MB200") == []  # no safe fix exists for a typo


async def test_a_file_named_unlike_its_id_is_renamed(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("id: q01", "id: q02").replace("q01..q01", "q02..q02")
    editor.open(Q01, text)
    (action,) = await actions_for(editor, Q01, "MB103")
    assert action.edit is not None and action.edit.document_changes is not None
    (rename,) = action.edit.document_changes
    assert isinstance(rename, types.RenameFile)
    assert rename.old_uri == editor.uri(Q01)
    assert rename.new_uri == editor.uri("questions/screening/q02-log-loss.yaml")


async def test_an_unproven_number_gets_a_claim_stub_in_the_existing_list(editor: Editor) -> None:
    clean = text_of(editor, Q01)
    text = clean.replace("training data.\n", "training data. The ratio comes to 2.50.\n")
    editor.open(Q01, text)
    (action,) = await actions_for(editor, Q01, "MB403")
    assert action.title == 'Add a worked: claim for "2.50"'
    stubbed = apply(text, edits_of(editor, action, Q01))
    assert stubbed == text.replace("expr: -log(0.01)\n", 'expr: -log(0.01)\n  - says: "2.50"\n')
    editor.change(Q01, stubbed)
    await editor.until(lambda: "MB403" not in editor.codes(Q01) and "MB100" in editor.codes(Q01))
    (missing,) = [d for d in editor.diagnostics(Q01) if d.code == "MB100"]
    assert "missing required key 'expr' in worked[1]" in missing.message  # not a parse error
    assert "MB001" not in editor.codes(Q01)


async def test_a_claim_stub_starts_a_worked_list_where_there_is_none(editor: Editor) -> None:
    clean = text_of(editor, QF01)
    text = clean.replace("true pattern.\n", "true pattern; the gap comes to 0.25.\n")
    editor.open(QF01, text)
    (action,) = await actions_for(editor, QF01, "MB403")
    stubbed = apply(text, edits_of(editor, action, QF01))
    assert stubbed == text.replace("review:\n", 'worked:\n  - says: "0.25"\nreview:\n')
    editor.change(QF01, stubbed)
    await editor.until(lambda: "MB403" not in editor.codes(QF01) and "MB100" in editor.codes(QF01))
    # and at the end of a file with no key after it and no final line break
    bare = text.split("review:\n")[0].rstrip("\n")
    editor.change(QF01, bare)
    (action,) = await actions_for(editor, QF01, "MB403")
    assert apply(bare, edits_of(editor, action, QF01)) == bare + '\nworked:\n  - says: "0.25"\n'
