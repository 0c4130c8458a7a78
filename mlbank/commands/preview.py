"""`mlbank preview PATH`: one question file, or a section folder, as the site will show it, with its
lint findings at the top of each page: what an author looks at before committing.

The pages are the site's own (mlbank/exporters/site.py), written as a small site of their own: the
question pages, an index that lists them, and the stylesheet; topics are named, not linked (so topic
ids name no file and are not checked). The folder carries a preview's marker, not a site's: a preview
never replaces an exported site. Without --out the pages go to one folder per user in the temporary
folder, `mlbank-preview-<user>/<name>-<hash of the path>`, which the next preview of the same path
replaces, so previews do not pile up. The findings are those `mlbank lint PATH` reports. A file with lint errors is still shown: a question
that does not validate is rebuilt field by field from its raw data, keeping every field that has the
right shape, so one wrong field does not hide the rest. Worked numbers show their computed values
where they hold.
"""

from __future__ import annotations

import getpass
import hashlib
import os
import re
import stat
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from mlbank import exit_codes
from mlbank.bank import Bank, find_bank, load_bank, load_questions, real_path
from mlbank.commands import CommandResult
from mlbank.commands.export import FolderNotWritten, UnsafeName, write_folder
from mlbank.commands.lint import LintOptions, lint_target
from mlbank.config import Config, find_config
from mlbank.exit_codes import UsageError
from mlbank.exporters import json_export
from mlbank.exporters.json_export import ClaimFailure
from mlbank.exporters.site import (
    INDEX,
    PREVIEW_MARKER,
    ClaimValues,
    Site,
    UnsafeId,
    build,
    is_safe_id,
    question_page,
)
from mlbank.exporters.view import BankView, Entry, claim_specs, natural_key
from mlbank.finding import Finding
from mlbank.model import BankMeta, Claim, CompanyNote, Practice, Question, Rubric, Topic, TopicsFile
from mlbank.paths import BANK_FILE, QUESTIONS_DIR, question_files
from mlbank.review import review_state

Model = TypeVar("Model", bound=BaseModel)


@dataclass(frozen=True)
class PreviewRequest:
    path: Path
    out: Path | None = None  # None: the path's own folder among the user's previews (preview_folder)
    open_browser: bool = True


def run_preview(request: PreviewRequest) -> CommandResult:
    root, files = _targets(request.path)
    site = _site(root, files, find_config(Path.cwd()))
    try:
        pages = build(site)
    except UnsafeId as exc:  # only a section id that bank.yaml's schema did not check could get here
        return CommandResult(exit_codes.FINDINGS, f"{exc}\nNo preview written.")
    try:
        out = write_folder(request.out or preview_folder(request.path), pages, replaces=(PREVIEW_MARKER,))
    except UnsafeName as exc:  # a bug in the site's renderer, caught before anything is written
        return CommandResult(exit_codes.FINDINGS, f"mlbank preview: {exc}")
    except FolderNotWritten as exc:
        return CommandResult(exit_codes.USAGE, f"mlbank preview: {exc}")
    first = site.view.entries[0].question.id
    page = out / (question_page(first) if request.path.is_file() else INDEX)
    return CommandResult(exit_codes.OK, _show(page, request.open_browser))


def preview_folder(path: Path) -> Path:
    """Where the preview of `path` goes without --out: its own folder in the user's folder of
    previews; the next preview of the same path replaces it."""
    home = Path(tempfile.gettempdir()) / f"mlbank-preview-{_user()}"
    try:
        home.mkdir(mode=0o700)
    except FileExistsError:
        pass
    except OSError as exc:
        raise UsageError(f"cannot make {home}: {exc.strerror or exc}; give --out DIR") from None
    # The temporary folder is shared: a folder planted there by someone else could show (or change)
    # the pages, so only a real folder of this user's that no one else may write to is used.
    info = home.lstat()
    theirs = hasattr(os, "getuid") and info.st_uid != os.getuid()
    if not stat.S_ISDIR(info.st_mode) or theirs or info.st_mode & 0o022:
        raise UsageError(
            f"{home} is not a private folder of yours (a symbolic link, another user's, or writable by "
            "others), so previews do not go there: remove it, or give --out DIR"
        )
    target = real_path(path)
    name = re.sub(r"[^A-Za-z0-9._-]+", "-", target.stem)[:60].strip(".-") or "preview"
    digest = hashlib.sha256(str(target).encode("utf-8", "surrogateescape")).hexdigest()[:10]
    return home / f"{name}-{digest}"


def _user() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    # Windows: no uid, but there the temporary folder is the user's own anyway.
    return re.sub(r"[^A-Za-z0-9._-]+", "-", getpass.getuser())


def _site(root: Path, files: list[Path], config: Config) -> Site:
    """The files as pages of their bank's site, each page with its file's findings (the index: all)."""
    findings = _findings(root, config, files)
    bank = load_bank(root)
    entries = _entries(bank, files, config)
    everything = tuple(d.model for d in bank.questions if isinstance(d.model, Question))
    view = BankView(root, _meta(bank), _topics(bank), entries, everything)
    by_page = {question_page(e.question.id): findings.get(real_path(e.doc.path), []) for e in entries}
    by_page[INDEX] = sorted(f for found in findings.values() for f in found)
    return Site(view, _values(entries, config), topic_pages=False, findings=by_page)


def _targets(path: Path) -> tuple[Path, list[Path]]:
    """The bank and the question files to show."""
    if not path.exists():
        raise UsageError(f"{path}: no such file or folder")
    root = find_bank(path)
    if root is None:
        raise UsageError(f"{path}: not inside a bank (no {BANK_FILE} in it or any folder above)")
    # Only the bank's own question files: lint reports on them, and the pages name them.
    target = real_path(path)
    files = [p for p in question_files(root) if target == real_path(p) or target in real_path(p).parents]
    if not files:
        raise UsageError(
            f"{path}: preview shows a question file or a section folder of the bank "
            f"(under {root / QUESTIONS_DIR}), and this is neither"
        )
    return root, files


def _findings(root: Path, config: Config, files: list[Path]) -> dict[Path, list[Finding]]:
    """What `mlbank lint FILES` reports (from the lint cache when nothing changed), per file."""
    wanted = {real_path(p) for p in files}
    found: dict[Path, list[Finding]] = {}
    for finding in lint_target(root, config, LintOptions()):
        path = real_path(Path(finding.path))
        if path in wanted:
            found.setdefault(path, []).append(finding)
    return found


def _entries(bank: Bank, files: list[Path], config: Config) -> tuple[Entry, ...]:
    """The files as the site's entries, in bank order; each gets a page name of its own."""
    loaded = {real_path(d.path): d for d in bank.questions}
    docs = [loaded.get(real_path(p)) or load_questions([p])[0] for p in files]
    entries: list[Entry] = []
    taken: set[str] = set()
    for number, doc in enumerate(docs, 1):
        question = doc.model if isinstance(doc.model, Question) else salvage(doc.data, doc.path.name)
        if question.id in taken or not is_safe_id(question.id):  # a duplicate or unsafe id: name it by place
            question = question.model_copy(update={"id": f"file-{number}"})
        taken.add(question.id)
        state = review_state(doc.data if isinstance(doc.data, dict) else {})
        current = state.verdict(date.today(), config.review_max_age) == "current"
        claims = claim_specs(doc, question) if isinstance(doc.model, Question) else ()  # salvaged: none
        entries.append(Entry(doc, question, state.stamp, current, claims))
    order = {s.id: i for i, s in enumerate(_meta(bank).sections)}
    return tuple(
        sorted(entries, key=lambda e: (order.get(e.question.section, -1), natural_key(e.question.id)))
    )


def salvage(data: Any, name: str) -> Question:
    """What can be shown of question data that does not validate: each field that has the right
    shape, blanks for the rest (the findings at the top say what is wrong)."""
    fields = _mapping(data)
    rubric = _mapping(fields.get("rubric"))

    def text(key: str, within: dict[str, Any] = fields) -> str:
        value = within.get(key)
        return value if isinstance(value, str) else ""

    minutes = fields.get("time_minutes")
    usable = isinstance(minutes, (int, float)) and not isinstance(minutes, bool) and 0 < minutes <= 120
    return Question.model_construct(
        id=text("id"),
        section=text("section"),
        label=text("label") or None,
        title=text("title") or name,
        level=text("level") or None,
        time_minutes=float(minutes) if usable and minutes is not None else None,
        topics=_strings(fields.get("topics")),
        see=_strings(fields.get("see")),
        companies=_valid(CompanyNote, fields.get("companies")),
        prompt=text("prompt"),
        answer=text("answer"),
        rubric=Rubric.model_construct(
            strong_hire=text("strong_hire", rubric),
            lean_hire=text("lean_hire", rubric),
            no_hire=text("no_hire", rubric),
        ),
        worked=_valid(Claim, fields.get("worked")),
        settings=[],
        review=[],
    )


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _valid(model: type[Model], items: Any) -> list[Model]:
    kept = []
    for item in items if isinstance(items, list) else []:
        try:
            kept.append(model.model_validate(item))
        except ValidationError:
            continue
    return kept


def _meta(bank: Bank) -> BankMeta:
    if bank.meta is not None and isinstance(bank.meta.model, BankMeta):
        return bank.meta.model
    # bank.yaml does not validate (lint says why): the question pages can still be shown.
    title = f"{bank.root.name} ({BANK_FILE} does not validate)"
    practice = Practice.model_construct(method=[], plan=[])
    return BankMeta.model_construct(
        title=title,
        description="",
        roles=[],
        sections=[],
        companies=[],
        levels=[],
        framework=[],
        practice=practice,
    )


def _topics(bank: Bank) -> tuple[Topic, ...]:
    model = bank.topics.model if bank.topics is not None else None
    return tuple(model.topics) if isinstance(model, TopicsFile) else ()


def _values(entries: Sequence[Entry], config: Config) -> dict[str, ClaimValues]:
    """Computed values of the questions whose worked numbers all hold, as the export computes them
    (from the claim cache lint has just filled); a salvaged question's claims are not computed."""
    from mlbank.cache import cache_dir_for

    cache = cache_dir_for(config.root) / "claims"
    values: dict[str, ClaimValues] = {}
    for entry in entries:
        if not isinstance(entry.doc.model, Question):
            continue
        try:
            values.update(json_export.computed_values((entry,), cache))
        except ClaimFailure:  # a number that does not hold is among the findings: show none of its values
            continue
    return values


def _show(page: Path, open_browser: bool) -> str:
    if not open_browser:
        return str(page)
    import webbrowser

    if webbrowser.open(page.as_uri()):
        return f"opened {page}"
    return f"no browser to open: the page is {page}"
