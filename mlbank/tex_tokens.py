"""TeX source to tokens, cut as KaTeX's lexer cuts it (katex/src/Lexer.ts), each with its offset.

A control word swallows the spaces after it (`\\alpha x` is `\\alpha` then `x`), `%` starts a
comment that runs to the end of the line, `\\verb|...|` is one token, and a character carries the
combining accents that follow it. Characters KaTeX's lexer refuses (control characters, the line and
paragraph separators U+2028/U+2029, the private use area) stop the scan with an error.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# KaTeX's tokenRegex (Lexer.ts), group by group. JavaScript counts UTF-16 units and Python code
# points, so KaTeX's surrogate-pair branch is the astral range here.
_TOKEN = re.compile(
    r"(?P<space>[ \r\n\t]+)"
    r"|\\(?P<control_space>\n|[ \r\t]+\n?)[ \r\t]*"
    r"|(?P<char>[!-\[\]-\u2027\u202a-\ud7ff\uf900-\uffff\U00010000-\U0010ffff][\u0300-\u036f]*)"
    r"|(?P<verb>\\verb\*(?P<star_delim>[\s\S])[^\n\r\u2028\u2029]*?(?P=star_delim)"
    r"|\\verb(?P<delim>[^*a-zA-Z])[^\n\r\u2028\u2029]*?(?P=delim))"
    r"|(?P<word>\\[a-zA-Z@]+)[ \r\n\t]*"
    r"|(?P<symbol>\\[^\ud800-\udfff\U00010000-\U0010ffff])"
)
EOF = "EOF"


class Token(NamedTuple):
    text: str  # "\\frac", "x", " " (any run of spaces), "\\ " (a control space), "EOF"
    start: int  # offset in the source
    end: int


class LexError(ValueError):
    """A character KaTeX cannot read at all."""

    def __init__(self, offset: int, char: str) -> None:
        super().__init__(char)
        self.offset = offset
        self.char = char


def tokens(source: str) -> list[Token]:
    """Every token of `source`, comments dropped, ending with an EOF token at len(source)."""
    found: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise LexError(pos, source[pos])
        text = _text(match)
        if text == "%":  # a comment, up to and including the end of its line
            newline = source.find("\n", match.end())
            pos = len(source) if newline < 0 else newline + 1
            continue
        found.append(Token(text, pos, match.end()))
        pos = match.end()
    found.append(Token(EOF, len(source), len(source)))
    return found


def _text(match: re.Match[str]) -> str:
    kind = match.lastgroup  # the outermost group of the alternative that matched
    if kind == "space":
        return " "
    if kind == "control_space":
        return "\\ "
    if kind == "word":
        return match.group("word")
    return match.group(0)
