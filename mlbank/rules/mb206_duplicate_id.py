"""Two questions (or two topics, sections, companies or levels) share an id.

Ids are how references, exports and Anki notes find a question; a duplicate makes one of the two
unreachable. The source page itself numbers two different pairs of questions Q31 and Q32: keep the
page's number in `label`, qualified so labels stay unique (MB209), and give every question its own id.

Bad::

    # q31-feature-selection.yaml and q31-multi-task-loss.yaml
    id: q31

Good::

    id: q31     # feature selection vs extraction, label: "Q31 (Bonus)"
    id: q33     # multi-task loss weighting,        label: Company Q31
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB206", "duplicate-id", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank


def check(ctx: Context) -> Iterator[Finding]:
    first: dict[str, Document] = {}
    for doc, data in ctx.questions:
        qid = data.get("id")
        if not isinstance(qid, str):
            continue
        if qid in first:
            yield report(RULE, doc, ("id",), f"question id '{qid}' is already used by {first[qid].display}")
        else:
            first[qid] = doc
    if ctx.bank.topics is not None and isinstance(ctx.bank.topics.data, dict):
        yield from _within(ctx.bank.topics, ctx.bank.topics.data, "topics")
    if ctx.bank.meta is not None:
        for listing in ("sections", "companies", "levels", "framework"):
            yield from _within(ctx.bank.meta, ctx.meta, listing)


def _within(doc: Document, data: dict[str, Any], listing: str) -> Iterator[Finding]:
    items = data.get(listing)
    seen: set[str] = set()
    for i, item in enumerate(items if isinstance(items, list) else []):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                yield report(RULE, doc, (listing, i, "id"), f"{listing}: id '{ident}' is declared twice")
            seen.add(ident)
