"""A worked number that its expression does not produce at the stated precision.

Each `worked:` claim ties a number in the prose to an expression. The digits as written fix the
precision: "4.6" means 4.55 to 4.65, "4.60" means 4.595 to 4.605, "87%" means 0.865 to 0.875,
"100x" and "100:1" mean 99.5 to 100.5. An identity (`equals:`) must hold symbolically or at every
exact random point of its declared domain. The message shows the computed value and what it rounds
to at the stated precision.

Bad::

    answer: |
      ... the loss is $-\\log(0.01) \\approx 4.60$ ...
    worked:
      - says: "4.60"
        expr: -log(0.01)        # 4.60517...: rounds to 4.61

Good::

    answer: |
      ... the loss is $-\\log(0.01) \\approx 4.6$ ...
    worked:
      - says: "4.6"
        expr: -log(0.01)
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB400", "claim-fails", Severity.ERROR)
BANK_WIDE = True  # the whole bank's claims go to one sympy worker, deduplicated


def check(ctx: Context) -> Iterator[Finding]:
    for claim, verdict in ctx.claims:
        if verdict.status == "fails":
            field = "says" if claim.spec.says is not None else "equals"
            yield report(RULE, claim.doc, ("worked", claim.item, field), verdict.message)
