"""Lint a bank already loaded in memory (tests, `mlbank new`): a one-shot session over its documents.

The engine (mlbank/engine/) owns how rules run; mlbank.engine.policy owns what the configuration
decides (Selection).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from mlbank.bank import Bank
from mlbank.engine.policy import Selection
from mlbank.engine.session import Session
from mlbank.finding import Finding

__all__ = ["Selection", "lint_bank"]


def lint_bank(
    bank: Bank,
    selection: Selection | None = None,
    only: Iterable[Path] | None = None,
    cache_dir: Path | None = None,
) -> list[Finding]:
    """Every finding of the active rules over a loaded bank, sorted; restricted to `only` when given."""
    session = Session.of_bank(bank, selection or Selection(), claims_cache=cache_dir)
    try:
        session.lint()
        return session.findings(only)
    finally:
        session.shutdown()
