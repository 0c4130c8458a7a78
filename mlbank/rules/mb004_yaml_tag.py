"""A YAML tag other than the core ones (str, int, float, bool, null, map, seq).

Tags such as `!!python/object` ask a loader to build program objects; some loaders run code to do
it. Bank files hold plain data only, so mlbank refuses every non-core tag and never constructs it.

Bad::

    answer: !!python/object/apply:os.system ["echo hi"]

Good::

    answer: |
      Plain text.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB004", "yaml-tag", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.TAG)
