"""The click application behind `mlbank`: each command parses its options, calls one function, and
returns an exit code.

Exit codes everywhere: 0 success, 1 the bank (or claim) has errors, 2 usage or internal failure.
Heavy modules (pydantic, sympy, jsonschema) are imported inside commands, so `mlbank --help` stays
fast. The entry point, mlbank.cli.main, answers a plain `mlbank lint [PATHS]` without loading click.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TypeVar

import click

from mlbank import exit_codes

T = TypeVar("T")


class UsageProblem(click.ClickException):
    """A command's UsageError as click shows it: `Error: MESSAGE` on stderr, exit USAGE."""

    exit_code = exit_codes.USAGE


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="mlbank")
def cli() -> None:
    """Keep an ML interview question bank correct, and ship it to the apps that use it."""


# --- lint -----------------------------------------------------------------------------------------


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "sarif"]),
    default="text",
    show_default=True,
    help="github: workflow annotations; sarif: code scanning.",
)
@click.option("--select", multiple=True, help="Only these rule codes/names (prefixes like MB2 work).")
@click.option("--ignore", multiple=True, help="Skip these rule codes/names.")
@click.option("--statistics", is_flag=True, help="Print a count per rule instead of each finding.")
@click.option("--strict", is_flag=True, help="Warnings fail the run too.")
@click.option("--no-cache", is_flag=True, help="Lint from scratch and do not remember the result.")
@click.option(
    "--fix", is_flag=True, help="Apply safe fixes: escape currency, drop repeated tags, rename to match ids."
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for a large bank (default: one per core, fewer for a small bank; 1: no workers).",
)
def lint(
    paths: tuple[Path, ...],
    fmt: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    statistics: bool,
    strict: bool,
    no_cache: bool,
    fix: bool,
    jobs: int | None,
) -> None:
    """Check the bank: YAML safety, schema, rubric, references, tags, math markup.

    PATHS are bank directories (holding bank.yaml) or files inside one; files are checked in the
    context of their whole bank. With no PATHS, the bank configured in pyproject.toml
    ([tool.mlbank] bank = ...) or ./bank is checked.
    """
    from mlbank.commands.lint import LintOptions, run_lint

    # With no option given, mlbank.cli.main runs LintOptions() without click: keep every default
    # here equal to LintOptions' (tests/test_lint_cache.py checks that the two agree).
    options = LintOptions(
        fmt=fmt,
        select=select,
        ignore=ignore,
        statistics=statistics,
        strict=strict,
        fix=fix,
        cache=not no_cache,
        jobs=jobs,
    )
    code, output = _guard(lambda: run_lint(list(paths), options))
    click.echo(output)
    sys.exit(code)


# --- rules ----------------------------------------------------------------------------------------


@cli.command("rules")
def rules_command() -> None:
    """List every rule: code, name, default severity, the severity the configuration gives it, summary."""
    from mlbank.commands.rules import run_rules_list

    code, output = _guard(run_rules_list)
    click.echo(output)
    sys.exit(code)


@cli.command("rule")
@click.argument("code_or_name")
def rule_command(code_or_name: str) -> None:
    """Explain one rule, with a bad and a good example, and the severity the configuration gives it."""
    from mlbank.commands.rules import run_rule

    code, output = _guard(lambda: run_rule(code_or_name))
    click.echo(output)
    sys.exit(code)


# --- calc -----------------------------------------------------------------------------------------


@cli.command(context_settings={"ignore_unknown_options": True})
@click.argument("expr")
@click.option("--says", help='The number as the text states it, e.g. "4.6", "87%", "100x", "500:1".')
@click.option("--equals", help="Another expression: check an identity instead of a value.")
@click.option("--where", multiple=True, metavar="NAME=VALUE", help="Bind a name (repeatable).")
@click.option("--domain", multiple=True, metavar="NAME=RANGE", help='Range of a free name: x="[0, 1]".')
@click.option("--tolerance", help="Widen the stated interval by this absolute amount.")
def calc(
    expr: str,
    says: str | None,
    equals: str | None,
    where: tuple[str, ...],
    domain: tuple[str, ...],
    tolerance: str | None,
) -> None:
    """Try a worked-number claim: the value, the interval the stated text implies, and the verdict.

    Exit 0 the claim holds, 1 it does not, 2 the expression or stated text is refused or invalid.
    Nothing is ever evaluated as code: EXPR is parsed against a whitelist and computed with sympy in
    a separate process with a deadline. A leading minus needs no quoting trick: mlbank calc -log(0.01).
    """
    from mlbank.claims import run_calc

    code, lines = run_calc(expr, says, equals, list(where), tolerance, list(domain))
    click.echo("\n".join(lines))
    sys.exit(code)


# --- import ---------------------------------------------------------------------------------------


@cli.command("import")
@click.argument("page", type=click.Path(path_type=Path))
@click.option("--bank", type=click.Path(path_type=Path), default=None, help="Bank directory.")
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
def import_command(page: Path, bank: Path | None, check: bool) -> None:
    """Create or update question files from a Markdown page: a draft typed by hand, or a page
    `mlbank export --format markdown` wrote.

    A draft question is a heading holding its title; its fields as `key: value` lines under it
    (section and topics required, id unless the heading starts with `<id> · `); then Prompt,
    Model answer and Rubric headings one level below it, and Strong hire, Lean hire and No hire
    under the rubric. `mlbank new --markdown` writes a draft to start from. Nothing is written
    unless every question on the page is valid.
    """
    from mlbank.commands.importer import run_import

    code, output = _guard(lambda: run_import(page, bank, check))
    click.echo(output)
    sys.exit(code)


# --- schema ---------------------------------------------------------------------------------------


@cli.command()
@click.option("--write", "mode", flag_value="write", help="Write schema/*.schema.json from the models.")
@click.option(
    "--check",
    "mode",
    flag_value="check",
    default=True,
    help="Exit 1 if a committed schema is stale.",
)
@click.option("--dir", "directory", type=click.Path(path_type=Path), default=None, help="Schema directory.")
def schema(mode: str, directory: Path | None) -> None:
    """Generate or check the published JSON Schemas."""
    from mlbank.commands.schema import run_schema

    code, output = _guard(lambda: run_schema(mode, directory))
    if output:
        click.echo(output)
    sys.exit(code)


# --- fmt ------------------------------------------------------------------------------------------


@cli.command("fmt")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if any file would change.")
@click.option("--diff", is_flag=True, help="Print a unified diff instead of writing; exit 1 if any.")
@click.option("--no-cache", is_flag=True, help="Format every file from scratch; do not remember the result.")
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Processes for many files (default: one per core, fewer for a small bank; 1: no workers).",
)
def fmt_command(paths: tuple[Path, ...], check: bool, diff: bool, no_cache: bool, jobs: int | None) -> None:
    """Rewrite bank files in canonical form: key order, quoting, literal blocks; comments kept.

    PATHS are files, bank directories or folders inside a bank; with no PATHS, every file of the
    default bank. A file that does not load safely, or that could not be rewritten without changing
    its data, is reported and left alone.
    """
    from mlbank.commands.fmt import FmtOptions, run_fmt

    options = FmtOptions(check=check, diff=diff, cache=not no_cache, jobs=jobs)
    code, output = _guard(lambda: run_fmt(list(paths), options))
    if output:
        click.echo(output)
    sys.exit(code)


# --- new ------------------------------------------------------------------------------------------


@cli.command("new")
@click.argument("title")
@click.option("--section", required=True, help="Section id from bank.yaml; it fixes the id prefix.")
@click.option(
    "--topic", "topics", multiple=True, required=True, help="Topic id from topics.yaml (repeatable)."
)
@click.option("--company", "companies", multiple=True, help="Company id from bank.yaml (repeatable).")
@click.option("--bank", type=click.Path(path_type=Path), default=None, help="Bank directory.")
@click.option(
    "--markdown",
    is_flag=True,
    help="Write a Markdown draft, <id>-<slug>.md in the current folder, to fill in and `mlbank import`.",
)
def new_command(
    title: str,
    section: str,
    topics: tuple[str, ...],
    companies: tuple[str, ...],
    bank: Path | None,
    markdown: bool,
) -> None:
    """Create questions/<section>/<id>-<slug>.yaml with the next free id and TODO placeholders.

    Prints the new file's path. Lint fails on the file (MB502) until every TODO is written. With
    --markdown, the same question as a Markdown draft in the current folder instead: write the text
    under its headings, then `mlbank import` it.
    """
    from mlbank.commands.new import NewQuestion, run_new

    request = NewQuestion(
        title, section, tuple(dict.fromkeys(topics)), tuple(dict.fromkeys(companies)), bank, markdown
    )
    code, output = _guard(lambda: run_new(request))
    click.echo(output, err=code != exit_codes.OK)
    sys.exit(code)


# --- init -----------------------------------------------------------------------------------------


@cli.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path))
def init_command(directory: Path | None) -> None:
    """Start a bank of your own in DIRECTORY (default: the current folder).

    Writes bank.yaml and topics.yaml with comments, one example question that passes lint, the JSON
    Schemas the files' first lines name, a .pre-commit-config.yaml (fill in its repository), a review
    checklist (docs/REVIEWING.md) and [tool.mlbank] in pyproject.toml, or an mlbank.toml. Never
    overwrites a file: if one exists, nothing is written (exit 1); an existing pre-commit
    configuration or review checklist is left as it is.
    """
    from mlbank.commands.init import run_init

    code, output = _guard(lambda: run_init(directory))
    click.echo(output, err=code != exit_codes.OK)
    sys.exit(code)


# --- review ---------------------------------------------------------------------------------------


@cli.command("review")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--by", help="Who reviewed: a handle, or the name of a review pass.")
@click.option("--note", help="What the review found or changed (kept in the stamp).")
@click.option(
    "--on",
    "day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="The day of the review, YYYY-MM-DD (default: today).",
)
@click.option("--status", is_flag=True, help="List unreviewed, stale and expired questions; exit 1 if any.")
def review_command(
    paths: tuple[Path, ...], by: str | None, note: str | None, day: datetime | None, status: bool
) -> None:
    """Record that PATHS (question files or folders) were reviewed, or list what needs review.

    A stamp holds digests of the reviewed fields, so lint (MB600-MB603) knows when a later edit
    makes it stale. A file with lint errors is not stamped. See docs/REVIEWING.md for the checklist.
    """
    from mlbank.commands.review import ReviewRequest, run_review

    request = ReviewRequest(paths, by, note, day.date() if day is not None else None, status)
    code, output = _guard(lambda: run_review(request))
    click.echo(output)
    sys.exit(code)


# --- stats ----------------------------------------------------------------------------------------


@cli.command()
@click.argument("bank", required=False, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats(bank: Path | None, fmt: str) -> None:
    """Coverage: questions per section and topic, per company and level, practice time, gaps."""
    from mlbank.commands.stats import run_stats

    code, output = _guard(lambda: run_stats(bank, fmt))
    click.echo(output)
    sys.exit(code)


# --- export ---------------------------------------------------------------------------------------


@cli.command()
@click.argument("bank", required=False, type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    required=True,
    type=click.Choice(["json", "csv", "markdown", "anki", "html"]),
    help="Output format; html writes a static site (a folder).",
)
@click.option(
    "--out", help="Output file (html: a folder, replaced whole); - writes json, csv and markdown to stdout."
)
@click.option(
    "--only",
    multiple=True,
    metavar="KEY=VALUE",
    help="Export only matching questions: section=ID, topic=ID or company=ID (repeatable).",
)
@click.option("--anki-headers", is_flag=True, help="csv: add Anki's import header lines; cells become HTML.")
@click.option(
    "--split",
    type=click.Path(path_type=Path),
    help="markdown: write one page per section and topic into this folder (--out optional).",
)
def export(
    bank: Path | None,
    fmt: str,
    out: str | None,
    only: tuple[str, ...],
    anki_headers: bool,
    split: Path | None,
) -> None:
    """Export the bank as JSON, CSV, Markdown, an Anki package, or a static HTML site.

    The bank must pass lint (no errors), or nothing is written. Output is identical on every run of an
    unchanged bank, and replaces the previous file only once complete. With no BANK, the bank
    configured in pyproject.toml ([tool.mlbank] bank = ...) or ./bank is exported.
    """
    from mlbank.commands.export import ExportRequest, run_export

    request = ExportRequest(fmt=fmt, out=out, bank=bank, only=only, anki_headers=anki_headers, split=split)
    code, output = _guard(lambda: run_export(request))
    if output:
        click.echo(output, nl=not output.endswith("\n"))
    sys.exit(code)


# --- preview --------------------------------------------------------------------------------------


@cli.command("preview")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help=(
        "Write the pages into this folder (new, empty, or an earlier preview's; never an exported "
        "site). Default: TMP/mlbank-preview-USER/NAME-HASH, one folder per previewed path, which the "
        "next preview of that path replaces."
    ),
)
@click.option("--no-open", is_flag=True, help="Do not open a browser; print the path of the page.")
def preview_command(path: Path, out: Path | None, no_open: bool) -> None:
    """Show a question file, or a section folder, as the HTML site will, in the browser.

    Each page starts with the lint findings of its file; a file with lint errors is shown as far
    as it can be. Exit 0 when the page is written.
    """
    from mlbank.commands.preview import PreviewRequest, run_preview

    code, output = _guard(lambda: run_preview(PreviewRequest(path, out, open_browser=not no_open)))
    click.echo(output)
    sys.exit(code)


# --- cache ----------------------------------------------------------------------------------------


@cli.group()
def cache() -> None:
    """Manage the lint cache (.mlbank_cache/)."""


@cache.command("clean")
def cache_clean() -> None:
    """Delete the cache."""
    from mlbank.cache import cache_dir_for, clean
    from mlbank.config import find_config

    directory = _guard(lambda: cache_dir_for(find_config(Path.cwd()).root))
    click.echo(f"removed {directory}" if clean(directory) else f"no cache at {directory}")


# --- lsp ------------------------------------------------------------------------------------------


@cli.command("lsp")
def lsp_command() -> None:
    """Serve the Language Server Protocol over stdin/stdout, for editors: diagnostics as you type,
    formatting, workspace symbols. Banks are found under the editor's workspace folders."""
    from mlbank.lsp.server import run

    run()


# --- helpers --------------------------------------------------------------------------------------


def _guard(action: Callable[[], T]) -> T:
    """Run a command body; a UsageError becomes exit 2 with a one-line message, never a traceback."""
    try:
        return action()
    except exit_codes.UsageError as exc:
        raise UsageProblem(str(exc)) from None
