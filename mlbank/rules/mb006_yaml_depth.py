"""Nesting deeper than 32 levels.

Question files need four or five levels. Very deep nesting is either a mistake or an attempt to
exhaust the parser; mlbank stops reading at the cap.

Bad::

    see: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[bias-variance]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]

Good::

    see: [bias-variance]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB006", "yaml-depth", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.DEPTH)
