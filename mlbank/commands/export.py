"""`mlbank export`: lint the bank, select its questions, render one format, write it atomically.

A bank with lint errors is never exported: apps would ship the broken question. Nothing is written
until the whole export has rendered, and every file is replaced by one rename (mlbank/atomic.py), so a
failed export leaves the previous output as it was.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from mlbank.atomic import write_bytes, write_text
from mlbank.bank import Bank, load_bank
from mlbank.commands.lint import LintOptions, bank_root, selection_from
from mlbank.config import Config, ConfigError, find_config
from mlbank.exporters import EXPORTERS, ExportOptions, markdown
from mlbank.exporters.json_export import ClaimFailure
from mlbank.exporters.view import FilterError, Filters, build_view
from mlbank.finding import Severity
from mlbank.lint import lint_bank

STDOUT = "-"


@dataclass(frozen=True)
class ExportRequest:
    fmt: str
    out: str | None  # a path, "-" for stdout, or None with --split
    bank: Path | None = None
    only: tuple[str, ...] = ()
    anki_headers: bool = False
    split: Path | None = None


def run_export(request: ExportRequest) -> tuple[int, str]:
    _check_usage(request)
    try:
        filters = Filters.parse(request.only)
    except FilterError as exc:
        raise ConfigError(str(exc)) from None
    config = find_config(Path.cwd())
    root = bank_root(request.bank, config)
    with tempfile.TemporaryDirectory(prefix="mlbank-claims-") as cache:
        bank = load_bank(root)
        refusal = _lint_errors(bank, config, Path(cache))
        if refusal:
            return 1, refusal
        return _export(request, bank, filters, Path(cache), config.review_max_age)


def _check_usage(request: ExportRequest) -> None:
    exporter = EXPORTERS[request.fmt]
    if request.out is None and request.split is None:
        raise ConfigError("give --out PATH (or --out - for stdout)")
    if request.out == STDOUT and not exporter.text:
        raise ConfigError(f"--format {request.fmt} writes a binary file: give --out PATH, not -")
    if request.split is not None and request.fmt != "markdown":
        raise ConfigError("--split works with --format markdown only")
    if request.anki_headers and request.fmt != "csv":
        raise ConfigError("--anki-headers works with --format csv only")
    if request.out not in (None, STDOUT) and not Path(request.out).parent.is_dir():
        raise ConfigError(f"--out {request.out}: folder {Path(request.out).parent} does not exist")
    if request.out not in (None, STDOUT) and Path(request.out).is_dir():
        raise ConfigError(f"--out {request.out} is a folder: name the file to write")


def _lint_errors(bank: Bank, config: Config, cache: Path) -> str:
    """The refusal text when the bank has lint errors, else ''."""
    findings = lint_bank(bank, selection_from(config, LintOptions()), cache_dir=cache)
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return ""
    lines = [f"{f.path}:{f.line}:{f.column}: {f.code} [{f.name}] {f.message}" for f in errors]
    noun = "error" if len(errors) == 1 else "errors"
    lines.append(
        f"Not exported: the bank has {len(errors)} lint {noun}; fix them (`mlbank lint`) and export again."
    )
    return "\n".join(lines)


def _export(
    request: ExportRequest, bank: Bank, filters: Filters, cache: Path, review_max_age: int | None
) -> tuple[int, str]:
    try:
        view = build_view(bank, filters, review_max_age)
    except FilterError as exc:
        raise ConfigError(str(exc)) from None
    options = ExportOptions(anki_headers=request.anki_headers, claims_cache=cache)
    try:
        data = EXPORTERS[request.fmt].render(view, options) if request.out is not None else b""
        pages = markdown.render_pages(view) if request.split is not None else {}
    except ClaimFailure as exc:
        return 1, f"{exc}\nNot exported: a worked number does not hold."
    return _write(request, data, pages, len(view.entries))


def _write(request: ExportRequest, data: bytes, pages: dict[str, str], count: int) -> tuple[int, str]:
    """Write everything rendered; stdout output is returned for cli_commands.py to print."""
    done: list[str] = []
    try:
        if request.split is not None:
            for name, text in pages.items():
                target = request.split / name
                target.parent.mkdir(parents=True, exist_ok=True)
                write_text(target, text)
            done.append(f"wrote {len(pages)} pages to {request.split}")
        if request.out == STDOUT:
            return 0, data.decode("utf-8")
        if request.out is not None:
            write_bytes(Path(request.out), data)
            done.append(f"wrote {count} question{'' if count == 1 else 's'} to {request.out}")
    except OSError as exc:
        return 2, f"mlbank export: cannot write {exc.filename or request.out}: {exc.strerror or exc}"
    return 0, "\n".join(done)
