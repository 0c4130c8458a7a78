"""Two questions whose prompts or answers say nearly the same thing.

Measured as the Jaccard similarity of word 3-shingles (0.5 or more): copied and lightly edited
text scores well above it, two questions that merely share a topic score far below. A near
duplicate wastes a learner's time and drifts: a fix lands in one copy and not the other. Merge
them, or make each answer its own question from its own angle (the source page asks why accuracy
misleads on imbalanced data in three places).

Bad::

    # q05 answer: "Accuracy hides failure on the rare class, so use PR-AUC ..."
    # q12 answer: "Accuracy hides failure on the rare class, so use PR-AUC ..."

Good::

    # q05 answer: how to pick metrics by the cost of each error
    # q12 answer: a worked example of 99.9% accuracy with zero recall
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from mlbank.engine.record import FINGERPRINTS, Change
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.paths import bank_order
from mlbank.rules.base import FINGERPRINTED, Context, RuleId, question_of, report

RULE = RuleId("MB500", "near-duplicate", Severity.WARNING)
BANK_WIDE = True  # compares every question with every other
READS = frozenset({"id"})  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS = frozenset({FINGERPRINTS})  # the derived facts it reads (mlbank.engine.record)
THRESHOLD = 0.5

if TYPE_CHECKING:
    from mlbank.similarity import Pair


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.similarity import similar_pairs

    for field, (owners, prints) in zip(FINGERPRINTED, _owners(ctx), strict=True):
        yield from _report(field, owners, similar_pairs(prints, THRESHOLD))


class Incremental:
    """check() for a session that lints the same bank again and again: the pairs are kept between
    lints (mlbank.similarity.PairIndex), so after one file changed only its texts are compared with
    the others. Its findings are check()'s (tests/test_similarity.py, tests/test_session_property.py)."""

    def __init__(self) -> None:
        from mlbank.similarity import PairIndex

        self._indexes = [PairIndex(THRESHOLD) for _ in FINGERPRINTED]
        self._held: dict[str, tuple[Document, dict[str, Any]]] = {}  # display -> its question

    def check(self, ctx: Context) -> Iterator[Finding]:
        found: list[Finding] = []
        for field, near, (owners, prints) in zip(FINGERPRINTED, self._indexes, _owners(ctx), strict=True):
            keys = [doc.display for doc, _ in owners]
            near.update(dict(zip(keys, prints, strict=True)))
            found += _report(field, owners, near.pairs(keys))
        self._held = {doc.display: (doc, data) for doc, data in ctx.questions}
        return iter(found)

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        """A changed question's pairs are compared again; its findings and those of every question
        paired with it before or now are given again (its id and place appear in their messages)."""
        redo: set[str] = set()
        for change in changes:
            self._held.pop(change.display, None)
            held = question_of(change.after)
            if held is not None:
                self._held[change.display] = held
            prints = _prints(change) if held is not None else (None,) * len(FINGERPRINTED)
            for near, p in zip(self._indexes, prints, strict=True):
                redo |= near.change(change.display, p)
            redo.add(change.display)
        return {display: self._findings(display) for display in redo}

    def _findings(self, display: str) -> list[Finding]:
        """`display`'s findings: one per question before it in bank order with a similar field."""
        held = self._held.get(display)
        if held is None:
            return []
        place = bank_order(held[0].path)
        return [
            _finding(field, self._held[other], held[0], similarity)
            for field, near in zip(FINGERPRINTED, self._indexes, strict=True)
            for other, similarity in near.partners(display).items()
            if bank_order(self._held[other][0].path) < place
        ]


def _owners(ctx: Context) -> list[tuple[list[tuple[Document, dict[str, Any]]], list[bytes]]]:
    """Per FINGERPRINTED field: the questions with a fingerprint of it, and those fingerprints.
    Fingerprints, not texts: in a large bank the worker processes computed them from the full
    documents and this process holds slim copies without the prose."""
    table = [(doc, q, ctx.fingerprints(doc)) for doc, q in ctx.questions]
    per_field = []
    for index in range(len(FINGERPRINTED)):
        held = [(doc, q, p[index]) for doc, q, p in table if p[index] is not None]
        per_field.append(([(doc, q) for doc, q, _ in held], [p for _, _, p in held if p is not None]))
    return per_field


def _prints(change: Change) -> tuple[bytes | None, ...]:
    """The changed question's fingerprints, as the per-file stage computed them from its full text
    (it does whenever this rule runs: FACTS)."""
    prints = change.after.facts.fingerprints if change.after is not None else None
    assert prints is not None, "the per-file stage gives fingerprints whenever MB500 runs"
    return prints


def _report(
    field: str, owners: list[tuple[Document, dict[str, Any]]], pairs: list[Pair]
) -> Iterator[Finding]:
    for pair in pairs:
        yield _finding(field, owners[pair.first], owners[pair.second][0], pair.similarity)


def _finding(field: str, first: tuple[Document, dict[str, Any]], doc: Document, similarity: float) -> Finding:
    """`doc`'s `field` is similar to the question `first`'s, which comes before it in the bank."""
    doc_a, q_a = first
    return report(
        RULE,
        doc,
        (field,),
        f"{field} is {similarity:.0%} similar to {q_a.get('id')}'s ({doc_a.display}): "
        "merge the questions or rewrite one from its own angle",
    )
