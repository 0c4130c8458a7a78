"""The project's own bank: complete and clean."""

from __future__ import annotations

from pathlib import Path

from mlbank.bank import load_bank
from mlbank.lint import lint_bank

ROOT = Path(__file__).parent.parent


def test_bank_lints_clean_with_no_warnings() -> None:
    findings = lint_bank(load_bank(ROOT / "bank"))
    assert findings == [], "\n".join(f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in findings)
