"""Run the mlbank CLI in-process from a given working directory (shared by the CLI tests)."""

from __future__ import annotations

import os
from pathlib import Path

from click.testing import CliRunner, Result

from mlbank.cli import cli


def invoke(*args: str, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
