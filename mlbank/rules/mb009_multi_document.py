"""The file holds more than one YAML document.

One file is one question; a second `---` starts a document that other tools would ignore or
mis-read. Move the second question into its own file.

Bad::

    id: q01
    ...
    ---
    id: q02

Good::

    id: q01
    ...
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB009", "multi-document", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.MULTI_DOCUMENT)
