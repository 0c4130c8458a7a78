"""An unescaped dollar sign before an amount, which Markdown math renderers read as math.

KaTeX/MathJax renderers pair `$` signs, so in "a \\$50 offer against \\$500 of value" written with
bare dollars, the text between them becomes an italic equation with the spaces removed. Write
currency as `\\$50`. `mlbank lint --fix` escapes them.

Bad::

    answer: |
      A $50 offer against a customer worth $500.

Good::

    answer: |
      A \\$50 offer against a customer worth \\$500.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.markup import currency_dollars
from mlbank.rules.base import Context, RuleId, at

RULE = RuleId("MB300", "currency-dollar", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.prose_documents:
        for path, text in ctx.prose(doc):
            for offset in currency_dollars(text):
                amount = text[offset : offset + 12].split()[0]
                yield at(
                    RULE,
                    doc,
                    doc.text_position(path, offset),
                    f"currency '{amount}' would render as math: escape the dollar as '\\{amount}'",
                )
