"""Run the rules over a loaded bank and return sorted findings.

lint.py owns the decisions rules must not make: which rules run (select/ignore), which severity a
finding gets, which paths the user asked about, and what is suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from mlbank.bank import Bank
from mlbank.finding import Finding, Severity
from mlbank.rules import RULES
from mlbank.rules.base import Context, Rule


@dataclass(frozen=True)
class Selection:
    """Which rules run and how loud they are; filled from config and command-line options."""

    select: frozenset[str] = frozenset()  # empty means every rule
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)

    def active(self) -> Iterator[Rule]:
        for rule in RULES.values():
            if (not self.select or _matches(rule, self.select)) and not _matches(rule, self.ignore):
                yield rule


def _matches(rule: Rule, names: frozenset[str]) -> bool:
    code = rule.RULE.code
    return any(code.startswith(n) for n in names) or rule.RULE.name in names


def lint_bank(
    bank: Bank,
    selection: Selection | None = None,
    only: Iterable[Path] | None = None,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Every finding of the active rules, sorted; restricted to `only` paths when given."""
    selection = selection or Selection()
    ctx = Context(bank, cache_dir=cache_dir)
    findings: list[Finding] = []
    for rule in selection.active():
        findings.extend(rule.check(ctx))
    if only is not None:
        wanted = {p.resolve() for p in only}
        by_display = {d.display: d.path.resolve() for d in bank.documents}
        findings = [f for f in findings if by_display.get(f.path) in wanted]
    findings = [_with_severity(f, selection) for f in findings]
    return sorted(set(findings))


def _with_severity(finding: Finding, selection: Selection) -> Finding:
    override = selection.severity.get(finding.code) or selection.severity.get(finding.name)
    return finding._replace(severity=override) if override else finding
