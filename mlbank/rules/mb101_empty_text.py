"""A question has no prompt or no answer, or one that is blank.

A question without its prompt cannot be asked and one without a model answer cannot be graded.

Bad::

    prompt: |
      What is overfitting?
    answer: ""

Good::

    prompt: |
      What is overfitting?
    answer: |
      The model fits noise in its training data ...
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB101", "empty-text", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        for name in ("prompt", "answer"):
            value = data.get(name)
            if name not in data:
                yield report(RULE, doc, (), f"missing '{name}': every question needs a {name}")
            elif isinstance(value, str) and not value.strip():
                yield report(RULE, doc, (name,), f"'{name}' is empty: write the {name}")
            elif value is None:
                yield report(RULE, doc, (name,), f"'{name}' has no value: write the {name}")
