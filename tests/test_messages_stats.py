"""`mlbank stats` does what the README says (issue 13, item 6): it names the thin sections and topics,
says what they are thin against, and explains its columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_runner import invoke


@pytest.fixture
def lopsided(minibank: Path) -> Path:
    """Four screening questions on loss functions, one quick-fire question on bias and variance."""
    for n in (2, 3, 4):
        (minibank / f"questions/screening/q0{n}-more.yaml").write_text(
            f"id: q0{n}\nsection: screening\ntitle: More {n}\ntopics: [loss-functions]\n"
        )
    return minibank


def test_thin_sections_are_named_against_two_full_rounds(lopsided: Path) -> None:
    out = invoke("stats", str(lopsided)).output
    block = out.split("Thin sections", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        ": under 2 full rounds of questions (2 x questions_per_round max in bank.yaml), too few",
        "to sit 2 mock rounds of the section without meeting a question twice",
        "section     questions  needed  to write",
        "----------  ---------  ------  --------",
        "screening           4      16        12",
        "quick-fire          1      40        39",
    ]


def test_thin_topics_are_named_against_half_the_average_topic(lopsided: Path) -> None:
    out = invoke("stats", str(lopsided)).output
    block = out.split("Thin topics", 1)[1].split("\n\n", 1)[0]
    assert block.splitlines() == [
        ": on fewer questions than half the average topic (2.5 questions a topic, so under 1.25);",
        "topics no question covers are listed at the end",
        "topic          questions  needed  to write",
        "-------------  ---------  ------  --------",
        "bias-variance          1       2         1",
    ]


def test_nothing_thin_says_so(lopsided: Path) -> None:
    (lopsided / "questions/screening/q05-more.yaml").write_text(
        "id: q05\nsection: screening\ntopics: [bias-variance]\n"
    )
    out = invoke("stats", str(lopsided)).output
    assert "\nThin topics: none (each is on at least half as many questions as the average topic, 3)\n" in out


def test_practice_time_columns_are_explained(lopsided: Path) -> None:
    out = invoke("stats", str(lopsided)).output
    block = out.split("Practice time per section", 1)[1].split("\n\n", 1)[0].splitlines()
    assert block[-4:] == [
        "budget min: the sum of the questions' time_minutes, the time to answer each once as in an interview",
        "speaking min: the time to say every model answer aloud at 150 words a minute (MB501's estimate)",
        "cheat sheet min/q: minutes_per_question in bank.yaml, the time an interview gives one question",
        "rounds' worth: the interview rounds the questions fill: questions / questions_per_round max - min",
    ]


def test_thin_parts_in_json(lopsided: Path) -> None:
    data = json.loads(invoke("stats", str(lopsided), "--format", "json").output)
    assert data["thin_sections"] == [
        {"section": "screening", "questions": 4, "needed": 16},
        {"section": "quick-fire", "questions": 1, "needed": 40},
    ]
    assert data["thin_topics"] == [{"topic": "bias-variance", "questions": 1, "needed": 2}]


@pytest.mark.parametrize(
    ("path", "old", "new"),
    [
        ("questions/screening/q01-log-loss.yaml", "topics: [loss-functions]", "topics: 5"),
        ("bank.yaml", "  - id: screening", "  - id: [screening]"),
        ("bank.yaml", "sections:\n", "sections: 1\nunused:\n"),
        ("topics.yaml", "  - id: loss-functions", "  - id: [loss-functions]"),
    ],
)
def test_a_malformed_bank_still_gets_its_stats(minibank: Path, path: str, old: str, new: str) -> None:
    text = (minibank / path).read_text()
    assert old in text
    (minibank / path).write_text(text.replace(old, new, 1))
    result = invoke("stats", str(minibank))
    assert result.exit_code == 0 and "internal error" not in result.output, result.output
