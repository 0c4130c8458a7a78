"""Markdown prose -> HTML for Anki fields, with math handed to Anki's MathJax.

Anki renders math between `\\(...\\)` and `\\[...\\]`, not `$...$`. Math spans are cut out before
markdown-it sees the text, because Markdown would otherwise eat their backslash escapes (`\\,`
becomes `,`) and read `_t ... _` as emphasis; they are put back, HTML-escaped, between Anki's
delimiters. Currency written `\\$50` comes out as a plain `$50`, which MathJax in Anki ignores.
Raw HTML in prose is escaped (html=False): a question file must not inject markup into a card.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any, NamedTuple

from mlbank.markup import currency_dollars, mask_code

_DOLLAR = re.compile(r"(?<!\\)\$\$?")
_PARAGRAPH = re.compile(r"\n[ \t]*\n")


class MathSpan(NamedTuple):
    start: int
    end: int  # exclusive, after the closing delimiter
    display: bool  # $$...$$


def math_spans(text: str) -> list[MathSpan]:
    """Where `$...$` and `$$...$$` math sits: paired within a paragraph, outside code, not currency."""
    masked = mask_code(text)
    currency = set(currency_dollars(text))
    spans: list[MathSpan] = []
    start = 0
    for end in [m.start() for m in _PARAGRAPH.finditer(masked)] + [len(masked)]:
        spans.extend(_pair(masked, start, end, currency))
        start = end
    return spans


def _pair(text: str, start: int, end: int, currency: set[int]) -> list[MathSpan]:
    dollars = [
        (m.start(), m.group(0)) for m in _DOLLAR.finditer(text, start, end) if m.start() not in currency
    ]
    spans: list[MathSpan] = []
    i = 0
    while i < len(dollars):
        offset, delim = dollars[i]
        closer = next((j for j in range(i + 1, len(dollars)) if dollars[j][1] == delim), None)
        if closer is None:
            i += 1
            continue
        spans.append(MathSpan(offset, dollars[closer][0] + len(delim), delim == "$$"))
        i = closer + 1
    return spans


def to_html(text: str) -> str:
    """One prose field as an HTML fragment for a card."""
    spans = math_spans(text)
    pieces: list[str] = []
    last = 0
    for i, span in enumerate(spans):
        pieces += [text[last : span.start], _placeholder(i)]
        last = span.end
    pieces.append(text[last:])
    rendered: str = _markdown().render("".join(pieces)).strip()
    for i, span in enumerate(spans):
        rendered = rendered.replace(_placeholder(i), _mathjax(text, span), 1)
    return rendered


def _placeholder(index: int) -> str:
    # Private-use characters: Markdown leaves them alone and no prose contains them.
    return f"\ue000{index}\ue001"


def _mathjax(text: str, span: MathSpan) -> str:
    width = 2 if span.display else 1
    body = html.escape(text[span.start + width : span.end - width], quote=False)
    return f"\\[{body}\\]" if span.display else f"\\({body}\\)"


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table")
