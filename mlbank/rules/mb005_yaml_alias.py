"""An anchor (`&name`) or alias (`*name`).

Aliases let a few lines expand into billions of nodes (the "billion laughs" attack) and make a file
hard to read. Write each value out in full.

Bad::

    rubric:
      strong_hire: &full Complete answer.
      lean_hire: *full

Good::

    rubric:
      strong_hire: Complete answer with the formula.
      lean_hire: Right idea, no formula.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB005", "yaml-alias", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.ALIAS)
