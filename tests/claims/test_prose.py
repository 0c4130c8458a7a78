"""find_stated_results: which numbers in prose are stated results that need a worked: claim."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlbank.claims import find_stated_results


def tokens(text: str) -> list[str]:
    return [token for _, token in find_stated_results(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the loss is -log(0.01) = 4.6, much larger than 0.4 (loss = 0.92).", ["4.6", "0.92"]),
        ("the factor reduces the loss by 100x for easy samples", ["100x"]),
        ("a 100\u00d7 speed-up", ["100\u00d7"]),
        ("0.2% fraud = 500:1 ratio", ["500:1"]),
        ("a 99:1 class imbalance", ["99:1"]),
        ("87% of the volume is at the surface", ["87%"]),
        ("it is 87 % of", []),
        ("80% accuracy", []),
        ("$\\approx 0.87$", ["0.87"]),
        ("$x \\approx$ 0.87", ["0.87"]),
        ("p \u2248 4.6 here", ["4.6"]),
        ("loss = $4.6$", ["4.6"]),
        ("cost = \\$50 per user", ["50"]),
        ("loss = -0.5.", ["-0.5"]),
        ("x = -0.5.", []),  # a lone symbol set to a number is a setting (issue 13)
        ("= 87% exactly", ["87%"]),
        ("= 3e-4 at most", ["3e-4"]),
        ("= 10,000 rows", ["10,000"]),
        ("= 10 ms", ["10"]),
        ("= 4.6 (much larger)", ["4.6"]),
        ("sigma^2 = 1/(2*lambda)", []),
        ("$\\sigma^2 = 1/(2\u03bb)$", []),
        ("= 2\u03bb", []),
        ("= 2 * 3", []),
        ("= 2 \\times 3", []),
        ("= 2^k", []),
        ("= 2(a + b)", []),
        ("= 0.5x + 1", ["0.5x"]),
        ("a learning rate of 3e-4", []),
        ("x <= 5 and y >= 3 and z != 2 and w == 1", []),
        ("a 3x3 matrix", []),
        ("ResNet50x and L2x", []),
        ("F1 scores 0.9", []),
        ("at 10:30:45", []),
        ("v1.5:1 and a1:1", []),
        ("\u0664.\u0666 = \u0664.\u0666", []),
        ("10x10 grid", []),
    ],
)
def test_stated_results(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_offsets_point_at_the_tokens() -> None:
    text = "loss = 4.6 and 87% of cases; 100x faster; 500:1."
    found = find_stated_results(text)
    assert [token for _, token in found] == ["4.6", "87%", "100x", "500:1"]
    for offset, token in found:
        assert text[offset : offset + len(token)] == token


@given(st.text(alphabet="0123456789.,:=%x \u00d7$\\approx\u2248-ab(/*^\u0664", max_size=60))
def test_tokens_are_always_found_where_they_are_and_ascii(text: str) -> None:
    for offset, token in find_stated_results(text):
        assert text[offset : offset + len(token)] == token
        assert all(not char.isdigit() or "0" <= char <= "9" for char in token)
        assert any("0" <= char <= "9" for char in token)
