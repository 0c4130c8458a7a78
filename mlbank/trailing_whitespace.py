"""Spaces and tabs at the end of a line of text: which are a Markdown line break, and the text without
the others.

Trailing whitespace is invisible in the file, in a diff and in review, and editors trim it on save.
Review stamps already hash text with it taken out (mlbank.review.as_data), so removing it never makes
a review stale. One kind can matter: CommonMark renders a line that ends in two or more spaces,
followed by more text of the same paragraph, as a line break (`<br>`). mlbank treats *exactly two*
spaces after text, with text on the next line, as that deliberate break (markdownlint's MD009
convention) and leaves it to the author to rewrite visibly (a backslash at the end of the line is the
same break) or to delete. Every other run is taken for a slip and is removed by `mlbank lint --fix`
and `mlbank fmt`: one space, three or more, any tab, whitespace on a blank line or at the end of a
paragraph. (Three or more spaces before more text also render as a break; the convention takes them
for a slip, and the review stamp, which ignores trailing whitespace, never saw them. A break you want,
write as a backslash.)
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

_RUN = re.compile(r"[ \t]+(?=\n|\Z)")
HARD_BREAK = "  "


class TrailingBlank(NamedTuple):
    """One line's trailing run of spaces and tabs."""

    offset: int  # where the run starts in the text
    blank: str  # the run itself
    line: str  # what the line holds before it ("" for a line of whitespace only)
    hard_break: bool  # exactly two spaces after text, with more text on the next line


def has_trailing_blanks(text: str) -> bool:
    """A quick test, for the many texts that have none."""
    return " \n" in text or "\t\n" in text or text.endswith((" ", "\t"))


def trailing_blanks(text: str) -> Iterator[TrailingBlank]:
    """Every line's trailing whitespace, in order."""
    if not has_trailing_blanks(text):
        return
    for match in _RUN.finditer(text):
        start = text.rfind("\n", 0, match.start()) + 1
        line = text[start : match.start()]
        after = text[match.end() + 1 :].split("\n", 1)[0] if match.end() < len(text) else ""
        hard = match.group() == HARD_BREAK and bool(line.strip()) and bool(after.strip())
        yield TrailingBlank(match.start(), match.group(), line, hard)


def without_trailing_blanks(text: str) -> str:
    """The text with every accidental trailing run removed; line breaks of exactly two spaces kept."""
    out: list[str] = []
    last = 0
    for blank in trailing_blanks(text):
        if not blank.hard_break:
            out.append(text[last : blank.offset])
            last = blank.offset + len(blank.blank)
    return "".join(out) + text[last:] if out else text
