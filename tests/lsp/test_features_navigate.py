"""Go to definition and find references over a real client, and a rename followed by references."""

from __future__ import annotations

import pytest
from feature_requests import Q01, QF01, definition, position, references, text_of, token, where
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize(
    ("needle", "offset", "target", "name"),
    [
        ("qf01]", 1, QF01, "qf01"),  # a see reference -> the question file's id
        ("see: [loss", 8, "topics.yaml", "loss-functions"),  # a see entry naming a topic
        ("topics: [loss", 12, "topics.yaml", "loss-functions"),  # a topic tag -> topics.yaml
        ("company: google", 11, "bank.yaml", "google"),  # a company -> bank.yaml
        ('level: "L4"', 9, "bank.yaml", '"L4"'),  # a level -> bank.yaml
        ("section: screening", 10, "bank.yaml", "screening"),
    ],
)
async def test_definition(editor: Editor, needle: str, offset: int, target: str, name: str) -> None:
    (found,) = await definition(editor, Q01, position(text_of(editor, Q01), needle, offset))
    assert where(editor, found)[0] == target and token(editor, found) == name


async def test_no_definition_off_an_id_or_for_an_unknown_one(editor: Editor) -> None:
    text = text_of(editor, Q01)
    assert await definition(editor, Q01, position(text, "title: Log loss", 9)) == []
    editor.open(Q01, text.replace("see: [loss-functions, qf01]", "see: [loss-functions, qf99]"))
    assert await definition(editor, Q01, position(text, "qf01]", 1)) == []


async def test_references_of_a_question_id(editor: Editor) -> None:
    qf01 = position(text_of(editor, QF01), "id: qf01", 5)
    found = await references(editor, QF01, qf01, declaration=False)
    assert sorted(where(editor, f)[0] for f in found) == ["bank.yaml", Q01]
    assert {token(editor, f) for f in found} == {"qf01"}
    with_declaration = await references(editor, QF01, qf01, declaration=True)
    assert where(editor, with_declaration[0]) == (QF01, 0) and len(with_declaration) == 3
    # asked at a use, the answer is the same
    at_use = await references(editor, Q01, position(text_of(editor, Q01), "qf01]", 2), declaration=True)
    assert at_use == with_declaration


async def test_references_of_a_topic_id(editor: Editor) -> None:
    topics = text_of(editor, "topics.yaml")
    found = await references(
        editor, "topics.yaml", position(topics, "id: loss-functions", 5), declaration=False
    )
    assert sorted(where(editor, f) for f in found) == [(Q01, 6), (Q01, 7)]  # topics: and see:
    declared = await references(
        editor, "topics.yaml", position(topics, "id: loss-functions", 5), declaration=True
    )
    assert len(declared) == 3 and where(editor, declared[0])[0] == "topics.yaml"
    # a range's end in the practice plan counts as a use of that question
    q01 = await references(editor, Q01, position(text_of(editor, Q01), "id: q01", 4), declaration=False)
    assert [where(editor, f)[0] for f in q01] == ["bank.yaml", "bank.yaml"]  # q01..q01


async def test_a_renamed_id_is_found_where_the_buffers_now_name_it(editor: Editor) -> None:
    qf01, q01 = text_of(editor, QF01), text_of(editor, Q01)
    editor.open(QF01)
    editor.change(QF01, qf01.replace("id: qf01", "id: qf02"))
    editor.open(Q01)
    editor.change(Q01, q01.replace("see: [loss-functions, qf01]", "see: [loss-functions, qf02]"))
    await editor.until(lambda: "MB205" in editor.codes("bank.yaml"))  # the plan still names qf01
    found = await references(editor, QF01, position(qf01, "id: qf01", 5), declaration=True)
    assert [(where(editor, f), f.range.start.character) for f in found] == [((QF01, 0), 4), ((Q01, 7), 22)]
    # the plan's qf01 names nothing now
    bank = text_of(editor, "bank.yaml")
    assert await references(editor, "bank.yaml", position(bank, "qf01]", 1), declaration=True) == []


async def test_positions_count_utf16_units_past_astral_characters(editor: Editor) -> None:
    text = text_of(editor, Q01).replace(
        '  - company: google\n    level: "L4"\n    expects: |\n      The formula.\n',
        '  - {expects: "\U0001f600 formula", company: google}\n',
    )
    editor.open(Q01, text)
    line = position(text, "company: google").line
    row = text.split("\n")[line]
    utf16 = len(row[: row.index("google")].encode("utf-16-le")) // 2  # the emoji is two units
    assert utf16 == row.index("google") + 1
    at = types.Position(line=line, character=utf16 + 2)
    (found,) = await definition(editor, Q01, at)
    assert where(editor, found)[0] == "bank.yaml" and token(editor, found) == "google"
    bank = text_of(editor, "bank.yaml")
    uses = await references(editor, "bank.yaml", position(bank, "id: google", 5), declaration=False)
    mine = [u for u in uses if where(editor, u)[0] == Q01]
    assert [(u.range.start.character, u.range.end.character) for u in mine] == [(utf16, utf16 + 6)]
