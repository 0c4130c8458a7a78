"""Hover over a real client: a finding, a topic id, a `see` reference, a worked claim."""

from __future__ import annotations

import asyncio

import pytest
from feature_requests import Q01, QF01, hover, position, text_of
from lsp_editor import TIMEOUT, Editor

pytestmark = pytest.mark.asyncio


async def test_hover_on_a_finding_explains_its_rule(editor: Editor) -> None:
    text = text_of(editor, Q01).replace("topics: [loss-functions]", "topics: [loss-functionz]")
    editor.open(Q01)
    editor.change(Q01, text)
    assert "MB200" in [d.code for d in await editor.published(Q01)]
    shown = await hover(editor, Q01, position(text, "loss-functionz]", 3))
    assert "**MB200 unknown-topic** (error)" in shown
    assert "topic 'loss-functionz' is not declared in topics.yaml (did you mean 'loss-functions'?)" in shown
    assert "A topic tag is not declared in topics.yaml." in shown  # the rule's explanation
    assert "names no topic of this bank" in shown
    # beside the finding, no rule is explained
    assert "MB200" not in await hover(editor, Q01, position(text, "section: screening", 10))


async def test_hover_on_a_topic_id_gives_its_title_and_summary(editor: Editor) -> None:
    text = text_of(editor, Q01)
    shown = await hover(editor, Q01, position(text, "topics: [loss-functions]", 12))
    assert shown == "**topic `loss-functions`**: Loss functions\n\nWhat each loss penalises."
    # at its declaration in topics.yaml too
    topics = text_of(editor, "topics.yaml")
    assert "Loss functions" in await hover(editor, "topics.yaml", position(topics, "id: loss-functions", 6))


async def test_hover_on_a_see_reference_gives_the_questions_title_and_prompt(editor: Editor) -> None:
    text = text_of(editor, Q01)
    shown = await hover(editor, Q01, position(text, "qf01]", 1))
    assert shown == "**question `qf01`**: Bias\n\nWhat is bias?"
    # the same file's `see` names a topic first
    assert "**topic `loss-functions`**" in await hover(editor, Q01, position(text, "see: [loss", 7))


async def test_hover_on_a_worked_claim_gives_the_value_and_the_interval(editor: Editor) -> None:
    text = text_of(editor, Q01)
    at = position(text, "expr: -log(0.01)", 8)
    shown = await hover(editor, Q01, at)
    loop = asyncio.get_running_loop()
    end = loop.time() + TIMEOUT
    while "being computed" in shown and loop.time() < end:  # until the claims worker has proven it
        assert shown == '**worked claim 1**: being computed\n\n"4.6" allows [4.55, 4.65]'
        await asyncio.sleep(0.05)
        shown = await hover(editor, Q01, at)
    assert "**worked claim 1**: holds" in shown
    assert "`-log(0.01)` = 4.60517018598809" in shown
    assert '"4.6" allows [4.55, 4.65]' in shown
    assert shown == await hover(editor, Q01, position(text, 'says: "4.6"', 2))


async def test_hover_on_a_failing_claim_after_an_edit(editor: Editor) -> None:
    text = (
        text_of(editor, Q01).replace('says: "4.6"', 'says: "4.60"').replace("\\approx 4.6$", "\\approx 4.60$")
    )
    editor.open(Q01)
    editor.change(Q01, text)
    await editor.until(lambda: "MB400" in editor.codes(Q01))
    shown = await hover(editor, Q01, position(text, 'says: "4.60"', 8))
    assert "**worked claim 1**: fails" in shown and '"4.60" allows [4.595, 4.605]' in shown
    assert "MB400" in shown  # the finding on the says value is explained too


async def test_nothing_to_show_gives_no_hover(editor: Editor) -> None:
    assert await hover(editor, QF01, position(text_of(editor, QF01), "title: Bias", 2)) == ""
