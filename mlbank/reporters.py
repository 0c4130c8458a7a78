"""Pure functions: findings -> text for people or machines. They never decide the exit code."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence

from mlbank.finding import Finding, Severity


def line(f: Finding) -> str:
    """One finding as the text reporter shows it: path:line:column: CODE [name] message."""
    return f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}"


def text(findings: Sequence[Finding]) -> str:
    lines = [line(f) for f in findings]
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
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return "\n".join(f"{n:5d}  {code}  {name}" for (code, name), n in ranked)


def _gh_data(value: str) -> str:
    """Escape a workflow command's message, so file text cannot end it and start another command."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_property(value: str) -> str:
    return _gh_data(value).replace(":", "%3A").replace(",", "%2C")


def github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands: one annotation per finding, shown on the pull request diff.

    https://docs.github.com/actions/reference/workflow-commands-for-github-actions
    """
    lines = []
    for f in findings:
        level = "error" if f.severity is Severity.ERROR else "warning"
        props = ",".join(
            f"{k}={_gh_property(str(v))}"
            for k, v in (
                ("file", f.path),
                ("line", f.line),
                ("col", f.column),
                ("title", f"{f.code} {f.name}"),
            )
        )
        lines.append(f"::{level} {props}::{_gh_data(f.message)}")
    lines.append(summary(findings))
    return "\n".join(lines)


def sarif(findings: Sequence[Finding]) -> str:
    """SARIF 2.1.0, the format GitHub code scanning and other analysis platforms ingest."""
    from mlbank import __version__
    from mlbank.rules import RULES
    from mlbank.rules import summary as rule_summary

    used = sorted({f.code for f in findings})
    rules = [
        {
            "id": code,
            "name": RULES[code].RULE.name,
            "shortDescription": {"text": rule_summary(RULES[code])},
            "fullDescription": {"text": (RULES[code].__doc__ or "").strip()},
            "defaultConfiguration": {"level": RULES[code].RULE.severity.value},
        }
        for code in used
        if code in RULES
    ]
    results = [
        {
            "ruleId": f.code,
            "level": "error" if f.severity is Severity.ERROR else "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": f.path.replace("\\", "/")},
                        "region": {"startLine": f.line, "startColumn": f.column},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "version": "2.1.0",
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "runs": [
            {
                "tool": {"driver": {"name": "mlbank", "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


REPORTERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": text,
    "json": as_json,
    "github": github,
    "sarif": sarif,
}
