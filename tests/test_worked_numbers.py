"""Changing a worked number in the prose makes lint fail on that file, at that line (issue 4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent

# (file, the text as written, the edit, the line where the prose states the number)
EDITS = [
    ("screening/q02-loss-for-binary-classification.yaml", "\\approx 4.6$", "\\approx 4.7$"),
    (
        "senior/q29-curse-of-dimensionality-in-practice.yaml",
        "about 87% of the volume",
        "about 78% of the volume",
    ),
    ("deep-dive/q23-focal-loss-vs-cross-entropy.yaml", "cut 100x", "cut 10x"),
    ("company/q39-churn-prediction-cost-benefit.yaml", "threshold = 0.1.", "threshold = 0.2."),
]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("project")
    shutil.copytree(ROOT / "bank", root / "bank")
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


@pytest.mark.parametrize(("name", "old", "new"), EDITS, ids=[e[2] for e in EDITS])
def test_edited_number_fails_at_its_line(project: Path, name: str, old: str, new: str) -> None:
    path = project / "bank" / "questions" / name
    matches = list(path.parent.glob(name.split("/")[1]))
    assert matches, f"{name} is not in the bank"
    original = path.read_text()
    assert original.count(old) == 1
    line = original[: original.index(old)].count("\n") + 1
    path.write_text(original.replace(old, new))
    try:
        env = {**os.environ, "MLBANK_CACHE_DIR": str(project / ".cache")}
        result = subprocess.run(
            [sys.executable, "-m", "mlbank.cli", "lint", f"bank/questions/{name}"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        path.write_text(original)
    assert result.returncode == 1, result.stdout
    assert f"bank/questions/{name}:{line}:" in result.stdout, result.stdout
