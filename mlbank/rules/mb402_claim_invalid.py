"""A claim that cannot be checked: refused, malformed, or with unbound names.

Expressions are parsed safely (never evaluated as code): numbers, + - * / ^, parentheses, the
exact constants `pi` and `e` (Euler's number; `E` is an ordinary name), and the functions log
(natural), log2, log10, ln, exp, sqrt, abs, floor, ceil, factorial, binomial, min, max. Every other
name must be bound in `where:` (values) or `domain:` (ranges, for identities); `pi` and `e` cannot be. Power towers,
huge exponents and factorials are refused before evaluation, and evaluation runs in a separate
process with a deadline. `mlbank calc` tries a claim from the command line.

Bad::

    worked:
      - says: "87%"
        expr: 1 - (1 - 2*eps)^d       # eps and d are unbound

Good::

    worked:
      - says: "87%"
        expr: 1 - (1 - 2*eps)^d
        where: {eps: 0.01, d: 100}
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.engine.record import CLAIMS
from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, at, report

RULE = RuleId("MB402", "claim-invalid", Severity.ERROR)
BANK_WIDE = True  # the whole bank's claims go to one sympy worker, deduplicated
READS: frozenset[str] = (
    frozenset()
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS = frozenset({CLAIMS})  # the derived facts it reads (mlbank.engine.record)

FIELD_KEYS = {"expr": "expr", "says": "says", "equals": "equals", "tolerance": "tolerance"}


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.claims import find_claim_error

    for claim, verdict in ctx.claims:
        if verdict.status != "invalid":
            continue
        error = find_claim_error(claim.spec)
        field = (error.field or "").split(" ")[0] if error is not None else ""
        path = (
            ("worked", claim.item, FIELD_KEYS.get(field, field))
            if field in FIELD_KEYS
            else ("worked", claim.item)
        )
        if error is not None and error.column and field in FIELD_KEYS:
            yield at(RULE, claim.doc, claim.doc.text_position(path, error.column - 1), verdict.message)
        else:
            yield report(RULE, claim.doc, path, verdict.message)
