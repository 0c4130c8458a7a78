"""Two questions (or two topics, sections, companies or levels) share an id.

Ids are how references, exports and Anki notes find a question; a duplicate makes one of the two
unreachable. The source page itself numbers two different pairs of questions Q31 and Q32: keep the
page's number in `label`, qualified so labels stay unique (MB209), and give every question its own id.
The finding names the section's next free id. It is reported on the question being added: the one
whose file is not named for the id (a copied file), or else the one not yet reviewed.

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

from mlbank import ids
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB206", "duplicate-id", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset(
    {"id", "section", "review"}
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    yield from _questions(ctx)
    if ctx.bank.topics is not None and isinstance(ctx.bank.topics.data, dict):
        yield from _within(ctx.bank.topics, ctx.bank.topics.data, "topics")
    if ctx.bank.meta is not None:
        for listing in ("sections", "companies", "levels", "framework"):
            yield from _within(ctx.bank.meta, ctx.meta, listing)


def _questions(ctx: Context) -> Iterator[Finding]:
    by_id: dict[str, list[tuple[Document, dict[str, Any]]]] = {}
    for doc, data in ctx.questions:
        if isinstance(data.get("id"), str) and data["id"]:
            by_id.setdefault(data["id"], []).append((doc, data))
    # Every id in use, from the files' ids and names, plus each one suggested here, so that two
    # duplicates are not both sent to the same free id.
    # Made only when a duplicate needs a free id: a session lints after each edit, mostly with none.
    taken: set[str] | None = None
    prefixes = {s["id"]: s.get("id_prefix") for s in _sections(ctx) if isinstance(s.get("id"), str)}
    for qid, holders in by_id.items():
        if len(holders) < 2:
            continue
        owner, *others = sorted(holders, key=_newcomer)
        for doc, data in others:
            message = f"question id '{qid}' is already used by {owner[0].display}"
            prefix = prefixes.get(data.get("section")) if isinstance(data.get("section"), str) else None
            if isinstance(prefix, str):
                if taken is None:
                    taken = {*by_id, *(_named_for(doc) for doc, _ in ctx.questions)}
                free = ids.next_free(prefix, taken)
                taken.add(free)
                message += (
                    f": give this question the section's next free id, {free} "
                    f"(`mlbank lint --fix` then renames its file)"
                )
            yield report(RULE, doc, ("id",), message)


def _newcomer(held: tuple[Document, dict[str, Any]]) -> tuple[bool, bool]:
    """Sorts the question that keeps a shared id first: the one whose file is named for it (a copied
    file renamed for its new id still holds the old one), then a reviewed one; else file order."""
    doc, data = held
    return (_named_for(doc) != data["id"], not data.get("review"))


def _named_for(doc: Document) -> str:
    """The id a question file's name gives: q07 for q07-some-slug.yaml."""
    return doc.path.stem.split("-", 1)[0]


def _sections(ctx: Context) -> list[dict[str, Any]]:
    sections = ctx.meta.get("sections")
    return [s for s in sections if isinstance(s, dict)] if isinstance(sections, list) else []


def _within(doc: Document, data: dict[str, Any], listing: str) -> Iterator[Finding]:
    items = data.get(listing)
    seen: set[str] = set()
    for i, item in enumerate(items if isinstance(items, list) else []):
        ident = item.get("id") if isinstance(item, dict) else None
        if isinstance(ident, str):
            if ident in seen:
                yield report(RULE, doc, (listing, i, "id"), f"{listing}: id '{ident}' is declared twice")
            seen.add(ident)
