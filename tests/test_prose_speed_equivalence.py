"""The prose helpers' fast regexes find exactly what their plain forms find.

Each fast pattern moves a leading lookbehind after a literal (or starts with a lone character class)
so the regex engine can skip ahead; the plain forms below are the readable originals, kept here as
the reference, and the edge cases pin the spots where the two could drift apart.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlbank import markup
from mlbank.claims import find_stated_results
from mlbank.claims import prose as prose_module
from mlbank.markup import Unbalanced, scan
from mlbank.rules.mb401_claim_not_in_text import appears
from mlbank.rules.mb501_speaking_time import _placeholder

_PLAIN_NUMBER = r"[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_PLAIN_STATED = (
    re.compile(
        r"(?:(?<![<>!=:])=(?!=)|\u2248|\\approx(?![A-Za-z]))[ \t]*(?:\n[ \t]*)?(?:\\?\$)?[ \t]*"
        rf"(?P<token>-?{_PLAIN_NUMBER}{prose_module._SUFFIX})"
    ),
    re.compile(rf"(?P<token>{_PLAIN_NUMBER}(?:x|\u00d7|:[0-9]+(?:\.[0-9]+)?(?![0-9:])|%(?=[ \t]+of\b)))"),
)
# A dollar after an even run of backslashes (none included): `\\$` escapes it, `\\\\$` does not.
_PLAIN_DOLLAR = re.compile(r"(?<!\\)(?:\\\\)*(?P<token>\$\$?)")

# Characters that matter to the patterns, plus a few words, so short random texts hit the edges.
_PIECES = [*"0123456789 =<>!:,.eE-+x%$\\`\n\t/*^(a_bZ", "\u00d7", "\u2248", "\\approx", " of", "$$", "\n\n"]
texts = st.lists(st.sampled_from(_PIECES), max_size=30).map("".join)


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span("token") if "token" in pattern.groupindex else m.span() for m in pattern.finditer(text)]


@given(texts)
def test_stated_result_patterns_match_their_plain_forms(text: str) -> None:
    for fast, plain in zip(prose_module._PATTERNS, _PLAIN_STATED, strict=True):
        assert _spans(fast, text) == _spans(plain, text)


@given(texts)
def test_dollar_scan_matches_its_plain_form(text: str) -> None:
    assert [(at, at + len(d)) for at, d in markup._dollars(text)] == _spans(_PLAIN_DOLLAR, text)


@given(texts, texts)
def test_appears_matches_its_plain_form(says: str, text: str) -> None:
    plain = re.compile(rf"(?<![0-9A-Za-z.]){re.escape(says)}(?![0-9A-Za-z]|\.[0-9])")
    if says:
        assert appears(says, [text]) == (plain.search(text) is not None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=5", [(1, "5")]),  # '=' first in the text: nothing before it to look behind at
        ("==5", []),
        (":=5", []),
        ("a1e-5x", []),  # the skipped "1e-5x" hides the "5x" inside it
        ("=-5x", [(1, "-5x"), (2, "5x")]),  # both patterns report, at different offsets
        ("1,2345x", []),  # a shorter number cannot take the suffix either
        ("3:12.5: and", [(0, "3:12")]),  # the ratio still backtracks out of its decimals
        ("2\u00d73x", [(2, "3x")]),
        ("1 + x = 5 and 3x, then 2:1 = 7", [(8, "5"), (14, "3x"), (23, "2:1"), (29, "7")]),  # merged in order
        ("a 3x and a 2:1 split", [(2, "3x"), (11, "2:1")]),  # no '=': one pattern, already in order
    ],
)
def test_stated_result_edges(text: str, expected: list[tuple[int, str]]) -> None:
    assert find_stated_results(text) == expected


@pytest.mark.parametrize(
    ("text", "currency", "unbalanced"),
    [
        ("\\$$5", (2,), ()),  # an escaped dollar does not start a `$$`
        ("$\\$", (), (Unbalanced(0, "$"),)),
        ("$5 and\n\n$6", (0, 8), ()),  # dollars pair within their own paragraph only
        (
            "one $x$\n\nno dollars\n\n$$a\n  \nb$$ and $5",
            (36,),
            (Unbalanced(21, "$$"), Unbalanced(29, "$$")),
        ),
        ("`$5` and $6", (9,), ()),
        ("$$x$$ and $5 \\times 5 = 25$", (), ()),
        ("no dollar at all", (), ()),
    ],
)
def test_math_scan_edges(text: str, currency: tuple[int, ...], unbalanced: tuple[Unbalanced, ...]) -> None:
    assert scan(text) == (currency, unbalanced)


@pytest.mark.parametrize(
    ("says", "text", "found"),
    [
        ("4.6", "4.6 at the start", True),
        ("4.6", "a loss of 4.65", False),
        ("4.6", "a loss of 14.6", False),
        ("4.6", "v.4.6", False),
        ("4.6", "4.6.1", False),
        ("4.6", "4.6. Next", True),  # a '.' with no digit after it ends the number
        ("100x", "cut 100x, then 100x2", True),
        ("$5", "costs $5 each", True),
    ],
)
def test_appears_edges(says: str, text: str, found: bool) -> None:
    assert appears(says, [text]) is found


@pytest.mark.parametrize(
    ("answer", "placeholder"), [("TODO: write it", True), ("TODOs are done", False), ("", False)]
)
def test_placeholder(answer: str, placeholder: bool) -> None:
    assert _placeholder(answer) is placeholder
