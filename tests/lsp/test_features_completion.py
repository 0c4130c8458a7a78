"""Completion over a real client: ids of each kind, half-typed words, broken YAML, schema keys."""

from __future__ import annotations

import pytest
from feature_requests import Q01, completion, position, text_of
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio


def labels(items: list[types.CompletionItem]) -> list[str]:
    return [i.label for i in sorted(items, key=lambda i: i.sort_text or i.label)]


def edit_of(item: types.CompletionItem) -> types.TextEdit:
    assert isinstance(item.text_edit, types.TextEdit)
    return item.text_edit


async def typed(editor: Editor, text: str, needle: str, offset: int) -> list[types.CompletionItem]:
    """Put `text` in Q01's buffer and complete at `offset` into the line holding `needle`."""
    editor.open(Q01, text)
    return await completion(editor, Q01, position(text, needle, offset))


async def test_topic_ids_replace_the_half_typed_word(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("topics: [loss-functions]", "topics: [loss-functions, bi]")
    items = await typed(editor, text, "topics: [", len("topics: [loss-functions, bi"))
    assert labels(items) == ["bias-variance"]
    bias = items[0]
    assert bias.detail == "topic: Bias-variance tradeoff"
    line = position(text, "topics: [").line
    start = len("topics: [loss-functions, ")
    assert edit_of(bias).range == types.Range(
        start=types.Position(line=line, character=start), end=types.Position(line=line, character=start + 2)
    )


async def test_see_offers_topics_then_other_questions_in_broken_yaml(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("see: [loss-functions, qf01]", "see: [loss-functions, q")
    items = await typed(editor, text, "see: [", len("see: [loss-functions, q"))
    assert labels(items) == ["qf01"]  # what starts with the typed "q", and never q01 itself
    qf01 = items[-1]
    assert qf01.detail == "question: Bias" and qf01.documentation == "What is bias?"
    assert edit_of(qf01).new_text == "qf01" and edit_of(qf01).range.start.character == len(
        "see: [loss-functions, "
    )


async def test_see_as_a_block_list(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("see: [loss-functions, qf01]", "see:\n  - qf")
    assert "qf01" in labels(await typed(editor, text, "  - qf", 6))


async def test_section_company_and_level_ids(editor: Editor) -> None:
    text = text_of(editor, Q01)
    assert labels(await typed(editor, text, "section: screening", 9)) == ["quick-fire", "screening"]
    assert labels(await typed(editor, text, "section: screening", 12)) == ["screening"]  # "scr" typed
    assert labels(await typed(editor, text, "company: google", 11)) == ["google"]
    items = await typed(editor, text, 'level: "L4"', 9)
    assert labels(items) == ["L4"] and edit_of(items[0]).new_text == "L4"  # inside the quotes
    broken = text.replace("  - company: google\n", "  - company: \n")
    (google,) = await typed(editor, broken, "  - company: ", len("  - company: "))
    assert google.label == "google" and google.detail == "company: Google"


async def test_practice_plan_refs_in_bank_yaml(editor: Editor) -> None:
    bank = text_of(editor, "bank.yaml")
    editor.open("bank.yaml")
    found = labels(await completion(editor, "bank.yaml", position(bank, "refs: [screening", 7)))
    assert found == ["q01", "qf01", "quick-fire", "screening", "bias-variance", "loss-functions"]


async def test_schema_keys_not_yet_written(editor: Editor) -> None:
    text = text_of(editor, Q01)
    typed_key = text.replace("time_minutes: 2\n", "time_minutes: 2\nlab\n")
    items = await typed(editor, typed_key, "lab", 3)
    keys = labels(items)
    assert keys == ["label", "settings"]  # in schema order; every other key is written already
    label = items[0]
    assert edit_of(label).new_text == "label: " and edit_of(label).range.end.character == 3
    assert "The source's own number" in (label.detail or "")


async def test_schema_keys_inside_a_list_item_and_a_mapping(editor: Editor) -> None:
    text = text_of(editor, Q01)
    claim = text.replace("    expr: -log(0.01)\n", "    expr: -log(0.01)\n    \n")
    editor.open(Q01, claim)
    items = await completion(
        editor, Q01, types.Position(line=position(claim, "expr: -log").line + 1, character=4)
    )
    keys = labels(items)
    assert keys == ["equals", "where", "domain", "tolerance"]
    rubric = text.replace("  no_hire: |\n    Says accuracy.\n", "  no\n")
    assert labels(await typed(editor, rubric, "  no", 4)) == ["no_hire"]


async def test_no_completion_in_prose_or_outside_a_bank(editor: Editor) -> None:
    text = text_of(editor, Q01)
    assert await typed(editor, text, "Binary cross-entropy", 3) == []
    assert await completion(editor, "../pyproject.toml", types.Position(line=0, character=0)) == []


async def test_a_long_list_is_cut_and_marked_incomplete(editor: Editor) -> None:
    for n in range(100, 230):  # unsaved new questions: the index holds the editor's buffers too
        editor.open(f"questions/screening/q{n}-new.yaml", f"id: q{n}\nsection: screening\ntitle: New {n}\n")
    text = text_of(editor, Q01).replace("see: [loss-functions, qf01]", "see: [q")
    editor.open(Q01, text)
    found = await editor.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(Q01)),
            position=position(text, "see: [q", 7),
        )
    )
    assert isinstance(found, types.CompletionList)
    assert found.is_incomplete and len(found.items) == 100
    narrower = text.replace("see: [q", "see: [q12")
    editor.change(Q01, narrower)
    found = await editor.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(Q01)),
            position=position(narrower, "see: [q12", 9),
        )
    )
    assert isinstance(found, types.CompletionList) and not found.is_incomplete
    assert [i.label for i in found.items] == [f"q{n}" for n in range(120, 130)]
