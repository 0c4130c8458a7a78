"""Text ends a line with spaces or tabs, which no one can see in the file or in review.

Trailing whitespace is invisible in a diff and in review, and editors trim it on save, so a file
should not depend on it. Every text of a bank file is checked, one finding per line.
`mlbank lint --fix` and `mlbank fmt` remove it; removing it never makes a review stale.

One kind is left to you: a line of text that ends in exactly two spaces, with more text on the next
line, is how Markdown writes a line break, and the fixes cannot tell whether you meant one. To keep
the break, end the line with a backslash instead (the same break, visible); to join the lines, delete
the spaces. Any other trailing whitespace (one space, three or more, a tab, whitespace on a blank line
or at the end of a paragraph) is taken for a slip.

Bad::

    answer: |
      Two reducible sources of error that···
      pull against each other.

    (··· stands for three spaces the file holds and no one sees)

Good::

    answer: |
      Two reducible sources of error that
      pull against each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.loader import FieldPath
from mlbank.rules.base import Context, RuleId, at, dotted
from mlbank.trailing_whitespace import TrailingBlank, has_trailing_blanks, trailing_blanks

RULE = RuleId("MB106", "trailing-whitespace", Severity.ERROR)
EXCERPT = 40  # characters of the line quoted in the message


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.bank.documents:
        for path, text in texts(doc.data):
            for blank in trailing_blanks(text):
                yield at(RULE, doc, doc.text_position(path, blank.offset), message(path, blank))


def texts(value: Any, path: FieldPath = ()) -> Iterator[tuple[FieldPath, str]]:
    """Every string value (not key) with trailing whitespace in a loaded file, with its field path."""
    if isinstance(value, str):
        if has_trailing_blanks(value):
            yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from texts(item, (*path, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from texts(item, (*path, i))


def message(path: FieldPath, blank: TrailingBlank) -> str:
    where = dotted(path)
    if blank.hard_break:
        return (
            f"{where}: the line {_excerpt(blank.line)} ends in two spaces, Markdown's way of writing a "
            "line break that no one can see in the file or in review: to keep the break, end the line "
            "with a backslash instead; to join the lines, delete the spaces (the fixes leave this to you)"
        )
    what = _describe(blank.blank)
    them = "it" if len(blank.blank) == 1 else "them"
    place = f"the end of the line {_excerpt(blank.line)}" if blank.line.strip() else "a blank line"
    return f"{where}: {what} at {place}: delete {them} (`mlbank lint --fix` or `mlbank fmt` does)"


def _excerpt(line: str) -> str:
    text = line.strip()
    return "'" + (text if len(text) <= EXCERPT else "…" + text[-EXCERPT:]) + "'"


def _describe(blank: str) -> str:
    spaces, tabs = blank.count(" "), blank.count("\t")
    if tabs and spaces:
        return f"{spaces + tabs} spaces and tabs"
    count, name = (tabs, "tab") if tabs else (spaces, "space")
    return f"a {name}" if count == 1 else f"{count} {name}s"
