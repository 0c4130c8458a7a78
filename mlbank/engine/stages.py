"""The two stages, the only way rules run (in this process or in workers; state passed as arguments).

The per-file stage judges question files against bank.yaml and topics.yaml: every rule that is not
bank-wide runs there, and each file comes out as a FileResult (its findings, a slim copy of its
document, the facts the bank-wide rules declared). The bank-wide stage takes every FileResult of the
bank, lints bank.yaml and topics.yaml, runs the bank-wide rules over the slim copies (claims computed
in the claims worker meanwhile, engine/claims.py), then applies the policy (suppressions, per-file ignores, severities).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from mlbank.bank import Bank
from mlbank.engine.policy import Selection, finish, uses_claims
from mlbank.engine.record import CLAIMS, FINGERPRINTS, FileResult
from mlbank.finding import Finding
from mlbank.loader import Document
from mlbank.rules.base import Context, Kept, Rule, facts_read, is_bank_wide, keys_read

if TYPE_CHECKING:
    from mlbank.engine.claims import ClaimBook
    from mlbank.worked import Located


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
    for finding in _run(ctx, rules.per_file):
        by_file[finding.path].append(finding)
    prints, claims = FINGERPRINTS in rules.facts, CLAIMS in rules.facts
    return [
        FileResult(
            by_file[doc.display], doc.slim(rules.keys), ctx.facts(doc, fingerprints=prints, claims=claims)
        )
        for doc in docs
    ]


class BankOutcome(NamedTuple):
    """The bank-wide stage's answer: every finding, sorted, and the Context it ran in (its claim
    verdicts are what export reuses); `complete` is False when some claim's verdict was still being
    computed (it got no finding yet)."""

    findings: list[Finding]
    context: Context
    complete: bool = True


def bank_stage(
    given: StageInput,
    results: Sequence[FileResult],
    claims: ClaimBook,
    kept: Mapping[str, Kept] | None = None,
    *,
    wait_claims: bool = True,
) -> BankOutcome:
    """bank.yaml and topics.yaml, then the bank-wide rules over the slim questions, then the policy.
    `claims`: the verdicts known and the batch computing the others meanwhile; without `wait_claims`
    the claim rules judge only the claims whose verdicts are known. `kept`: incremental forms of
    bank-wide rules by code (a session's, kept between its lints)."""
    rules = plan(given.selection)
    bank = Bank(given.root, given.meta, given.topics, tuple(r.doc for r in results))
    verdicts = claims.judge(_located(results), wait=wait_claims) if uses_claims(rules.bank_wide) else None
    ctx = Context(
        bank,
        options=given.selection.options,
        known={r.doc.display: r.facts for r in results},
        verdicts=verdicts,
    )
    findings = [f for r in results for f in r.findings]
    own = Context(replace(bank, questions=()), options=given.selection.options)
    findings += _run(own, rules.per_file)
    findings += _run(ctx, rules.bank_wide, kept)
    documents = list(bank.documents)
    suppressions = [s for doc in documents for s in ctx.suppressions(doc)]
    complete = verdicts is None or verdicts.complete
    return BankOutcome(finish(documents, suppressions, findings, given.selection), ctx, complete)


def _run(ctx: Context, rules: Iterable[Rule], kept: Mapping[str, Kept] | None = None) -> list[Finding]:
    """The rules' findings (through a kept incremental form where given); the claim rules last, so
    their verdicts have had the most time."""
    ordered = sorted(rules, key=lambda r: uses_claims([r]))
    forms = kept if kept is not None else {}
    return [f for rule in ordered for f in forms.get(rule.RULE.code, rule).check(ctx)]


def _located(results: Sequence[FileResult]) -> list[Located]:
    from mlbank.worked import Located

    return [
        Located(r.doc, item, spec)
        for r in results
        if isinstance(r.doc.data, dict)
        for item, spec in (r.facts.claims or ())
    ]
