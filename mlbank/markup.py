"""Where a Markdown + KaTeX renderer would see math: `$...$` spans, currency dollars, code.

Renderers (markdown-it's texmath and katex plugins, MathJax with `$` enabled) pair dollar signs
within a paragraph, so `$50 ... $500` becomes an equation. The bank writes currency as `\\$50`.
Code spans and fenced blocks are not prose and are masked out first.

The scan goes left to right through each paragraph. A `$` followed by an amount is currency unless
it opens a span that reads as math: one closed later in the paragraph by a `$` that hugs its content
(as Pandoc requires) and holding no English words (`$5 \\times 5 = 25$` is math; `$50 offer for a
customer worth $` is not).

A `$` with a space (or `(`) before it and none after it can only open a span (Pandoc: a closing `$`
has a non-space character on its left). So when a span is still open at such a `$`, the open span is
the one left unclosed, and the scan reports it there rather than pairing it with the next span's
opener and reporting that span's correct closing `$` further on.
"""

from __future__ import annotations

import re
from bisect import bisect
from functools import lru_cache
from itertools import groupby
from typing import NamedTuple

_AMOUNT = re.compile(r"[0-9][0-9,]*(?:\.[0-9]+)?(?:[kKmMbB]|bn)?(?![0-9A-Za-z])", re.ASCII)
_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_PROSE_WORD = re.compile(r"(?<![\\A-Za-z{_^])[A-Za-z]{2,}", re.ASCII)
_BEFORE_AN_OPENER = frozenset(" \t\n(")


class Unbalanced(NamedTuple):
    offset: int
    delimiter: str
    next_span: int | None = None  # where the next span opens, when that cut this one off


class Span(NamedTuple):
    start: int  # offset of the opening delimiter
    end: int  # exclusive, after the closing delimiter
    display: bool  # $$...$$

    def body(self, text: str) -> str:
        width = 2 if self.display else 1
        return text[self.start + width : self.end - width]


class MathScan(NamedTuple):
    currency: tuple[int, ...]  # offsets of unescaped currency dollars
    unbalanced: tuple[Unbalanced, ...]  # math delimiters never closed in their paragraph


class _Scanned(NamedTuple):
    found: MathScan
    spans: tuple[Span, ...]  # the math spans, in order


def mask_code(text: str) -> str:
    """The text with code blocks and code spans blanked out, offsets unchanged."""

    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    if "`" not in text and "~~~" not in text:
        return text
    return _CODE_SPAN.sub(blank, _FENCE.sub(blank, text))


_NO_MATH = _Scanned(MathScan((), ()), ())


def scan(text: str) -> MathScan:
    # Most texts hold no dollar: answer those without a cache entry.
    return _scanned(text).found


def _scanned(text: str) -> _Scanned:
    return _scan(text) if "$" in text else _NO_MATH


@lru_cache(maxsize=1 << 16)  # two rules (and --fix) scan the same texts
def _scan(text: str) -> _Scanned:
    masked = mask_code(text)
    currency: list[int] = []
    unbalanced: list[Unbalanced] = []
    spans: list[Span] = []
    # Find every dollar in one pass, then pair them paragraph by paragraph, a paragraph's index
    # being the number of breaks before it (paragraphs without a dollar cost nothing). A break
    # starts with a newline, so no `$$` straddles one.
    breaks = [m.start() for m in _PARAGRAPH.finditer(masked)]
    dollars = _dollars(masked)
    for _, paragraph in groupby(dollars, key=lambda dollar: bisect(breaks, dollar[0])):
        _scan_paragraph(masked, list(paragraph), currency, unbalanced, spans)
    return _Scanned(MathScan(tuple(currency), tuple(unbalanced)), tuple(spans))


def _dollars(text: str) -> list[tuple[int, str]]:
    """Every unescaped `$` or `$$`, with its offset. A dollar is escaped by an odd number of
    backslashes before it, as in Markdown: `C:\\\\$x$` is a backslash, then math."""
    found: list[tuple[int, str]] = []
    at = text.find("$")
    while at >= 0:
        before = at
        while before > 0 and text[before - 1] == "\\":
            before -= 1
        if (at - before) % 2:
            at = text.find("$", at + 1)
            continue
        delim = "$$" if text.startswith("$$", at) else "$"
        found.append((at, delim))
        at = text.find("$", at + len(delim))
    return found


def _scan_paragraph(
    text: str,
    dollars: list[tuple[int, str]],
    currency: list[int],
    unbalanced: list[Unbalanced],
    spans: list[Span],
) -> None:
    i = 0
    while i < len(dollars):
        offset, delim = dollars[i]
        closer, next_span = _closer(text, dollars, i)
        if delim == "$" and _AMOUNT.match(text, offset + 1) and not _is_math(text, offset, dollars, closer):
            currency.append(offset)
            i += 1
        elif closer is None:
            unbalanced.append(Unbalanced(offset, delim, next_span))
            i += 1
        else:
            spans.append(Span(offset, dollars[closer][0] + len(delim), delim == "$$"))
            i = closer + 1


def _closer(text: str, dollars: list[tuple[int, str]], i: int) -> tuple[int | None, int | None]:
    """The index of the delimiter that closes the span opened at `i`, or None and, when the next
    `$` opens a span of its own instead, that `$`'s offset."""
    delim = dollars[i][1]
    closer = next((j for j in range(i + 1, len(dollars)) if dollars[j][1] == delim), None)
    if closer is not None and delim == "$" and _opens_only(text, dollars[closer][0]):
        return None, dollars[closer][0]
    return closer, None


def _opens_only(text: str, offset: int) -> bool:
    """A `$` that cannot close a span: space or `(` on its left, a non-space on its right."""
    after = text[offset + 1 : offset + 2]
    return text[offset - 1 : offset] in _BEFORE_AN_OPENER and after != "" and not after.isspace()


def _is_math(text: str, offset: int, dollars: list[tuple[int, str]], closer: int | None) -> bool:
    if closer is None:
        return False
    body = text[offset + 1 : dollars[closer][0]]
    return not body[-1:].isspace() and not _PROSE_WORD.search(body)


def currency_dollars(text: str) -> list[int]:
    return list(scan(text).currency)


def math_spans(text: str) -> list[Span]:
    """The math spans lint checks: the renderer (mlbank/render.py) sees the same ones in a text that
    passes MB300 and MB301 (tests/test_render.py holds both to it over the bank and a corpus); this
    scan costs a regex pass, where the renderer's full Markdown parse would dominate a cold lint."""
    return list(_scanned(text).spans)


def unbalanced_math(text: str) -> list[Unbalanced]:
    return list(scan(text).unbalanced)


def escape_currency(text: str) -> str:
    """The text with every currency dollar escaped (the safe fix for MB300)."""
    for offset in reversed(currency_dollars(text)):
        text = text[:offset] + "\\" + text[offset:]
    return text
