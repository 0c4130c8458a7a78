"""What every exporter reads: the bank's metadata and the selected questions, in bank order.

Bank order is the order a learner meets the questions: sections as bank.yaml lists them, then
question ids in natural order within a section (q2 before q10). Every format uses it, so the JSON,
the CSV rows, the Markdown page and the Anki notes line up with each other.

`--only key=value` filters select questions: values of one key are alternatives (section=a or
section=b), different keys must all match (section=a and company=google). `--only reviewed` keeps
only questions whose review is current (docs/REVIEWING.md): reviewed, unchanged since, not expired.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.bank import Bank
from mlbank.loader import Document, Reparsed
from mlbank.model import BankMeta, Question, Section, Topic
from mlbank.review import Stamp, review_state

if TYPE_CHECKING:
    from mlbank.claims import ClaimSpec

FILTER_KEYS = ("section", "topic", "company")
REVIEWED = "reviewed"  # the one filter without a value


class FilterError(ValueError):
    """An --only filter that cannot be applied; the message says which and what is allowed."""


@dataclass(frozen=True)
class Filters:
    """Parsed --only options: key -> allowed values; an absent key does not restrict."""

    allowed: tuple[tuple[str, frozenset[str]], ...] = ()
    reviewed: bool = False  # only questions whose review is current

    @classmethod
    def parse(cls, specs: Iterable[str]) -> Filters:
        found: dict[str, set[str]] = {}
        reviewed = False
        for spec in specs:
            if spec.strip() == REVIEWED:
                reviewed = True
                continue
            key, sep, value = spec.partition("=")
            key, value = key.strip(), value.strip()
            if not sep or not value:
                raise FilterError(
                    f"--only {spec!r}: write KEY=VALUE, e.g. --only section=screening, or --only {REVIEWED}"
                )
            if key not in FILTER_KEYS:
                raise FilterError(
                    f"--only {spec!r}: unknown key '{key}'; use one of {', '.join(FILTER_KEYS)}, "
                    f"or --only {REVIEWED}"
                )
            found.setdefault(key, set()).add(value)
        return cls(tuple((k, frozenset(found[k])) for k in FILTER_KEYS if k in found), reviewed)

    def values(self, key: str) -> frozenset[str] | None:
        return next((v for k, v in self.allowed if k == key), None)

    def keeps(self, question: Question) -> bool:
        wanted = {
            "section": {question.section},
            "topic": set(question.topics),
            "company": {c.company for c in question.companies},
        }
        return all(values & wanted[key] for key, values in self.allowed)


@dataclass(frozen=True)
class Entry:
    """One selected question with the file it came from (its path and display name; doc.source()
    reads its text), its review (the newest trusted stamp and whether it is current), and its
    worked numbers as the claims engine reads them (`where` values keep their YAML text)."""

    doc: Document
    question: Question
    stamp: Stamp | None = None
    review_current: bool = False
    claims: tuple[ClaimSpec, ...] = ()


def claim_specs(doc: Document, question: Question) -> tuple[ClaimSpec, ...]:
    """The specs of a validated question's worked numbers; `doc` must still hold its positions."""
    from mlbank.worked import spec_of

    specs = tuple(spec_of(doc, i, claim.model_dump()) for i, claim in enumerate(question.worked))
    assert all(s is not None for s in specs)  # a validated Claim always has the shape spec_of needs
    return specs  # type: ignore[return-value]


@dataclass(frozen=True)
class BankView:
    root: Path
    meta: BankMeta
    topics: tuple[Topic, ...]
    entries: tuple[Entry, ...]
    # Every question of the bank in bank order, selected or not: a reference to a question the
    # filters left out can still name it (its title) without linking to it.
    bank_questions: tuple[Question, ...] = ()

    @property
    def questions(self) -> tuple[Question, ...]:
        return tuple(e.question for e in self.entries)

    def section(self, section_id: str) -> Section:
        return next(s for s in self.meta.sections if s.id == section_id)

    def in_section(self, section_id: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.question.section == section_id)

    @property
    def sections_present(self) -> tuple[Section, ...]:
        """Sections holding at least one selected question, in bank order."""
        used = {e.question.section for e in self.entries}
        return tuple(s for s in self.meta.sections if s.id in used)

    def topic(self, topic_id: str) -> Topic | None:
        return next((t for t in self.topics if t.id == topic_id), None)

    def entry(self, question_id: str) -> Entry | None:
        return self._by_id.get(question_id)

    @cached_property
    def _by_id(self) -> dict[str, Entry]:
        """The first entry of each id (looked up per link: a scan each time was quadratic)."""
        found: dict[str, Entry] = {}
        for e in self.entries:
            found.setdefault(e.question.id, e)
        return found


def plan_questions(view: BankView, refs: Sequence[str]) -> list[str]:
    """The exported questions a practice-plan task's references name, each once, in the order of `refs`.

    The forms are those lint's MB205 resolves: a section id (its questions), a topic id (the questions
    tagged with it), a question id, and a range `q01..q10`: the questions whose ids have the ends'
    prefix and a number between theirs, inclusive, in number order (ids, not positions: a range may
    cross sections). MB205 accepts any known id at either end of `..`; a range that is not two
    question ids of one prefix names what its ends name. A question left out by --only is not named.
    """
    named: dict[str, None] = {}  # an ordered set
    for ref in refs:
        named.update(dict.fromkeys(_named(view, ref)))
    return list(named)


def _named(view: BankView, ref: str) -> list[str]:
    ends = ref.split("..")
    if len(ends) > 1:
        span = _id_range(view, ends)
        return span if span is not None else [qid for end in ends for qid in _named(view, end)]
    if any(s.id == ref for s in view.meta.sections):
        return [e.question.id for e in view.in_section(ref)]
    if view.topic(ref) is not None:
        return [e.question.id for e in view.entries if ref in e.question.topics]
    return [ref] if view.entry(ref) is not None else []


def _id_range(view: BankView, ends: list[str]) -> list[str] | None:
    """The exported questions of a range of two question ids of one prefix; None for other ranges."""
    bank_ids = {q.id for q in view.bank_questions}
    if len(ends) != 2 or not all(end in bank_ids for end in ends):
        return None
    (prefix, first), (other, last) = (natural_key(end) for end in ends)
    if prefix != other:
        return None
    low, high = min(first, last), max(first, last)
    keys = ((natural_key(e.question.id), e.question.id) for e in view.entries)
    return [qid for (p, n), qid in sorted(keys) if p == prefix and low <= n <= high]


def natural_key(question_id: str) -> tuple[str, int]:
    """q2 sorts before q10 whether or not ids are zero-padded."""
    match = re.fullmatch(r"([a-z]+)([0-9]+)", question_id)
    return (match.group(1), int(match.group(2))) if match else (question_id, -1)


def build_view(
    bank: Bank,
    filters: Filters,
    review_max_age: int | None = None,
    today: date | None = None,
    questions: Iterable[Document] | None = None,
) -> BankView:
    """The selected questions of a bank that has passed lint (so every model is present); a review
    older than `review_max_age` days on `today` is not current.

    The question documents are `bank.questions`, or `questions` when given (the export passes the
    session's, loaded one at a time): each entry keeps only its document's path, never its text,
    positions or data, so a view of 10,000 questions holds their models and little more."""
    if bank.meta is None or not isinstance(bank.meta.model, BankMeta):
        raise FilterError(f"{bank.root}: bank.yaml is missing or invalid; run `mlbank lint`")
    meta: BankMeta = bank.meta.model
    topics = bank.topics.model.topics if bank.topics is not None and bank.topics.model is not None else []
    _check_values(filters, meta, topics)
    order = {s.id: i for i, s in enumerate(meta.sections)}
    day = today or date.today()
    docs = bank.questions if questions is None else questions
    entries = [_entry(d, d.model, day, review_max_age) for d in docs if isinstance(d.model, Question)]
    entries.sort(key=lambda e: (order.get(e.question.section, len(order)), natural_key(e.question.id)))
    kept = tuple(
        e for e in entries if filters.keeps(e.question) and (e.review_current or not filters.reviewed)
    )
    if not kept:
        raise FilterError("the --only filters select no questions; drop one or widen it")
    return BankView(bank.root, meta, tuple(topics), kept, tuple(e.question for e in entries))


def _entry(doc: Document, question: Question, today: date, max_age: int | None) -> Entry:
    state = review_state(doc.data if isinstance(doc.data, dict) else {})
    current = state.verdict(today, max_age) == "current"
    return Entry(_file_only(doc), question, state.stamp, current, claim_specs(doc, question))


def _file_only(doc: Document) -> Document:
    """`doc` without its contents: its path and display name stay, and its text is read from the
    file again only if asked for (doc.source(): the site, to say where a refused id is written)."""
    return replace(doc.slim(frozenset()), text="", nodes=Reparsed(path=doc.path))


def _check_values(filters: Filters, meta: BankMeta, topics: list[Topic]) -> None:
    known = {
        "section": [s.id for s in meta.sections],
        "topic": [t.id for t in topics],
        "company": [c.id for c in meta.companies],
    }
    for key, values in filters.allowed:
        unknown = sorted(values - set(known[key]))
        if unknown:
            raise FilterError(
                f"--only {key}={unknown[0]}: no such {key} in the bank; known: {', '.join(known[key])}"
            )
