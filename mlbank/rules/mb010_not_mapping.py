"""The top level of the file is not a mapping.

A bank file is a mapping of keys (id, title, prompt, ...) to values. A list or a bare value at the
top level cannot be a question.

Bad::

    - id: q01
    - title: Bias and variance

Good::

    id: q01
    title: Bias and variance
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB010", "not-mapping", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.NOT_MAPPING)
