"""The decisions rules must not make: which rules run (select/ignore), which severity a finding
gets, which files are exempt (per-file ignores), what inline comments suppress, and which paths the
user asked about. A Selection says all of it, and its key() is what (besides file contents) decides
the findings: derived from its fields, so a new field is part of every cache key by construction.

Cheap to import (the warm lint path builds a Selection's key): rules are imported only when asked.
"""

from __future__ import annotations

import enum
import fnmatch
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from mlbank.finding import Finding, Severity

if TYPE_CHECKING:
    from mlbank.loader import Document
    from mlbank.rules.base import Rule
    from mlbank.suppress import Suppression

CLAIM_RULES = frozenset({"MB400", "MB402"})  # the rules that need the claims worker's verdicts
SUPPRESSION = "MB503"  # the rule that reports suppression comments themselves


class RuleOptions(NamedTuple):
    """Settings some rules take from `[tool.mlbank]` (the rest need none)."""

    review_max_age: int | None = None  # days after which a review expires (MB602); None: never
    today: date | None = None  # what MB602 measures a review's age against; None: the system's date

    def on_day(self) -> date:
        return self.today or date.today()


class Selection(NamedTuple):
    """Which rules run, how loud they are and where they are silenced; from config and options.
    (A NamedTuple, not a dataclass: the warm lint path builds one, and dataclasses imports inspect.)"""

    select: frozenset[str] = frozenset()  # empty means every rule
    ignore: frozenset[str] = frozenset()
    severity: Mapping[str, Severity] = {}  # shared by default: read only, through Mapping
    per_file_ignores: tuple[tuple[str, frozenset[str]], ...] = ()  # (glob relative to root, codes)
    root: Path | None = None
    options: RuleOptions = RuleOptions()

    def active(self) -> Iterator[Rule]:
        from mlbank.rules import RULES

        for rule in RULES.values():
            if (not self.select or _matches(rule, self.select)) and not _matches(rule, self.ignore):
                yield rule

    def is_active(self, code: str) -> bool:
        return any(rule.RULE.code == code for rule in self.active())

    def severity_of(self, code: str, name: str) -> Severity | None:
        """The severity the configuration gives a rule's findings; None: its default stands."""
        return self.severity.get(code) or self.severity.get(name)

    def key(self) -> str:
        """A digest of every field: two selections with the same key give the same findings."""
        parts = {name: _plain(value) for name, value in self._asdict().items()}
        return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _plain(value: Any) -> Any:
    """A JSON value that says exactly what `value` is; TypeError for a type it does not know, so
    that a new kind of field cannot be left out of the key silently."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, Path | date):
        return str(value)
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _plain(v) for k, v in value._asdict().items()}
    if isinstance(value, frozenset | set):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return sorted(([_plain(k), _plain(v)] for k, v in value.items()), key=repr)
    raise TypeError(f"a Selection field of type {type(value).__name__} has no key form")


def _matches(rule: Rule, names: frozenset[str]) -> bool:
    return any(rule.RULE.code.startswith(n.upper()) for n in names) or rule.RULE.name in names


def uses_claims(rules: Iterable[Rule]) -> bool:
    return any(r.RULE.code in CLAIM_RULES for r in rules)


def finish(
    documents: Iterable[Document],
    suppressions: Iterable[Suppression],
    findings: list[Finding],
    selection: Selection,
    only: Iterable[Path] | None = None,
    undecided: Sequence[Rule] = (),
) -> list[Finding]:
    """Apply suppressions, per-file ignores, the `only` paths and severity overrides; sort.
    `undecided`: rules whose findings are not all in yet; a suppression they could use is not
    reported unused."""
    from mlbank.paths import real_path

    findings = _suppress(list(suppressions), findings, selection, undecided)
    if selection.per_file_ignores or only is not None:  # realpath costs a syscall per part of a path
        paths = {d.display: real_path(d.path) for d in documents}
        findings = [f for f in findings if not _exempt(f, paths.get(f.path), selection)]
        if only is not None:
            wanted = {real_path(p) for p in only}
            findings = [f for f in findings if paths.get(f.path) in wanted]
    return sorted({_with_severity(f, selection) for f in findings})


def _suppress(
    found: list[Suppression], findings: list[Finding], selection: Selection, undecided: Sequence[Rule]
) -> list[Finding]:
    """Drop what inline comments silence; report comments that silenced nothing."""
    if not found:
        return findings
    from mlbank import suppress
    from mlbank.rules import mb503_suppression

    own = [f for f in findings if f.code == SUPPRESSION]
    kept, unused = suppress.apply([f for f in findings if f.code != SUPPRESSION], found)
    if selection.is_active(SUPPRESSION):
        malformed = {(f.path, f.line) for f in own}
        own += [
            mb503_suppression.unused(s.path, s.line, s.column, s.codes)
            for s in unused
            if s.codes
            and (s.path, s.line) not in malformed
            and _could_fire(s.codes, selection)
            and not any(_matches(rule, frozenset(s.codes)) for rule in undecided)
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
