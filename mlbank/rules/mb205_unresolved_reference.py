"""A cross reference names no topic, question or section of the bank.

`see` lists the topics and questions to study next; the practice plan in bank.yaml lists the
questions, question ranges (`q01..q10`) and sections each day covers. Every name must resolve, or
apps render dead links.

Bad::

    see: [bias-variance, q99]

Good::

    see: [bias-variance, q06]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterator, Sequence
from typing import Any

from mlbank.engine.record import Change
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import Context, RuleId, did_you_mean, question_of, report

RULE = RuleId("MB205", "unresolved-reference", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset(
    {"id", "see"}
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    known = set(ctx.topic_ids) | set(ctx.question_ids)
    for doc, data in ctx.questions:
        yield from _see(doc, data, known)
    yield from _plan(ctx, set(ctx.question_ids))


def _see(doc: Document, data: dict[str, Any], known: Collection[str]) -> Iterator[Finding]:
    see = data.get("see")
    for i, ref in enumerate(see if isinstance(see, list) else []):
        if isinstance(ref, str) and ref not in known:
            yield report(
                RULE,
                doc,
                ("see", i),
                f"see: '{ref}' is neither a topic nor a question id{did_you_mean(ref, known)}",
            )


def _plan(ctx: Context, question_ids: set[str]) -> Iterator[Finding]:
    doc = ctx.bank.meta
    plan = ctx.meta.get("practice", {}).get("plan") if isinstance(ctx.meta.get("practice"), dict) else None
    if doc is None or not isinstance(plan, list):
        return
    known = question_ids | set(ctx.section_ids) | set(ctx.topic_ids)
    for d, day in enumerate(plan):
        tasks = day.get("tasks") if isinstance(day, dict) else None
        for t, task in enumerate(tasks if isinstance(tasks, list) else []):
            refs = task.get("refs") if isinstance(task, dict) else None
            for r, ref in enumerate(refs if isinstance(refs, list) else []):
                if not isinstance(ref, str):
                    continue
                for end in ref.split("..") if ".." in ref else [ref]:
                    if end not in known:
                        yield report(
                            RULE,
                            doc,
                            ("practice", "plan", d, "tasks", t, "refs", r),
                            f"practice plan reference '{end}' is not a question, section or topic"
                            f"{did_you_mean(end, known)}",
                        )


class _Known(Collection[str]):
    """Topic ids and the question ids in use, as check()'s `known` set holds them, without copying
    10,000 ids after each edit (did_you_mean's choice does not depend on their order)."""

    def __init__(self, topics: set[str], questions: Counter[str]) -> None:
        self._topics = topics
        self._questions = questions

    def __contains__(self, ref: object) -> bool:
        return ref in self._topics or ref in self._questions

    def __iter__(self) -> Iterator[str]:
        return iter(self._topics | self._questions.keys())

    def __len__(self) -> int:
        return len(self._topics | self._questions.keys())


class Incremental:
    """check() kept between a session's lints: the question ids in use (with multiplicity), which
    files refer to what, and which have an unresolved reference. A change redoes its own file; when
    it adds or removes an id, also the files that refer to that id and those with an unresolved
    reference (their did-you-mean hints choose among every id), and the practice plan."""

    def __init__(self) -> None:
        self._ids: Counter[str] = Counter()
        self._held: dict[str, tuple[Document, dict[str, Any]]] = {}  # display -> its question
        self._refers: dict[str, set[str]] = {}  # a reference -> the displays whose see: holds it
        self._unresolved: set[str] = set()  # displays with a finding

    def check(self, ctx: Context) -> Iterator[Finding]:
        self._ids, self._held, self._refers = Counter(), {}, {}
        for doc, data in ctx.questions:
            self._add(doc, data)
        found = list(check(ctx))
        self._unresolved = {f.path for f in found if f.path in self._held}
        return iter(found)

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        redo = {change.display for change in changes}
        delta: Counter[str] = Counter()
        for change in changes:
            delta.subtract(self._id_of(change.display))
            self._remove(change.display)
            held = question_of(change.after)
            if held is not None:
                self._add(*held)
            delta.update(self._id_of(change.display))
        # ids that came into use or went out of it
        flipped = {qid for qid, n in delta.items() if (self._ids[qid] > 0) != (self._ids[qid] - n > 0)}
        if flipped:
            redo |= self._unresolved | {d for qid in flipped for d in self._refers.get(qid, ())}
        known = _Known(set(ctx.topic_ids), self._ids)
        out: dict[str, list[Finding]] = {}
        for display in redo:
            held = self._held.get(display)
            out[display] = list(_see(*held, known)) if held is not None else []
            self._unresolved.discard(display)
            if out[display]:
                self._unresolved.add(display)
        if flipped and ctx.bank.meta is not None:
            out[ctx.bank.meta.display] = list(_plan(ctx, set(self._ids)))
        return out

    def _id_of(self, display: str) -> list[str]:
        held = self._held.get(display)
        qid = held[1].get("id") if held is not None else None
        return [qid] if isinstance(qid, str) else []

    def _add(self, doc: Document, data: dict[str, Any]) -> None:
        self._held[doc.display] = (doc, data)
        for qid in self._id_of(doc.display):
            self._ids[qid] += 1
        see = data.get("see")
        for ref in see if isinstance(see, list) else []:
            if isinstance(ref, str):
                self._refers.setdefault(ref, set()).add(doc.display)

    def _remove(self, display: str) -> None:
        for qid in self._id_of(display):
            self._ids[qid] -= 1
            if not self._ids[qid]:
                del self._ids[qid]  # keys: exactly the ids in use
        held = self._held.pop(display, None)
        see = held[1].get("see") if held is not None else None
        for ref in see if isinstance(see, list) else []:
            if isinstance(ref, str) and ref in self._refers:
                self._refers[ref].discard(display)
                if not self._refers[ref]:
                    del self._refers[ref]
