"""Pure functions: findings -> text for people or machines. They never decide the exit code."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence

from mlbank.finding import Finding, Severity


def text(findings: Sequence[Finding]) -> str:
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}" for f in findings]
    lines.append(summary(findings))
    return "\n".join(lines)


def summary(findings: Sequence[Finding]) -> str:
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = len(findings) - errors
    if not findings:
        return "All checks passed."
    files = len({f.path for f in findings})
    return f"Found {_n(errors, 'error')} and {_n(warnings, 'warning')} in {_n(files, 'file')}."


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def as_json(findings: Sequence[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2, ensure_ascii=False)


def statistics(findings: Sequence[Finding]) -> str:
    """One line per rule: count, code, name (like ruff --statistics)."""
    counts = Counter((f.code, f.name) for f in findings)
    return "\n".join(f"{n:5d}  {code}  {name}" for (code, name), n in sorted(counts.items()))


REPORTERS: dict[str, Callable[[Sequence[Finding]], str]] = {"text": text, "json": as_json}
