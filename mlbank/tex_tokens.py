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
    found = [token for token in _scan(source) if token.text != "%"]
    found.append(Token(EOF, len(source), len(source)))
    return found


# What ends a formula early where an app typesets `\\(...\\)` from HTML: auto-render closes it at
# the first `\\)` outside braces, whatever a comment or `\\verb` around it means to TeX.
ENDS_EARLY = frozenset(["%", "\\(", "\\)", "\\[", "\\]"])


def ends_early(source: str) -> Token | None:
    """The first comment, `\\verb`, `\\(`, `\\)`, `\\[` or `\\]` of `source`, or None."""
    return next((t for t in _scan(source) if t.text in ENDS_EARLY or t.text.startswith("\\verb")), None)


def _scan(source: str) -> list[Token]:
    """Every token, a comment as one token "%" running to the end of its line."""
    found: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise LexError(pos, source[pos])
        text = _text(match)
        if text == "%":  # a comment, up to and including the end of its line
            newline = source.find("\n", match.end())
            end = len(source) if newline < 0 else newline + 1
            found.append(Token(text, pos, end))
            pos = end
            continue
        found.append(Token(text, pos, match.end()))
        pos = match.end()
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
