"""The file is not UTF-8 text.

Bank files are UTF-8 (a byte-order mark is accepted). A NUL byte means the file is binary; an
undecodable byte usually means the editor saved it as Latin-1 or UTF-16. The message gives the
byte offset; re-save the file as UTF-8.

Bad::

    title: Na\xefve Bayes      (a Latin-1 byte 0xEF)

Good::

    title: Naïve Bayes         (saved as UTF-8)
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB002", "encoding", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.ENCODING)
