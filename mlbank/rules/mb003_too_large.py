"""The file is too large or holds too many YAML nodes.

A question file is a few kilobytes. mlbank reads at most 1,000,000 bytes and 50,000 nodes per file,
so that a hostile or mistaken file cannot exhaust memory or time. Split the content, or remove what
was pasted by accident.

Bad::

    answer: |
      ...megabytes of pasted log output...

Good::

    answer: |
      A focused model answer of a few hundred words.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB003", "too-large", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.TOO_LARGE)
