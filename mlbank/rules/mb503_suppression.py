"""A suppression comment that is malformed or suppresses nothing.

`# mlbank: ignore[CODE] reason` silences CODE on its line and everything nested under it;
`# mlbank: ignore-file[CODE] reason` silences it in the whole file. Each must name known rule codes
(or names) and give a reason, and each must still be needed: a suppression left behind after the
problem was fixed hides the next real one.

Bad::

    answer: |  # mlbank: ignore[MB501]
      ...

Good::

    answer: |  # mlbank: ignore[MB501] the worked derivation is meant to be read, not recited
      ...
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId

RULE = RuleId("MB503", "suppression", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.rules import lookup

    for doc in ctx.bank.documents:
        for s in ctx.suppressions(doc):
            unknown = [c for c in s.codes if lookup(c) is None and not _is_prefix(c)]
            problem = (
                "names no rule code"
                if not s.codes
                else f"names unknown rule(s) {', '.join(unknown)}"
                if unknown
                else "gives no reason"
                if not s.reason
                else None
            )
            if problem:
                yield Finding(
                    s.path,
                    s.line,
                    s.column,
                    RULE.code,
                    RULE.name,
                    RULE.severity,
                    f"suppression {problem}: write `# mlbank: ignore[MB123] why it is fine here`",
                )


def unused(path: str, line: int, column: int, codes: tuple[str, ...]) -> Finding:
    return Finding(
        path,
        line,
        column,
        RULE.code,
        RULE.name,
        RULE.severity,
        f"suppression of {', '.join(codes)} suppresses nothing: remove it",
    )


def _is_prefix(code: str) -> bool:
    from mlbank.rules import RULES

    return len(code) < 5 and any(c.startswith(code.upper()) for c in RULES)
