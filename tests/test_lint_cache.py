"""The lint cache: reused only when nothing changed, never trusted when damaged, cheap on a hit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

Q = "questions/screening/q01-log-loss.yaml"

PROBE = """
import sys
from mlbank.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    heavy = sorted(m for m in ("pydantic", "sympy", "jsonschema", "ruamel.yaml") if m in sys.modules)
    print("HEAVY=" + ",".join(heavy))
    raise
"""


def lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MLBANK_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-c", PROBE, "lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(minibank: Path) -> Path:
    return minibank.parent


def entries(project: Path) -> list[Path]:
    return sorted((project / "cache").rglob("lint-*.json"))


def test_warm_run_imports_nothing_heavy(project: Path) -> None:
    cold = lint(project)
    assert cold.returncode == 0 and "pydantic" in cold.stdout
    warm = lint(project)
    assert warm.returncode == 0 and "All checks passed." in warm.stdout
    assert "HEAVY=\n" in warm.stdout or warm.stdout.rstrip().endswith("HEAVY=")


def test_changed_file_is_relinted(project: Path) -> None:
    assert lint(project).returncode == 0
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("topics: [loss-functions]", "topics: [loss-function]"))
    result = lint(project)
    assert result.returncode == 1 and "MB200" in result.stdout
    path.write_text(path.read_text().replace("topics: [loss-function]", "topics: [loss-functions]"))
    assert lint(project).returncode == 0


def test_warm_cache_keeps_findings_and_file_filter(project: Path) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    first = lint(project)
    second = lint(project)
    assert first.returncode == second.returncode == 1
    assert "HEAVY=" in second.stdout and "pydantic" not in second.stdout.split("HEAVY=")[1]
    assert first.stdout.split("HEAVY=")[0] == second.stdout.split("HEAVY=")[0]
    other = lint(project, "bank/questions/quick-fire/qf01-bias.yaml")
    assert other.returncode == 0, other.stdout


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{not json",
        json.dumps({"format": 1, "version": "0.0.0", "config": "x", "files": {}, "findings": []}),
        "[]",
    ],
)
def test_corrupt_or_foreign_entry_is_discarded(project: Path, damage: str) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    assert lint(project).returncode == 1
    for entry in entries(project):
        entry.write_text(damage)
    again = lint(project)
    assert again.returncode == 1 and "MB105" in again.stdout and "Traceback" not in again.stderr


def test_tampered_entry_that_claims_clean_is_caught_by_content_key(project: Path) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    assert lint(project).returncode == 1
    for entry in entries(project):
        data = json.loads(entry.read_text())
        data["key"] = "0" * 64
        data["findings"] = []
        entry.write_text(json.dumps(data))
    assert lint(project).returncode == 1


def test_no_cache_and_cache_clean(project: Path) -> None:
    assert lint(project, "--no-cache").returncode == 0
    assert entries(project) == []
    assert lint(project).returncode == 0 and entries(project)
    env = {**os.environ, "MLBANK_CACHE_DIR": str(project / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "mlbank.cli", "cache", "clean"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "removed" in done.stdout
    assert not (project / "cache").exists()
