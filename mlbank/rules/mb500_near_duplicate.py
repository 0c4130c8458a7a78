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

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from mlbank.engine.record import FINGERPRINTS
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import FINGERPRINTED, Context, RuleId, report

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

    def check(self, ctx: Context) -> Iterator[Finding]:
        found: list[Finding] = []
        for field, near, (owners, prints) in zip(FINGERPRINTED, self._indexes, _owners(ctx), strict=True):
            keys = [doc.display for doc, _ in owners]
            near.update(dict(zip(keys, prints, strict=True)))
            found += _report(field, owners, near.pairs(keys))
        return iter(found)


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


def _report(
    field: str, owners: list[tuple[Document, dict[str, Any]]], pairs: list[Pair]
) -> Iterator[Finding]:
    for pair in pairs:
        (doc_a, q_a), (doc_b, _) = owners[pair.first], owners[pair.second]
        yield report(
            RULE,
            doc_b,
            (field,),
            f"{field} is {pair.similarity:.0%} similar to {q_a.get('id')}'s ({doc_a.display}): "
            "merge the questions or rewrite one from its own angle",
        )
