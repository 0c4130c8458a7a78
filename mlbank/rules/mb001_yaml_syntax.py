"""The file is not valid YAML.

The parser stopped at the position shown. Common causes: a tab used for indentation, a colon and
space inside an unquoted value, an unclosed bracket or quote.

Bad::

    title: Ratios: a primer
    topics: [bias-variance

Good::

    title: "Ratios: a primer"
    topics: [bias-variance]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB001", "yaml-syntax", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.SYNTAX)
