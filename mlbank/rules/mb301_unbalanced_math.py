"""A `$` or `$$` math delimiter is not closed within its paragraph.

An unclosed delimiter makes the renderer swallow the rest of the paragraph as math, or print raw
LaTeX. Close the span, or escape a literal dollar as `\\$`. The finding sits where the unclosed span
opens: when the next `$` has a space before it and none after, it starts a span of its own, so the
span before it is the one missing its closing `$`.

Bad::

    answer: |
      The loss is $-\\log p for the true class.

Good::

    answer: |
      The loss is $-\\log p$ for the true class.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Position, Severity
from mlbank.loader import Document, FieldPath
from mlbank.markup import Unbalanced, unbalanced_math
from mlbank.rules.base import Context, RuleId, at

RULE = RuleId("MB301", "unbalanced-math", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.prose_documents:
        for path, text in ctx.prose(doc):
            for open_at in unbalanced_math(text):
                where = doc.text_position(path, open_at.offset)
                yield at(RULE, doc, where, _message(doc, path, open_at, where))


def _message(doc: Document, path: FieldPath, open_at: Unbalanced, where: Position) -> str:
    fix = "or write a literal dollar as '\\$'"
    if open_at.next_span is None:
        return f"math delimiter '{open_at.delimiter}' is never closed in this paragraph: close it, {fix}"
    # Name the next span's `$`, which the old pairing would have blamed, so the author sees both.
    cut = doc.text_position(path, open_at.next_span)
    next_dollar = f"the '$' at line {cut.line}, column {cut.column}" if cut != where else "the next '$'"
    return f"math span opened here is never closed: {next_dollar} opens the next span; close this one with '$', {fix}"
