"""Shared fixtures: a copy of the mini bank that each test may change freely."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = Path(__file__).parent.parent


@pytest.fixture
def minibank(tmp_path: Path) -> Path:
    target = tmp_path / "bank"
    shutil.copytree(FIXTURES / "minibank", target)
    return target
