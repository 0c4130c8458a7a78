"""The per-file stage (in this process or in workers; state passed as arguments) and the plan.

The per-file stage judges question files against bank.yaml and topics.yaml: every rule that is not
bank-wide runs there, and each file comes out as a FileResult (its findings, a slim copy of its
document, the facts the bank-wide rules declared). The bank-wide stage (engine/bankwide.py) takes
every FileResult of the bank, lints bank.yaml and topics.yaml, runs the bank-wide rules over the
slim copies (claims computed in the claims worker meanwhile, engine/claims.py), then applies the
policy (suppressions, per-file ignores, severities) file by file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from mlbank.bank import Bank
from mlbank.engine.policy import Selection
from mlbank.engine.record import CLAIMS, FINGERPRINTS, FileResult
from mlbank.finding import Finding
from mlbank.loader import Document
from mlbank.rules.base import Context, Rule, facts_read, is_bank_wide, keys_read


class StageInput(NamedTuple):
    """What both stages need besides the question files: the bank's own files and the selection."""

    root: Path
    meta: Document | None
    topics: Document | None
    selection: Selection


class Plan(NamedTuple):
    """The active rules split by stage, and what the bank-wide ones declared they read."""

    per_file: list[Rule]
    bank_wide: list[Rule]
    keys: frozenset[str]
    facts: frozenset[str]


def plan(selection: Selection) -> Plan:
    active = list(selection.active())
    bank_wide = [r for r in active if is_bank_wide(r)]
    return Plan(
        [r for r in active if not is_bank_wide(r)],
        bank_wide,
        frozenset().union(*(keys_read(r) for r in bank_wide)),
        frozenset().union(*(facts_read(r) for r in bank_wide)),
    )


def file_stage(given: StageInput, docs: Sequence[Document]) -> list[FileResult]:
    """Each question document's FileResult, in order."""
    rules = plan(given.selection)
    ctx = Context(
        Bank(given.root, given.meta, given.topics, tuple(docs), questions_only=True),
        options=given.selection.options,
    )
    by_file: dict[str, list[Finding]] = {doc.display: [] for doc in docs}
    for finding in (f for rule in rules.per_file for f in rule.check(ctx)):
        by_file[finding.path].append(finding)
    prints, claims = FINGERPRINTS in rules.facts, CLAIMS in rules.facts
    return [
        FileResult(
            by_file[doc.display], doc.slim(rules.keys), ctx.facts(doc, fingerprints=prints, claims=claims)
        )
        for doc in docs
    ]
