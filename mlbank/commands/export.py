"""`mlbank export`: lint the bank, select its questions, render one format, write it atomically.

A bank with lint errors is never exported: apps would ship the broken question. Nothing is written
until the whole export has rendered, and every file is replaced by one rename (mlbank/atomic.py), so a
failed export leaves the previous output as it was. A folder format (the HTML site) is written whole
into a new folder beside its target, which then takes the old one's place by two renames; mlbank only
ever replaces a folder it wrote itself (one holding the site's or a preview's marker file), or an
empty one, and never the folder the command runs in or one that holds it.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from mlbank import exit_codes, reporters
from mlbank.atomic import write_chunks, write_text
from mlbank.commands import CommandResult
from mlbank.commands.lint import LintOptions, lint_session, open_session
from mlbank.config import find_config
from mlbank.engine.session import Session
from mlbank.exit_codes import UsageError
from mlbank.exporters import EXPORTERS, FOLDER_EXPORTERS, ExportOptions, markdown
from mlbank.exporters.json_export import ClaimFailure
from mlbank.exporters.site import MARKER, PREVIEW_MARKER, UnsafeId
from mlbank.exporters.view import BankView, FilterError, Filters, build_view
from mlbank.finding import Finding, Severity
from mlbank.paths import real_path
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


def run_export(request: ExportRequest) -> CommandResult:
    _check_usage(request)
    try:
        filters = Filters.parse(request.only)
    except FilterError as exc:
        raise UsageError(str(exc)) from None
    config = find_config(Path.cwd())
    root = bank_root(request.bank, config)
    # The lint caches answer when nothing changed; a lint's own session is dropped here (its
    # per-file results are not needed again), and a new one reads the documents for the export.
    refusal = _lint_errors(lint_session(root, config, LintOptions()).findings)
    if refusal:
        return CommandResult(exit_codes.FINDINGS, refusal)
    session = open_session(root, config, LintOptions())
    # The claims the lint checked are in the claims cache: the exporters read their verdicts there.
    return _export(request, session, filters, config.review_max_age)


def _check_usage(request: ExportRequest) -> None:
    if request.split is not None and request.fmt != "markdown":
        raise UsageError("--split works with --format markdown only")
    if request.anki_headers and request.fmt != "csv":
        raise UsageError("--anki-headers works with --format csv only")
    if request.out == "":  # Path("") is ".": the messages below would name a path nobody gave
        what = (
            "a folder for the pages" if request.fmt in FOLDER_EXPORTERS else "a file path (or - for stdout)"
        )
        raise UsageError(f"--out '' is empty: give {what}")
    if request.fmt in FOLDER_EXPORTERS:
        _check_folder_out(request.fmt, request.out)
        return
    exporter = EXPORTERS[request.fmt]
    if request.out is None and request.split is None:
        raise UsageError("give --out PATH (or --out - for stdout)")
    if request.out == STDOUT and not exporter.text:
        raise UsageError(f"--format {request.fmt} writes a binary file: give --out PATH, not -")
    if request.out not in (None, STDOUT) and not Path(request.out).parent.is_dir():
        raise UsageError(f"--out {request.out}: folder {Path(request.out).parent} does not exist")
    if request.out not in (None, STDOUT) and Path(request.out).is_dir():
        raise UsageError(f"--out {request.out} is a folder: name the file to write")


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
    request: ExportRequest, session: Session, filters: Filters, review_max_age: int | None
) -> CommandResult:
    # The question documents are read one at a time and only their models kept (build_view): the
    # bank's full documents at 10,000 questions would be over 300 MB.
    try:
        view = build_view(
            session.bank(questions=False), filters, review_max_age, questions=session.questions()
        )
    except FilterError as exc:
        raise UsageError(str(exc)) from None
    options = ExportOptions(anki_headers=request.anki_headers, claims_cache=session.claims_cache)
    if request.fmt in FOLDER_EXPORTERS:
        return _export_folder(request, view, options)
    try:
        data = EXPORTERS[request.fmt].render(view, options) if request.out is not None else ()
        pages = markdown.render_pages(view) if request.split is not None else {}
    except ClaimFailure as exc:
        return CommandResult(exit_codes.FINDINGS, f"{exc}\nNot exported: a worked number does not hold.")
    return _write(request, data, pages, len(view.entries))


def _write(request: ExportRequest, data: Iterable[bytes], pages: dict[str, str], count: int) -> CommandResult:
    """Write everything rendered, the one file as its pieces come; stdout output is returned for
    cli_commands.py to print."""
    done: list[str] = []
    try:
        if request.split is not None:
            for name, text in pages.items():
                target = request.split / name
                target.parent.mkdir(parents=True, exist_ok=True)
                write_text(target, text)
            done.append(f"wrote {len(pages)} pages to {request.split}")
        if request.out == STDOUT:
            return CommandResult(exit_codes.OK, b"".join(data).decode("utf-8"))
        if request.out is not None:
            write_chunks(Path(request.out), data)
            done.append(f"wrote {count} question{'' if count == 1 else 's'} to {request.out}")
    except OSError as exc:
        return CommandResult(
            exit_codes.USAGE,
            f"mlbank export: cannot write {exc.filename or request.out}: {exc.strerror or exc}",
        )
    return CommandResult(exit_codes.OK, "\n".join(done))


# --- folder formats (the HTML site) ---------------------------------------------------------------

# The markers a folder export writes (mlbank/exporters/site.py), and what each says about the folder.
_WRITTEN_BY = {MARKER: "an exported site", PREVIEW_MARKER: "a preview"}


class UnsafeName(ValueError):
    """A file name a folder export was asked to write that could land outside the folder."""


class FolderNotWritten(Exception):
    """Writing a folder failed; the message says why, and where the folder that was there is now."""


def _check_folder_out(fmt: str, out: str | None) -> None:
    if out is None:
        raise UsageError(f"give --out DIR: --format {fmt} writes a folder")
    if out == STDOUT:
        raise UsageError(f"--format {fmt} writes a folder: give --out DIR, not -")
    folder_target(Path(out))


def folder_target(out: Path, replaces: Collection[str] = (MARKER, PREVIEW_MARKER)) -> Path:
    """The absolute folder `--out out` names (`.` and `..` resolved), which a folder export replaces
    whole; UsageError (saying why) unless it is new, empty, or holds one of the markers `replaces`."""
    if out.is_symlink():
        raise UsageError(f"--out {out} is a symbolic link: give the folder itself")
    target = real_path(out)
    if target.parent == target:
        raise UsageError(f"--out {out} is the root folder: give a folder for the pages")
    here = real_path(Path.cwd())
    if target == here or target in here.parents:  # the swap would leave the shell in a removed folder
        raise UsageError(
            f"--out {out} is the current folder or holds it ({target}): the whole folder would be "
            "replaced, leaving this shell in a folder that no longer exists; run the command from outside it"
        )
    if not target.parent.is_dir():
        raise UsageError(f"--out {out}: folder {target.parent} does not exist")
    if target.exists() and not target.is_dir():
        raise UsageError(f"--out {out} is a file: give a folder for the pages")
    if (target / ".git").exists():  # a git checkout or worktree: replacing the folder would drop it
        raise UsageError(
            f"--out {out} holds .git, and the whole folder is replaced: write the pages to a folder of "
            "their own and copy them into the checkout"
        )
    if target.is_dir() and any(target.iterdir()):
        _check_marker(out, target, replaces)
    return target


def _check_marker(out: Path, target: Path, replaces: Collection[str]) -> None:
    if any((target / marker).is_file() for marker in replaces):
        return
    for marker, writer in _WRITTEN_BY.items():
        if (target / marker).is_file():
            raise UsageError(
                f"--out {out} holds {writer} (its {marker} file says so), which this command never "
                "replaces: give another folder"
            )
    raise UsageError(
        f"--out {out} is a folder that is not empty and has no {' or '.join(replaces)} file, so mlbank "
        "did not write it; the whole folder is replaced: give a new or empty folder (or remove this one)"
    )


def _export_folder(request: ExportRequest, view: BankView, options: ExportOptions) -> CommandResult:
    assert request.out is not None  # _check_usage made sure
    try:
        files = FOLDER_EXPORTERS[request.fmt].render(view, options)
    except ClaimFailure as exc:
        return CommandResult(exit_codes.FINDINGS, f"{exc}\nNot exported: a worked number does not hold.")
    except UnsafeId as exc:
        return CommandResult(exit_codes.FINDINGS, f"{exc}\nNot exported: nothing was written.")
    out = Path(request.out)
    held_preview = (real_path(out) / PREVIEW_MARKER).is_file()
    try:
        write_folder(out, files)
    except UnsafeName as exc:  # a bug in an exporter, caught before anything is written
        return CommandResult(exit_codes.FINDINGS, f"mlbank export: {exc}")
    except FolderNotWritten as exc:
        return CommandResult(exit_codes.USAGE, f"mlbank export: {exc}")
    count = len(view.entries)
    done = f"wrote {count} question{'' if count == 1 else 's'} ({len(files)} files) to {out}"
    return CommandResult(
        exit_codes.OK, done + ("; it replaced the preview that was there" if held_preview else "")
    )


def write_folder(
    out: Path, files: Mapping[str, bytes], replaces: Collection[str] = (MARKER, PREVIEW_MARKER)
) -> Path:
    """Write `files` (relative POSIX path -> bytes) as the folder `out`, all or nothing; return the
    absolute folder written.

    Everything goes into a new folder beside it first; only when that is complete does it take the
    folder's place, by two renames (the old folder is put back if the second fails). Raises
    UsageError when `out` is a folder this command must not replace (see folder_target), UnsafeName
    before writing anything when a name could leave the folder, and FolderNotWritten, whose message
    says truly where the old folder is, when writing fails.
    """
    target = folder_target(out, replaces)
    parts = {name: _name_parts(name) for name in files}
    existed = target.exists()
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".new", dir=target.parent))
    except OSError as exc:
        raise FolderNotWritten(_not_written(exc, target, existed)) from exc
    try:
        for name, data in files.items():
            path = staging.joinpath(*parts[name])
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        staging.chmod(0o755)  # mkdtemp's folder is private; pages are for reading
        _swap_in(staging, target)
    except FolderNotWritten:
        raise  # both folders are kept, and the message says where
    except OSError as exc:
        raise FolderNotWritten(_not_written(exc, target, existed) + _discard(staging)) from exc
    except BaseException:
        _discard(staging)
        raise
    return target


def _name_parts(name: str) -> list[str]:
    """A file's path in the folder, by parts; UnsafeName for anything that could land outside it."""
    parts = name.split("/")
    if "\\" in name or "\0" in name or any(part in ("", ".", "..") for part in parts):
        raise UnsafeName(
            f"{name!r} cannot be a file of the folder: only relative paths of plain names are written "
            "(no '..', '.', empty parts, leading '/', backslashes or NUL); nothing was written"
        )
    return parts


def _swap_in(new: Path, out: Path) -> None:
    """`new` takes the place of `out` (absolute paths in one folder)."""
    if not out.exists():
        os.rename(new, out)
        return
    old = out.with_name(f".{out.name}.{secrets.token_hex(4)}.old")
    os.rename(out, old)
    try:
        os.rename(new, out)
    except OSError as exc:
        try:
            os.rename(old, out)
        except OSError as back:
            raise FolderNotWritten(
                f"cannot write {_reason(exc, out)}, and cannot put the old site back: "
                f"{_reason(back, out)}. {out} is missing now: the old site is at {old} and the new one "
                f"at {new}; move either of them to {out}"
            ) from exc
        raise
    shutil.rmtree(old, ignore_errors=True)


def _reason(exc: OSError, fallback: Path) -> str:
    return f"{exc.filename or fallback}: {exc.strerror or exc}"


def _not_written(exc: OSError, target: Path, existed: bool) -> str:
    state = f"{target} is left as it was" if existed else f"{target} was not created"
    return f"cannot write {_reason(exc, target)}; {state}"


def _discard(staging: Path) -> str:
    """Remove an unfinished folder; what to tell the user when that fails too."""
    shutil.rmtree(staging, ignore_errors=True)
    return f" (the unfinished copy {staging} could not be removed: remove it)" if staging.exists() else ""
