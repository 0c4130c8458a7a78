"""A real pre-commit, in a separate repository that pins this one by path and revision."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
MINIBANK = Path(__file__).parent / "fixtures" / "minibank"


def git(repo: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_precommit_accepts_clean_bank_and_rejects_broken_file(tmp_path: Path) -> None:
    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    repo = tmp_path / "authors"
    shutil.copytree(MINIBANK, repo / "bank")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {ROOT.resolve()}\n    rev: {rev.stdout.strip()}\n    hooks:\n      - id: mlbank-lint\n"
    )
    assert git(repo, "init", "-q", env=env).returncode == 0
    install = subprocess.run(
        [sys.executable, "-m", "pre_commit", "install"], cwd=repo, env=env, capture_output=True, text=True
    )
    assert install.returncode == 0, install.stderr

    git(repo, "add", ".", env=env)
    clean = git(repo, "commit", "-m", "clean bank", env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "mlbank lint" in clean.stdout + clean.stderr

    broken = repo / "bank/questions/screening/q01-log-loss.yaml"
    broken.write_text(broken.read_text().replace("topics: [loss-functions]", "topics: [loss-function]"))
    git(repo, "add", ".", env=env)
    rejected = git(repo, "commit", "-m", "broken topic", env=env)
    output = rejected.stdout + rejected.stderr
    assert rejected.returncode != 0
    assert "bank/questions/screening/q01-log-loss.yaml:7:10: MB200" in output
    assert git(repo, "log", "--oneline", env=env).stdout.count("\n") == 1  # the broken commit did not land
