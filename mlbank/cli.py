"""The `mlbank` entry point, `main`. The commands, their options and help are in cli_commands.py
(click); the exit codes are in exit_codes.py.

`mlbank lint [PATHS]` with no options is what pre-commit runs on every commit, and on a warm cache
its answer costs less than importing click. So main() runs that one form itself, with the options'
defaults, and leaves everything else (any option, --help, a usage error) to click.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from mlbank import exit_codes


def main(argv: Sequence[str] | None = None) -> None:
    """Console entry point: no input, however broken, ends in a traceback."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        if _plain_lint(args):
            _lint(args[1:], process_exit=argv is None)
        from mlbank.cli_commands import cli

        cli.main(args=list(argv) if argv is not None else None, prog_name="mlbank")
    except SystemExit:
        raise
    except KeyboardInterrupt:
        sys.exit(exit_codes.INTERRUPTED)
    except Exception as exc:  # the last line of defence: report, do not dump a traceback
        import click

        click.echo(f"mlbank: internal error: {type(exc).__name__}: {exc}", err=True)
        click.echo("Please report this with the command you ran.", err=True)
        sys.exit(exit_codes.USAGE)


def _plain_lint(args: list[str]) -> bool:
    """`lint` followed only by paths: no option, no `--`, nothing click would read differently.

    Not on Windows, where click also expands wildcards in the arguments.
    """
    return (
        args[:1] == ["lint"]
        and all(arg and not arg.startswith("-") for arg in args[1:])
        and sys.platform != "win32"
    )


# What a cache hit imports from mlbank (mlbank.atomic: when it refreshes the entry's stats).
LIGHT = frozenset(
    {
        "mlbank",
        "mlbank.atomic",
        "mlbank.cache",
        "mlbank.cli",
        "mlbank.commands",
        "mlbank.commands.lint",
        "mlbank.config",
        "mlbank.exit_codes",
        "mlbank.finding",
        "mlbank.paths",
        "mlbank.reporters",
    }
)


def _lint(paths: list[str], process_exit: bool) -> None:
    """`mlbank lint PATHS` as the click command runs it with every option at its default.

    Returns only if click should take over: to report a configuration problem as a usage error.
    With `process_exit` (the console script), a run that loaded only LIGHT modules, so a cache hit
    that started no worker, thread or child process, ends with os._exit once its output is
    flushed: tearing down the interpreter would cost a tenth of the run.
    """
    from pathlib import Path

    from mlbank.commands.lint import LintOptions, run_lint

    try:
        code, output = run_lint([Path(p) for p in paths], LintOptions())
    except exit_codes.UsageError:
        return  # nothing was linted yet; click runs the command again and reports it (exit 2)
    try:
        sys.stdout.write(output + "\n")
        sys.stdout.flush()
    except UnicodeEncodeError:  # a stdout that cannot show the text: click.echo copes
        import click

        click.echo(output)
    if process_exit and all(m in LIGHT for m in sys.modules if m.startswith("mlbank")):
        import os

        sys.stderr.flush()
        os._exit(code)
    sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
