"""Every rule's cases, as data: tests/rules/cases/<CODE>.yaml.

Each case changes the mini bank (whole files, text edits, or an oversized file) and lists the exact
(path, line, column) of every finding the rule must report; an empty list is a passing case.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from mlbank.bank import load_bank
from mlbank.lint import Selection, lint_bank
from mlbank.rules import RULES
from mlbank.rules.base import RuleOptions

CASES_DIR = Path(__file__).parent / "cases"
MINIBANK = Path(__file__).parent.parent / "fixtures" / "minibank"


def _cases() -> list[Any]:
    params = []
    for path in sorted(CASES_DIR.glob("*.yaml")):
        spec = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(pytest.param(spec["rule"], case, id=f"{spec['rule']}-{case['name']}"))
    return params


def apply_case(bank: Path, case: dict[str, Any]) -> None:
    encoding = case.get("encoding", "utf-8")
    for rel, content in (case.get("files") or {}).items():
        target = bank / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode(encoding))
    for edit in case.get("edits") or []:
        target = bank / edit["path"]
        text = target.read_text(encoding="utf-8")
        assert edit["old"] in text, f"case edit does not apply: {edit['old']!r}"
        target.write_text(text.replace(edit["old"], edit["new"], 1), encoding="utf-8")
    if "big" in case:
        (bank / case["big"]["path"]).write_bytes(b"a: " + b"x" * case["big"]["bytes"])


@pytest.mark.parametrize(("code", "case"), _cases())
def test_rule_case(code: str, case: dict[str, Any], tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(MINIBANK, bank)
    apply_case(bank, case)
    selected = frozenset({code, *case.get("select", [])})  # some rules need others to run too
    selection = Selection(select=selected, options=_options(case.get("options") or {}))
    findings = [f for f in lint_bank(load_bank(bank, cwd=bank), selection) if f.code == code]
    got = sorted((f.path, f.line, f.column) for f in findings)
    want = sorted(tuple(e) for e in case["expect"])
    assert got == want, "\n".join(f"{f.path}:{f.line}:{f.column}: {f.message}" for f in findings)
    assert all(f.code == code and f.message for f in findings)


def _options(spec: dict[str, Any]) -> RuleOptions:
    """A case's `options` (what [tool.mlbank] would set), with `today` as an ISO date."""
    today = spec.get("today")
    return RuleOptions(spec.get("review_max_age"), date.fromisoformat(today) if today else None)


def test_every_rule_has_failing_and_passing_cases() -> None:
    seen: dict[str, set[bool]] = {}
    for param in _cases():
        code, case = param.values
        seen.setdefault(code, set()).add(bool(case["expect"]))
    for code in RULES:
        assert seen.get(code) == {True, False}, f"{code} needs a failing and a passing case in {CASES_DIR}"
