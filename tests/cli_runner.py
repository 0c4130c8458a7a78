"""Run the mlbank CLI in-process from a given working directory (shared by the CLI tests)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from click.testing import CliRunner, Result

from mlbank.cli_commands import cli

# The default working directory: outside this repository, whose configuration turns review findings
# (such as the stale review a test's edit causes) into errors; tests that want a configuration pass cwd.
NEUTRAL = Path(tempfile.gettempdir())


def invoke(*args: str, cwd: Path | None = None) -> Result:
    old = Path.cwd()
    os.chdir(cwd or NEUTRAL)
    try:
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)
