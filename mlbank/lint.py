"""Run the rules over a loaded bank and return sorted findings.

lint.py owns the decisions rules must not make: which rules run (select/ignore), which severity a
finding gets, which files are exempt (per-file ignores), what inline comments suppress, and which
paths the user asked about.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlbank import suppress
from mlbank.bank import Bank, real_path
from mlbank.finding import Finding, Severity
from mlbank.rules import RULES, mb503_suppression
from mlbank.rules.base import Context, Rule, RuleOptions

SUPPRESSION = mb503_suppression.RULE
CLAIM_RULES = frozenset({"MB400", "MB402"})  # the rules that need the claims worker's verdicts


@dataclass(frozen=True)
class Selection:
    """Which rules run, how loud they are and where they are silenced; from config and options."""

    select: frozenset[str] = frozenset()  # empty means every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob relative to root, codes)
    root: Path | None = None
    options: RuleOptions = field(default_factory=RuleOptions)

    def active(self) -> Iterator[Rule]:
        for rule in RULES.values():
            if (not self.select or _matches(rule, self.select)) and not _matches(rule, self.ignore):
                yield rule

    def is_active(self, code: str) -> bool:
        return any(rule.RULE.code == code for rule in self.active())

    def severity_of(self, code: str, name: str) -> Severity | None:
        """The severity the configuration gives a rule's findings; None: its default stands."""
        return self.severity.get(code) or self.severity.get(name)


def _matches(rule: Rule, names: frozenset[str]) -> bool:
    return any(rule.RULE.code.startswith(n.upper()) for n in names) or rule.RULE.name in names


def lint_bank(
    bank: Bank,
    selection: Selection | None = None,
    only: Iterable[Path] | None = None,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Every finding of the active rules over a loaded bank, sorted; restricted to `only` when given.

    For a large bank on disk, mlbank.parallel.lint_root gives the same findings using every core.
    """
    selection = selection or Selection()
    ctx = Context(bank, cache_dir=cache_dir, options=selection.options)
    return finish(ctx, run_rules(ctx, list(selection.active())), selection, only)


def uses_claims(rules: list[Rule]) -> bool:
    return any(r.RULE.code in CLAIM_RULES for r in rules)


def run_rules(ctx: Context, rules: list[Rule]) -> list[Finding]:
    """The findings of `rules` over ctx's bank, claims computed while the other rules run."""
    claim_rules = [r for r in rules if r.RULE.code in CLAIM_RULES]
    if claim_rules:
        ctx.start_claims()  # the worker computes while the other rules run on this thread
    findings: list[Finding] = []
    for rule in [r for r in rules if r not in claim_rules] + claim_rules:
        findings.extend(rule.check(ctx))
    return findings


def finish(
    ctx: Context, findings: list[Finding], selection: Selection, only: Iterable[Path] | None = None
) -> list[Finding]:
    """Apply suppressions, per-file ignores, the `only` paths and severity overrides; sort."""
    findings = _suppress(ctx, findings, selection)
    if selection.per_file_ignores or only is not None:  # realpath costs a syscall per part of a path
        paths = {d.display: real_path(d.path) for d in ctx.bank.documents}
        findings = [f for f in findings if not _exempt(f, paths.get(f.path), selection)]
        if only is not None:
            wanted = {real_path(p) for p in only}
            findings = [f for f in findings if paths.get(f.path) in wanted]
    return sorted({_with_severity(f, selection) for f in findings})


def _suppress(ctx: Context, findings: list[Finding], selection: Selection) -> list[Finding]:
    """Drop what inline comments silence; report comments that silenced nothing."""
    found = [s for doc in ctx.bank.documents for s in ctx.suppressions(doc)]
    if not found:
        return findings
    own = [f for f in findings if f.code == SUPPRESSION.code]
    kept, unused = suppress.apply([f for f in findings if f.code != SUPPRESSION.code], found)
    if selection.is_active(SUPPRESSION.code):
        malformed = {(f.path, f.line) for f in own}
        own += [
            mb503_suppression.unused(s.path, s.line, s.column, s.codes)
            for s in unused
            if s.codes and (s.path, s.line) not in malformed and _could_fire(s.codes, selection)
        ]
    return kept + own


def _could_fire(codes: tuple[str, ...], selection: Selection) -> bool:
    """An unused suppression only counts as stale if one of its rules actually ran."""
    return any(_matches(rule, frozenset(codes)) for rule in selection.active())


def _exempt(finding: Finding, path: Path | None, selection: Selection) -> bool:
    if path is None or selection.root is None or not selection.per_file_ignores:
        return False
    try:
        rel = path.relative_to(selection.root.resolve()).as_posix()
    except ValueError:
        return False
    return any(
        fnmatch.fnmatch(rel, pattern)
        and (finding.code in codes or finding.name in codes or any(finding.code.startswith(c) for c in codes))
        for pattern, codes in selection.per_file_ignores
    )


def _with_severity(finding: Finding, selection: Selection) -> Finding:
    override = selection.severity_of(finding.code, finding.name)
    return finding._replace(severity=override) if override else finding
