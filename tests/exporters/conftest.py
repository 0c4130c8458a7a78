"""Fixtures for the exporter tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_helpers import fresh_minibank


@pytest.fixture(scope="module")
def shared_minibank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A minibank copy tests of one module read but never change."""
    return fresh_minibank(tmp_path_factory.mktemp("shared"))
