"""A worked number that its expression does not produce at the stated precision.

Each `worked:` claim ties a number in the prose to an expression. The digits as written fix the
precision: "4.6" means 4.55 to 4.65, "4.60" means 4.595 to 4.605, "87%" means 0.865 to 0.875,
"100x" and "100:1" mean 99.5 to 100.5. An identity (`equals:`) must hold symbolically or at every
exact random point of its declared domain. The message shows the computed value and what it rounds
to at the stated precision, and says which side is wrong: when the text already states that rounded
number, only `says` has drifted, so the fix is to change `says`, not the text.

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
from typing import TYPE_CHECKING

from mlbank.engine.record import CLAIMS
from mlbank.finding import Finding, Severity
from mlbank.loader import Document, parse_yaml
from mlbank.rules.base import Context, RuleId, prose_fields, report
from mlbank.rules.mb401_claim_not_in_text import appears

if TYPE_CHECKING:
    from mlbank.claims import Verdict
    from mlbank.worked import Located

RULE = RuleId("MB400", "claim-fails", Severity.ERROR)
BANK_WIDE = True  # the whole bank's claims go to one sympy worker, deduplicated
READS: frozenset[str] = (
    frozenset()
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS = frozenset({CLAIMS})  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    for claim, verdict in ctx.claims:
        if verdict.status == "fails":
            field = "says" if claim.spec.says is not None else "equals"
            yield report(RULE, claim.doc, ("worked", claim.item, field), _message(ctx, claim, verdict))


def _message(ctx: Context, claim: Located, verdict: Verdict) -> str:
    """The verdict's advice ("write 0.41 in the text and in says:") assumes both are wrong; when
    the text already states the right number, say that only `says` has to change."""
    says, rounded = claim.spec.says, verdict.rounded
    if says is None or rounded is None or verdict.value is None:
        return verdict.message
    texts = _prose(ctx, claim.doc)
    if appears(says, texts) or not appears(rounded, texts):
        return verdict.message
    return (
        f'says: "{says}" does not match the text, which already states {rounded}: '
        f"{claim.spec.expr} = {verdict.value}, which rounds to {rounded} at that precision, "
        f'so change says: to "{rounded}"'
    )


def _prose(ctx: Context, doc: Document) -> list[str]:
    """The prompt, answer and rubric (as MB401 reads them). This stage may hold a slim copy of the
    question without its prose (mlbank.engine.stages), so then they are read again from the file's text:
    only for a claim that fails, which is rare."""
    fields = ctx.prose(doc)
    if not fields:
        data = parse_yaml(doc.source())[0]
        fields = list(prose_fields(data)) if isinstance(data, dict) else []
    return [text for path, text in fields if path[0] != "title"]
