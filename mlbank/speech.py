"""How long a model answer takes to say aloud.

People speak about 150 words a minute in an interview. Markdown markup is not spoken; a formula is
read symbol by symbol ("L equals minus y log p ..."), so each identifier, number, operator and
LaTeX command in a `$...$` span counts as one spoken word, while braces and other grouping count
as nothing.
"""

from __future__ import annotations

import re

WORDS_PER_MINUTE = 150
# The opener's "not escaped" lookbehind comes after its `$`, so the engine jumps from `$` to `$`.
_MATH = re.compile(r"\$(?<!\\\$)\$?(.+?)(?<!\\)\$\$?", re.DOTALL)
_MATH_TOKEN = re.compile(r"\\[A-Za-z]+|[A-Za-z]|[0-9]+(?:\.[0-9]+)?|[=+\-*/^<>|]")
# A lone leading class lets the engine skip to word characters (a `+` first defeats that).
_WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9]*(?:['.,-][A-Za-z0-9]+)*")
_SILENT = {r"\left", r"\right", r"\mathrm", r"\text", r"\mathbf", r"\bar", r"\hat", r"\,", r"\quad"}


def spoken_words(text: str) -> int:
    math_words = 0

    def count_math(match: re.Match[str]) -> str:
        nonlocal math_words
        math_words += sum(1 for t in _MATH_TOKEN.findall(match.group(1)) if t not in _SILENT and t != "^")
        return " "

    prose = _MATH.sub(count_math, text) if "$" in text else text
    return len(_WORD.findall(prose)) + math_words


def speaking_minutes(text: str) -> float:
    return spoken_words(text) / WORDS_PER_MINUTE
