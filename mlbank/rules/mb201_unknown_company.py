"""A company tag is not declared in bank.yaml's `companies`.

Company tags drive `--only company=...` exports and the per-company coverage in `mlbank stats`;
declare each company once in bank.yaml.

Bad::

    companies:
      - company: gogle

Good::

    companies:
      - company: google
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, did_you_mean, report

RULE = RuleId("MB201", "unknown-company", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.bank.meta is None:
        return
    known = set(ctx.company_ids)
    for doc, data in ctx.questions:
        notes = data.get("companies")
        for i, note in enumerate(notes if isinstance(notes, list) else []):
            company = note.get("company") if isinstance(note, dict) else None
            if isinstance(company, str) and company not in known:
                yield report(
                    RULE,
                    doc,
                    ("companies", i, "company"),
                    f"company '{company}' is not declared in bank.yaml{did_you_mean(company, known)}",
                )
