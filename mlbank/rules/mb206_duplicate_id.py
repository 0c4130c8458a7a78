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

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any, NamedTuple

from mlbank import ids
from mlbank.engine.record import Change
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.paths import bank_order
from mlbank.rules.base import Context, RuleId, question_of, report

RULE = RuleId("MB206", "duplicate-id", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset(
    {"id", "section", "review"}
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    by_id: dict[str, list[tuple[Document, dict[str, Any]]]] = {}
    for doc, data in ctx.questions:
        if _id(data):
            by_id.setdefault(data["id"], []).append((doc, data))
    duplicated = [holders for holders in by_id.values() if len(holders) > 1]
    yield from _duplicates(ctx, duplicated, lambda: {*by_id, *(_named_for(doc) for doc, _ in ctx.questions)})
    if ctx.bank.topics is not None and isinstance(ctx.bank.topics.data, dict):
        yield from _within(ctx.bank.topics, ctx.bank.topics.data, "topics")
    if ctx.bank.meta is not None:
        for listing in ("sections", "companies", "levels", "framework"):
            yield from _within(ctx.bank.meta, ctx.meta, listing)


def _id(data: dict[str, Any]) -> str:
    qid = data.get("id")
    return qid if isinstance(qid, str) else ""


def _duplicates(
    ctx: Context, duplicated: list[list[tuple[Document, dict[str, Any]]]], in_use: Callable[[], set[str]]
) -> Iterator[Finding]:
    """The findings of every id held more than once: `duplicated` holds each such id's questions in
    bank order, the ids in the bank order of their first holder; `in_use` gives every id in use,
    from the files' ids and names."""
    # Each id suggested here joins those in use, so that two duplicates are not both sent to the
    # same free id. Made only when a duplicate needs a free id: a session lints after each edit,
    # mostly with none.
    taken: set[str] | None = None
    prefixes = {s["id"]: s.get("id_prefix") for s in _sections(ctx) if isinstance(s.get("id"), str)}
    for holders in duplicated:
        owner, *others = sorted(holders, key=_newcomer)
        for doc, data in others:
            message = f"question id '{data['id']}' is already used by {owner[0].display}"
            prefix = prefixes.get(data.get("section")) if isinstance(data.get("section"), str) else None
            if isinstance(prefix, str):
                if taken is None:
                    taken = in_use()
                free = ids.next_free(prefix, taken)
                taken.add(free)
                message += (
                    f": give this question the section's next free id, {free} "
                    f"(`mlbank lint --fix` then renames its file)"
                )
            yield report(RULE, doc, ("id",), message)


class _Seen(NamedTuple):
    """What MB206 reads of one question: a change to any of it may change some finding."""

    qid: str
    name: str  # the id its file's name gives
    section: Any
    unreviewed: bool


class Incremental:
    """check() kept between a session's lints: the questions by id and every id and file name in
    use. A change that touches no id, section, review or file name, in a file that holds no
    duplicate id, changes no finding; any other recomputes every duplicated group (not only the
    changed file's: their suggested free ids depend on one another and on every id in use), still
    without reading the questions whose ids are unique."""

    def __init__(self) -> None:
        self._holders: dict[str, dict[str, tuple[Document, dict[str, Any]]]] = {}
        self._seen: dict[str, _Seen] = {}  # display -> what this rule reads of it
        self._names: Counter[str] = Counter()  # ids the files' names give, with multiplicity (> 0)
        self._reported: set[str] = set()  # displays with a finding

    def check(self, ctx: Context) -> Iterator[Finding]:
        self._holders, self._seen, self._names = {}, {}, Counter()
        for doc, data in ctx.questions:
            self._add(doc, data)
        found = list(check(ctx))
        self._reported = {f.path for f in found if f.path in self._seen}
        return iter(found)

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        redo = False
        for change in changes:
            before = self._seen.get(change.display)
            self._remove(change.display)
            held = question_of(change.after)
            if held is not None:
                self._add(*held)
            redo = redo or before != self._seen.get(change.display) or change.display in self._reported
            redo = redo or self._shared(change.display)
        if not redo:
            return {}
        out: dict[str, list[Finding]] = {path: [] for path in self._reported}
        duplicated = sorted(
            (
                sorted(h.values(), key=lambda m: bank_order(m[0].path))
                for h in self._holders.values()
                if len(h) > 1
            ),
            key=lambda holders: bank_order(holders[0][0].path),
        )
        for finding in _duplicates(ctx, duplicated, lambda: {*self._holders, *self._names}):
            out.setdefault(finding.path, []).append(finding)
        self._reported = {path for path, found in out.items() if found}
        out.update({change.display: out.get(change.display, []) for change in changes})
        return out

    def _shared(self, display: str) -> bool:
        seen = self._seen.get(display)
        return seen is not None and len(self._holders.get(seen.qid, {})) > 1

    def _add(self, doc: Document, data: dict[str, Any]) -> None:
        qid = _id(data)
        self._seen[doc.display] = _Seen(qid, _named_for(doc), data.get("section"), not data.get("review"))
        self._names[_named_for(doc)] += 1
        if qid:
            self._holders.setdefault(qid, {})[doc.display] = (doc, data)

    def _remove(self, display: str) -> None:
        seen = self._seen.pop(display, None)
        if seen is None:
            return
        self._names[seen.name] -= 1
        if not self._names[seen.name]:
            del self._names[seen.name]  # as MB203/MB205 do: a name in the counter is in use
        holders = self._holders.get(seen.qid)
        if holders is not None:
            holders.pop(display, None)
            if not holders:
                del self._holders[seen.qid]


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
