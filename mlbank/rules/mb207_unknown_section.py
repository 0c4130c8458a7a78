"""A question's section is not declared in bank.yaml.

Sections carry the cheat sheet (round type, questions per round, minutes per question, depth
expected) that exports and the speaking-time check use; a question must belong to one.

Bad::

    section: deepdive

Good::

    section: deep-dive
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, did_you_mean, report

RULE = RuleId("MB207", "unknown-section", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.bank.meta is None:
        return
    known = set(ctx.section_ids)
    for doc, data in ctx.questions:
        section = data.get("section")
        if isinstance(section, str) and section and section not in known:  # empty: MB100
            yield report(
                RULE,
                doc,
                ("section",),
                f"section '{section}' is not declared in bank.yaml{did_you_mean(section, known)}",
            )
