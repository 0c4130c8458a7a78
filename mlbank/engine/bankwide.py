"""The bank-wide stage, kept between a session's lints so that a re-lint costs what changed.

A full run (the first lint, or after bank.yaml or topics.yaml changed) lints bank.yaml and
topics.yaml, runs every bank-wide rule over all questions' slim documents, and keeps what each rule
found per file. The policy is applied to each file alone: suppressions, per-file ignores and
severities only ever concern the finding's own file, and findings sort by path first, so the bank's
sorted list is each file's sorted list in path order.

After one question changed, each bank-wide rule's incremental form (rules.base.Kept) names the files
whose findings for it may differ and gives theirs; the claim rules judge each claim alone, so only
the changed file's claims are judged again (and, when waited for, the files whose verdicts were still
being computed); and only the files touched go through the policy again. A rule without an
incremental form is run over the whole bank again: slower, never wrong.
"""

from __future__ import annotations

import bisect
import gc
from collections.abc import Iterable, Sequence
from dataclasses import replace
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.bank import Bank
from mlbank.engine.policy import Selection, finish, uses_claims
from mlbank.engine.record import Change, FileResult
from mlbank.engine.stages import StageInput, plan
from mlbank.finding import Finding
from mlbank.paths import bank_order
from mlbank.rules.base import ClaimVerdicts, Context, Rule, kept_forms

if TYPE_CHECKING:
    from mlbank.claims import Verdict
    from mlbank.engine.claims import ClaimBook
    from mlbank.loader import Document
    from mlbank.suppress import Suppression
    from mlbank.worked import Located

OWN = "own"  # where the findings of bank.yaml's and topics.yaml's own (per-file) rules are kept


class BankWide:
    """The bank-wide stage's state for one session: findings per file, by the rule that gave them."""

    def __init__(self, selection: Selection, claims: ClaimBook) -> None:
        rules = plan(selection)
        self.selection = selection
        self._claims = claims
        self._own_rules = rules.per_file
        self._rules = [r for r in rules.bank_wide if not uses_claims([r])]
        self._claim_rules = [r for r in rules.bank_wide if uses_claims([r])]
        self._kept = kept_forms(self._rules)  # kept across full runs too (MB500's pairs)
        self.given: StageInput | None = None
        self._own = Context(Bank(Path(), None, None, ()))  # bank.yaml and topics.yaml, no questions
        self._results: dict[str, FileResult] = {}  # questions by display path
        self._docs: dict[str, Document] = {}  # every document by display path
        self._found: dict[str, dict[str, list[Finding]]] = {}  # display -> rule code (or OWN) -> raw
        self._final: dict[str, list[Finding]] = {}  # display -> after the policy, sorted; never empty
        self._order: list[str] = []  # the keys of _final, sorted
        self._pending: set[str] = set()  # files whose claim findings lack a verdict still computed

    # --- runs -----------------------------------------------------------------------------------

    def full(self, given: StageInput, results: Sequence[FileResult], *, wait_claims: bool) -> None:
        """bank.yaml and topics.yaml as `given`, and every question's result in bank order:
        everything judged again."""
        # The run builds long-lived state (findings, the rules' indexes) and little cyclic garbage:
        # left on, the cyclic collector would scan the whole growing heap again and again (a third
        # of a 10,000-question run, measured).
        enabled = gc.isenabled()
        gc.disable()
        try:
            self._full(given, results, wait_claims)
        finally:
            if enabled:
                gc.enable()

    def _full(self, given: StageInput, results: Sequence[FileResult], wait_claims: bool) -> None:
        self.given = given
        self._own = Context(Bank(given.root, given.meta, given.topics, ()), options=given.selection.options)
        self._results = {r.doc.display: r for r in results}
        bank = Bank(given.root, given.meta, given.topics, tuple(r.doc for r in results))
        self._docs = {d.display: d for d in bank.documents}
        self._found = {}
        verdicts = None
        if self._claim_rules:
            located = _located(results)
            self._claims.retry()  # a full lint judges as a cold one: unsettled verdicts asked again
            verdicts = self._claims.judge(located, None, wait=wait_claims)
        ctx = self._context(bank, verdicts)
        self._keep(OWN, _by_path(f for rule in self._own_rules for f in rule.check(self._own)))
        for rule in self._rules:  # the claim rules last: their verdicts have had the most time
            code = rule.RULE.code
            self._keep(code, _by_path(self._kept.get(code, rule).check(ctx)))
        for rule in self._claim_rules:
            self._keep(rule.RULE.code, _by_path(rule.check(ctx)))
        self._pending = verdicts.missing() if verdicts is not None else set()
        self._final, self._order = {}, []
        for display in self._docs:
            self._finish(display)

    def change(self, display: str, after: FileResult | None, *, wait_claims: bool) -> None:
        """One question changed (`after` is None when it is gone): the files it touches judged again."""
        before = self._results.pop(display, None)
        self._docs.pop(display, None)
        if after is not None:
            self._results[display] = after
            self._docs[display] = after.doc
        changes = [Change(display, before, after)]
        touched = {display}
        for rule in self._rules:
            code = rule.RULE.code
            form = self._kept.get(code)
            found = form.update(self._own, changes) if form is not None else self._whole(rule)
            for path, findings in found.items():
                self._set(path, code, findings)
            touched.update(found)
        if self._claim_rules:
            # the changed file always (gone, its claims are held no more), and the files still
            # waiting for verdicts when this update waits
            again = {display} | (self._pending if wait_claims else set())
            self._pending.discard(display)
            if after is not None:
                self._claims.retry(_located([after]))  # its unsettled verdicts are asked again
            self._judge(again, wait=wait_claims)
            touched |= again
        if after is None:
            self._found.pop(display, None)
        for path in touched:
            self._finish(path)

    def settle_claims(self) -> None:
        """Judge the claims of the files whose verdicts were still being computed (waiting for them)."""
        if self._pending:
            again = set(self._pending)
            self._judge(again, wait=True)
            for path in again:
                self._finish(path)

    # --- answers --------------------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        """Every claim's finding is in (no verdict was still being computed)."""
        return not self._pending

    def findings(self, displays: Iterable[str] | None = None) -> list[Finding]:
        """Every finding, sorted; or those of the files shown as `displays`."""
        if displays is None:  # map, not a generator: this runs after every edit, over every file
            return list(chain.from_iterable(map(self._final.__getitem__, self._order)))
        return list(chain.from_iterable(self._final.get(d, ()) for d in sorted(set(displays))))

    def documents(self) -> list[Document]:
        return list(self._docs.values())

    def claims(self, results: Iterable[FileResult]) -> list[tuple[Located, Verdict]]:
        """Every well-formed claim of `results` (the bank's, in order) with its verdict, waited for."""
        return self._claims.judge(_located(results), None, wait=True).result()

    # --- parts ----------------------------------------------------------------------------------

    def _context(self, bank: Bank, verdicts: ClaimVerdicts | None = None) -> Context:
        return Context(
            bank,
            options=self.selection.options,
            known={d.display: self._results[d.display].facts for d in bank.questions},
            verdicts=verdicts,
        )

    def _judge(self, displays: set[str], *, wait: bool) -> None:
        """The claim rules' findings for the files `displays`, from their claims alone."""
        results = [self._results[d] for d in displays if d in self._results]
        verdicts = self._claims.judge(_located(results), displays, wait=wait)
        ctx = self._context(replace(self._own.bank, questions=tuple(r.doc for r in results)), verdicts)
        for rule in self._claim_rules:
            found = _by_path(rule.check(ctx))
            for path in displays:
                self._set(path, rule.RULE.code, found.get(path, []))
        self._pending = (self._pending - displays) | verdicts.missing()

    def _whole(self, rule: Rule) -> dict[str, list[Finding]]:
        """A rule without an incremental form, over the whole bank: the files whose findings differ."""
        code = rule.RULE.code
        ordered = sorted(self._results.values(), key=lambda r: bank_order(r.doc.path))
        bank = replace(self._own.bank, questions=tuple(r.doc for r in ordered))
        now = _by_path(rule.check(self._context(bank)))
        before = {path: kinds[code] for path, kinds in self._found.items() if code in kinds}
        return {
            path: now.get(path, []) for path in {*now, *before} if now.get(path, []) != before.get(path, [])
        }

    def _keep(self, code: str, found: dict[str, list[Finding]]) -> None:
        for path, findings in found.items():
            self._set(path, code, findings)

    def _set(self, path: str, code: str, findings: list[Finding]) -> None:
        if findings:
            self._found.setdefault(path, {})[code] = findings
        elif path in self._found:
            self._found[path].pop(code, None)

    def _suppressions(self, display: str) -> tuple[Suppression, ...]:
        result = self._results.get(display)
        if result is not None:
            return result.facts.suppressions
        doc = self._docs.get(display)
        return self._own.suppressions(doc) if doc is not None else ()

    def _finish(self, display: str) -> None:
        """One file's findings through the policy, kept in path order."""
        result = self._results.get(display)
        raw = [
            *(result.findings if result is not None else ()),
            *chain(*self._found.get(display, {}).values()),
        ]
        suppressions = self._suppressions(display)
        doc = self._docs.get(display)
        final = (
            finish(
                [doc] if doc is not None else [],
                suppressions,
                raw,
                self.selection,
                # a claim rule's findings are incomplete while a verdict is computed: its suppressions
                # are not unused yet (settle_claims finishes the file again)
                undecided=self._claim_rules if display in self._pending else (),
            )
            if raw or suppressions
            else []
        )
        had = display in self._final
        if final:
            self._final[display] = final
            if not had:
                bisect.insort(self._order, display)
        elif had:
            del self._final[display]
            del self._order[bisect.bisect_left(self._order, display)]


def _by_path(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    grouped: dict[str, list[Finding]] = {}
    for finding in findings:
        grouped.setdefault(finding.path, []).append(finding)
    return grouped


def _located(results: Iterable[FileResult]) -> list[Located]:
    from mlbank.worked import located_in

    return [
        c for r in results if isinstance(r.doc.data, dict) for c in located_in(r.doc, r.facts.claims or ())
    ]
