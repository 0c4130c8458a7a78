"""The locator: the field path and token under a position, in whole and in half-typed buffers."""

from __future__ import annotations

import pytest

from mlbank.lsp.features.locate import Spot, locate, present_keys

QUESTION = """\
# yaml-language-server: $schema=../../../schema/question.schema.json
id: q02
section: screening
title: Loss for binary classification
topics: [loss-functions, evaluation-metrics]
see: [loss-functions, q23, "q32"]
companies:
  - company: google
    level: "L5+"
  - {company: meta, level: E4}
answer: |
  Note: this line looks like a key but is prose.
  - so does this list item
worked:
  - says: "4.6"
    expr: -log(0.01)
  - says: "0.92"
    expr: -log(0.4)
"""


def spot_at(text: str, needle: str, offset: int = 0, nth: int = 0) -> Spot:
    lines = text.split("\n")
    hits = [(n, line.index(needle)) for n, line in enumerate(lines) if needle in line]
    number, column = hits[nth]
    return locate(text, number, column + offset)


@pytest.mark.parametrize(
    ("needle", "offset", "path", "token"),
    [
        ("q02", 1, ("id",), "q02"),
        ("screening", 0, ("section",), "screening"),
        ("evaluation-metrics", 3, ("topics", 1), "evaluation-metrics"),
        ("q23", 3, ("see", 1), "q23"),
        ("q32", 0, ("see", 2), "q32"),
        ("google", 2, ("companies", 0, "company"), "google"),
        ("L5+", 1, ("companies", 0, "level"), "L5+"),
        ("meta", 1, ("companies", 1, "company"), "meta"),
        ("E4", 1, ("companies", 1, "level"), "E4"),
        ("-log(0.4)", 2, ("worked", 1, "expr"), "-log"),  # ids are kebab: a dash is part of a word
        ("0.92", 0, ("worked", 1, "says"), "0"),
    ],
)
def test_values_in_a_whole_file(needle: str, offset: int, path: tuple[object, ...], token: str) -> None:
    spot = spot_at(QUESTION, needle, offset)
    assert (spot.path, spot.token, spot.on_key, spot.prose) == (path, token, False, False)


def test_token_columns_cover_the_word() -> None:
    spot = spot_at(QUESTION, "q23", 1)
    line = QUESTION.split("\n")[5]
    assert line[spot.start : spot.end] == "q23"


def test_keys() -> None:
    assert spot_at(QUESTION, "says", 1, nth=1) == Spot(("worked", 1), "says", 4, 8, on_key=True)
    assert spot_at(QUESTION, "title").on_key and spot_at(QUESTION, "title").path == ()


def test_prose_is_never_read_as_structure() -> None:
    for needle in ("Note", "so does"):
        spot = spot_at(QUESTION, needle, 1)
        assert (spot.path, spot.prose, spot.on_key) == (("answer",), True, False)


@pytest.mark.parametrize(
    ("text", "line", "character", "path", "token", "on_key"),
    [
        ("see: [q01, q0", 0, 13, ("see", 1), "q0", False),  # an unclosed flow list
        ("id: q01\nsee: [q01, ", 1, 11, ("see", 1), "", False),
        ("id: q01\nsee:\n  - q0", 2, 6, ("see", 0), "q0", False),
        ("id: q01\nsee:\n  - q01\n  - q", 3, 5, ("see", 1), "q", False),
        ("id: q01\ntopics:\n  - bias\nse", 3, 2, (), "se", True),  # a key being typed
        ("companies:\n  - company: goo\n    lev", 2, 7, ("companies", 0), "lev", True),
        ("companies:\n  - company: goo\n    ", 2, 4, ("companies", 0), "", True),  # an empty line
        ("companies:\n  - {company: goo, level: L", 1, 37, ("companies", 0, "level"), "L", False),
        ("companies:\n  - {company: goo, lev", 1, 30, ("companies", 0), "lev", True),
        ('title: "unclosed\nsection: scr', 1, 12, ("section",), "scr", False),
        ("rubric:\n  strong_hire: |\n    x\n  lean", 3, 5, ("rubric",), "lean", True),
    ],
)
def test_half_typed_buffers(
    text: str, line: int, character: int, path: tuple[object, ...], token: str, on_key: bool
) -> None:
    spot = locate(text, line, character)
    assert (spot.path, spot.token, spot.on_key) == (path, token, on_key)


def test_positions_outside_the_text() -> None:
    assert locate("id: q01", 5, 0).path == ()
    assert locate("id: q01", 0, 99).path == ("id",)
    assert locate("", 0, 0) == Spot((), "", 0, 0, on_key=True)


def test_present_keys_of_the_cursors_mapping() -> None:
    lines = QUESTION.split("\n")
    expr = lines.index("    expr: -log(0.4)")
    assert present_keys(QUESTION, expr, 4) == {"says"}  # the cursor's own line is left out
    assert present_keys(QUESTION, 1, 0) == {
        "section",
        "title",
        "topics",
        "see",
        "companies",
        "answer",
        "worked",
    }
    assert present_keys("rubric:\n  strong_hire: |\n    x\n  lean\nid: q1", 3, 2) == {"strong_hire"}


@pytest.mark.parametrize(
    "text",
    ["\x00\x01 : : [[[ {{{", "- - - - -", "a:\n" + "  " * 5000 + "b: |", ":\n:\n", "'" * 1000, "\t\tx: [\n"],
)
def test_hostile_text_gives_a_spot(text: str) -> None:
    for line in range(text.count("\n") + 2):
        for character in (0, 1, 3, 10_000):
            assert isinstance(locate(text, line, character), Spot)
    assert isinstance(present_keys(text, 0, 0), set)
