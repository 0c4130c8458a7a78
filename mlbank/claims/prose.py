"""Numbers that prose states as computed results, so the linter can ask for a claim behind each.

A computed result is a number right after ``=``, ``≈`` or ``\\approx`` (spaces and a ``$`` or a
currency ``\\$`` may come between), a multiplier ``100x`` (or with the sign U+00D7), a ratio ``500:1`` and a
percentage followed by "of" (``87% of``). The token is the number as written, with its suffix.

Not flagged: a number that goes on as an expression (followed by ``/``, ``*``, ``^``, ``\\times``,
``\\cdot``, a letter or ``(``, as in ``= 1/(2λ)``), a number inside a word (``F1``, ``L2x``), and a
number after a comparison (``<=``, ``>=``, ``!=``, ``==``), which states a condition, not a result.
Digits are ASCII only.
"""

from __future__ import annotations

import re

# The lone leading [0-9] lets the regex engine skip straight to digits when a pattern starts here.
# (Possessive quantifiers would also stop useless backtracking, but need Python 3.11.)
_NUMBER = r"[0-9][0-9]*(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_SUFFIX = r"(?:%|x|\u00d7|:[0-9]+(?:\.[0-9]+)?(?![0-9:]))?"

# Both patterns start with plain characters (the lookbehind comes after the '='), so the regex
# engine skips ahead to candidates instead of trying a full match at every position of the text.
_PATTERNS = (
    re.compile(
        r"(?:=(?<![<>!=:]=)(?!=)|\u2248|\\approx(?![A-Za-z]))[ \t]*(?:\\?\$)?[ \t]*"
        rf"(?P<token>-?{_NUMBER}{_SUFFIX})"
    ),
    # Multipliers, ratios and "N% of" in one pattern that starts with a digit, so the regex engine
    # can skip straight to digits; the not-inside-a-word test is done on the character before.
    re.compile(rf"(?P<token>{_NUMBER}(?:x|\u00d7|:[0-9]+(?:\.[0-9]+)?(?![0-9:])|%(?=[ \t]+of\b)))"),
)
_WORDISH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:\\^")
_OPERATOR_AFTER = re.compile(r"[ \t]*(?:[/*^]|\\times|\\cdot)")


def find_stated_results(text: str) -> list[tuple[int, str]]:
    """(offset, token) of every stated result in ``text``, by offset; offsets index ``text``."""
    found: dict[int, str] = {}
    has_equals = "=" in text or "\u2248" in text or "\\approx" in text
    for pattern in _PATTERNS[0 if has_equals else 1 :]:  # most prose has no '=': skip that scan
        for match in pattern.finditer(text):
            start, end = match.span("token")
            if _goes_on(text, end) or (pattern is not _PATTERNS[0] and start and text[start - 1] in _WORDISH):
                continue
            token = match["token"]
            if len(token) > len(found.get(start, "")):
                found[start] = token
    # One pattern's matches come in offset order; only the '=' pattern's can interleave with them.
    return sorted(found.items()) if has_equals else list(found.items())


def _goes_on(text: str, end: int) -> bool:
    """True when the number is the start of a longer expression or word, not a result."""
    if end < len(text) and (text[end].isalnum() or text[end] in "_("):
        return True
    return _OPERATOR_AFTER.match(text, end) is not None
