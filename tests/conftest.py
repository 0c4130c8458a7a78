"""Shared fixtures: a copy of the mini bank that each test may change freely, and a synthetic bank."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def minibank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(FIXTURES / "minibank", target)
    return target


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    """A copy of the real bank."""
    root = tmp_path / "bank"
    shutil.copytree(ROOT / "bank", root)
    return root


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The question files the engine loads from disk itself (not in forked workers), by name."""
    from mlbank.engine import runners

    seen: list[str] = []
    real = runners.load_questions

    def spy(paths: list[Path], cwd: Path | None = None) -> Any:
        seen.extend(p.name for p in paths)
        return real(paths, cwd)

    monkeypatch.setattr(runners, "load_questions", spy)
    return seen


@pytest.fixture(scope="session")
def synthetic_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A bank of 1000 questions from scripts/make_bank.py, made once for the session (read only)."""
    out = tmp_path_factory.mktemp("synthetic") / "bank"
    script = ROOT / "scripts" / "make_bank.py"
    subprocess.run([sys.executable, str(script), "1000", str(out)], check=True, capture_output=True)
    return out
