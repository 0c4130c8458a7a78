"""The file holds no YAML document (empty, or only comments).

Delete the file, or fill it in (`mlbank new` writes a complete skeleton).

Bad::

    # TODO

Good::

    id: q46
    section: screening
    ...
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB008", "empty-file", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.EMPTY)
