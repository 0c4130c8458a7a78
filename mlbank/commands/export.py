"""`mlbank export`: lint the bank, select its questions, render one format, write it atomically.

A bank with lint errors is never exported: apps would ship the broken question. Nothing is written
until the whole export has rendered, and every file is replaced by one rename (mlbank/atomic.py), so a
failed export leaves the previous output as it was. A folder format (the HTML site) is written whole
into a new folder beside its target, which then takes the old one's place by two renames; mlbank only
ever replaces a folder it wrote itself (one holding the site's marker file), or an empty one.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from mlbank import reporters
from mlbank.atomic import write_bytes, write_text
from mlbank.bank import Bank
from mlbank.commands.lint import LintOptions, lint_session, open_session
from mlbank.config import ConfigError, find_config
from mlbank.exporters import EXPORTERS, FOLDER_EXPORTERS, ExportOptions, markdown
from mlbank.exporters.json_export import ClaimFailure
from mlbank.exporters.site import MARKER, UnsafeId
from mlbank.exporters.view import BankView, FilterError, Filters, build_view
from mlbank.finding import Finding, Severity
from mlbank.workspace import bank_root

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
    run = lint_session(root, config, LintOptions())  # the lint caches answer when nothing changed
    refusal = _lint_errors(run.findings)
    if refusal:
        return 1, refusal
    session = run.session or open_session(root, config, LintOptions())
    # The claims the lint checked are in the claims cache: the exporters read their verdicts there.
    return _export(request, session.bank(), filters, session.claims_cache, config.review_max_age)


def _check_usage(request: ExportRequest) -> None:
    if request.split is not None and request.fmt != "markdown":
        raise ConfigError("--split works with --format markdown only")
    if request.anki_headers and request.fmt != "csv":
        raise ConfigError("--anki-headers works with --format csv only")
    if request.fmt in FOLDER_EXPORTERS:
        _check_folder_out(request.fmt, request.out)
        return
    exporter = EXPORTERS[request.fmt]
    if request.out is None and request.split is None:
        raise ConfigError("give --out PATH (or --out - for stdout)")
    if request.out == STDOUT and not exporter.text:
        raise ConfigError(f"--format {request.fmt} writes a binary file: give --out PATH, not -")
    if request.out not in (None, STDOUT) and not Path(request.out).parent.is_dir():
        raise ConfigError(f"--out {request.out}: folder {Path(request.out).parent} does not exist")
    if request.out not in (None, STDOUT) and Path(request.out).is_dir():
        raise ConfigError(f"--out {request.out} is a folder: name the file to write")


def _lint_errors(findings: list[Finding]) -> str:
    """The refusal text when the bank has lint errors, else ''."""
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if not errors:
        return ""
    lines = [reporters.line(f) for f in errors]
    noun = "error" if len(errors) == 1 else "errors"
    lines.append(
        f"Not exported: the bank has {len(errors)} lint {noun}; fix them (`mlbank lint`) and export again."
    )
    return "\n".join(lines)


def _export(
    request: ExportRequest, bank: Bank, filters: Filters, cache: Path | None, review_max_age: int | None
) -> tuple[int, str]:
    try:
        view = build_view(bank, filters, review_max_age)
    except FilterError as exc:
        raise ConfigError(str(exc)) from None
    options = ExportOptions(anki_headers=request.anki_headers, claims_cache=cache)
    if request.fmt in FOLDER_EXPORTERS:
        return _export_folder(request, view, options)
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


# --- folder formats (the HTML site) ---------------------------------------------------------------


def _check_folder_out(fmt: str, out: str | None) -> None:
    if out is None:
        raise ConfigError(f"give --out DIR: --format {fmt} writes a folder")
    if out == STDOUT:
        raise ConfigError(f"--format {fmt} writes a folder: give --out DIR, not -")
    problem = folder_problem(Path(out))
    if problem:
        raise ConfigError(problem)


def folder_problem(out: Path) -> str:
    """Why `out` cannot take a new site ('' when it can): mlbank replaces the whole folder, so it
    must be new, empty, or one mlbank wrote (holding the marker file)."""
    if not out.parent.is_dir():
        return f"--out {out}: folder {out.parent} does not exist"
    if out.is_symlink():
        return f"--out {out} is a symbolic link: give the folder itself"
    if out.exists() and not out.is_dir():
        return f"--out {out} is a file: give a folder for the site"
    if (out / ".git").exists():  # a git checkout or worktree: replacing the folder would drop it
        return (
            f"--out {out} holds .git, and an export replaces the whole folder: write the site to a "
            "folder of its own and copy it into the checkout"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file():
        return (
            f"--out {out} is a folder that is not empty and has no {MARKER} file, so mlbank did not "
            "write it; an export replaces the whole folder: give a new or empty folder (or remove this one)"
        )
    return ""


def _export_folder(request: ExportRequest, view: BankView, options: ExportOptions) -> tuple[int, str]:
    assert request.out is not None  # _check_usage made sure
    try:
        files = FOLDER_EXPORTERS[request.fmt].render(view, options)
    except (ClaimFailure, UnsafeId) as exc:
        return 1, f"{exc}\nNot exported: the site would publish it."
    out = Path(request.out)
    try:
        write_folder(out, files)
    except OSError as exc:
        reason = f"{exc.filename or out}: {exc.strerror or exc}"
        return 2, f"mlbank export: cannot write {reason}; the old site is left as it was"
    count = len(view.entries)
    return 0, f"wrote {count} question{'' if count == 1 else 's'} ({len(files)} files) to {out}"


def write_folder(out: Path, files: Mapping[str, bytes]) -> None:
    """Write `files` (relative POSIX path -> bytes) as the folder `out`, all or nothing.

    Everything goes into a new folder beside `out` first; only when it is complete does it take
    `out`'s place, by two renames (the old folder is put back if the second fails). Any failure
    leaves `out` as it was and removes the new folder. Raises ConfigError if `out` is a folder mlbank
    must not replace.
    """
    problem = folder_problem(out)
    if problem:
        raise ConfigError(problem)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".new", dir=out.parent))
    try:
        for name, data in files.items():
            target = staging.joinpath(*name.split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        staging.chmod(0o755)  # mkdtemp's folder is private; a site is for reading
        _swap_in(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _swap_in(new: Path, out: Path) -> None:
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.{secrets.token_hex(4)}.old")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except BaseException:
        os.rename(old, out)
        raise
    shutil.rmtree(old, ignore_errors=True)
