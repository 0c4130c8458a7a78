"""A `$` or `$$` math delimiter is not closed within its paragraph.

An unclosed delimiter makes the renderer swallow the rest of the paragraph as math, or print raw
LaTeX. Close the span, or escape a literal dollar as `\\$`.

Bad::

    answer: |
      The loss is $-\\log p for the true class.

Good::

    answer: |
      The loss is $-\\log p$ for the true class.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.markup import unbalanced_math
from mlbank.rules.base import Context, RuleId, at

RULE = RuleId("MB301", "unbalanced-math", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, _ in ctx.questions:
        for path, text in ctx.prose(doc):
            for open_at in unbalanced_math(text):
                yield at(
                    RULE,
                    doc,
                    doc.text_position(path, open_at.offset),
                    f"math delimiter '{open_at.delimiter}' is never closed in this paragraph: "
                    f"close it, or write a literal dollar as '\\$'",
                )
