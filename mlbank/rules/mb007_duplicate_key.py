"""The same key appears twice in one mapping.

YAML loaders disagree on duplicates: some keep the last value silently, others fail. mlbank keeps
the first, reports the second, and asks you to merge them.

Bad::

    answer: |
      First draft.
    answer: |
      Second draft.

Good::

    answer: |
      The merged answer.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB007", "duplicate-key", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.DUPLICATE_KEY)
