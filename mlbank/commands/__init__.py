"""Command bodies: each takes parsed options and returns a CommandResult, its exit code and the text
to print; the edge (cli_commands.py, and cli.py for a plain `mlbank lint`) prints it and exits.

A problem with what the user asked for is raised as mlbank.exit_codes.UsageError, which the edge
shows as a one-line error with exit code 2.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandResult(NamedTuple):
    """What a command came to: an exit code from mlbank.exit_codes, and the text the edge prints."""

    code: int
    text: str
