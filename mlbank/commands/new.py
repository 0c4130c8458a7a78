"""`mlbank new`: start a question file with the next free id and TODO placeholders to fill in.

Every required field is present, so the file passes the schema at once; the prose holds `TODO`
placeholders, so lint (MB502) fails until a person has written them.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mlbank import exit_codes
from mlbank.atomic import write_text
from mlbank.bank import BANK_FILE, QUESTIONS_DIR, TOPICS_FILE, display_path, question_files, validator
from mlbank.commands import CommandResult
from mlbank.config import find_config
from mlbank.exit_codes import UsageError
from mlbank.formatter import render, schema_header
from mlbank.ids import next_free
from mlbank.importer import render_draft
from mlbank.loader import load_document, parse_yaml, read_text
from mlbank.workspace import bank_root

if TYPE_CHECKING:
    from mlbank.model import Strict

T = TypeVar("T")
M = TypeVar("M", bound="Strict")

SLUG_WORDS = 8  # file names stay readable; the title holds the rest
SLUG_CHARS = 60  # and short: far below the 255 bytes a file name may have on common filesystems
PLACEHOLDERS = {
    "prompt": "TODO: write the question as the interviewer asks it.\n",
    "answer": "TODO: write the model answer.\n",
    "strong_hire": "TODO: what a Strong Hire answer contains.\n",
    "lean_hire": "TODO: what a Lean Hire answer contains, and what it misses.\n",
    "no_hire": "TODO: what a No Hire answer says or leaves out.\n",
    "expects": "TODO: what this company looks for in the answer.\n",
}


@dataclass(frozen=True)
class NewQuestion:
    title: str
    section: str
    topics: tuple[str, ...]
    companies: tuple[str, ...] = ()
    bank: Path | None = None
    markdown: bool = False  # a Markdown draft in the working folder, for `mlbank import`


def run_new(request: NewQuestion) -> CommandResult:
    root = bank_root(request.bank, find_config(Path.cwd()))
    from mlbank.model import BankMeta, TopicsFile

    meta = _model(root / BANK_FILE, "bank", BankMeta)
    topics = _model(root / TOPICS_FILE, "topics", TopicsFile)
    section = _pick("section", request.section, {s.id: s for s in meta.sections}, root / BANK_FILE)
    for topic in request.topics:
        _pick("topic", topic, {t.id: t for t in topics.topics}, root / TOPICS_FILE)
    for company in request.companies:
        _pick("company", company, {c.id: c for c in meta.companies}, root / BANK_FILE)
    title = " ".join(request.title.split())
    slug = slugify(title)
    if not slug:
        raise UsageError(f"title {request.title!r} has no letters or digits to name the file by")
    qid = next_id(root, section.id_prefix)
    path = root / QUESTIONS_DIR / section.id / f"{qid}-{slug}.yaml"
    if request.markdown:  # a draft is not a bank file until `mlbank import` makes it one
        path = Path.cwd() / f"{qid}-{slug}.md"
    shown = display_path(path, Path.cwd())
    data = question_data(qid, title, section.id, _minutes(section.minutes_per_question.min), request)
    try:
        if path.exists():
            return CommandResult(exit_codes.FINDINGS, f"{shown} already exists: not overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        header = schema_header(path, "question")
        text = render_draft(data, path.name) if request.markdown else render(data, "question", header)
        write_text(path, text)
    except OSError as exc:  # a read-only checkout, a full disk: say so, no traceback
        raise UsageError(f"cannot write {shown}: {exc.strerror or exc}") from None
    return CommandResult(exit_codes.OK, f"created {shown}")


def question_data(qid: str, title: str, section: str, minutes: float, request: NewQuestion) -> dict[str, Any]:
    """The new question in canonical field order, prose as TODO placeholders."""
    data: dict[str, Any] = {
        "id": qid,
        "section": section,
        "title": title,
        "time_minutes": minutes,
        "topics": list(request.topics),
        "see": [request.topics[0]],
    }
    if request.companies:
        data["companies"] = [{"company": c, "expects": PLACEHOLDERS["expects"]} for c in request.companies]
    data["prompt"] = PLACEHOLDERS["prompt"]
    data["answer"] = PLACEHOLDERS["answer"]
    data["rubric"] = {level: PLACEHOLDERS[level] for level in ("strong_hire", "lean_hire", "no_hire")}
    return data


def slugify(title: str) -> str:
    """'Bias vs. variance: the trade-off' -> 'bias-vs-variance-the-trade-off' (ASCII, kebab-case)."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = ""
    for word in re.findall(r"[a-z0-9]+", ascii_title.lower())[:SLUG_WORDS]:
        longer = f"{slug}-{word}" if slug else word
        if len(longer) > SLUG_CHARS:
            return slug or word[:SLUG_CHARS]  # whole words only, unless the first is too long alone
        slug = longer
    return slug


def next_id(root: Path, prefix: str) -> str:
    """`prefix` + one more than the highest number any question of the bank uses with it, >= 2 digits."""
    return next_free(prefix, _known_ids(root))


def _known_ids(root: Path) -> Iterable[str]:
    """Ids from file names and from the files' own `id` fields (either may be the one that is wrong)."""
    for path in question_files(root):
        yield path.name.split("-", 1)[0].split(".", 1)[0]
        text, _ = read_text(path)
        data = parse_yaml(text)[0] if text is not None else None
        if isinstance(data, dict) and isinstance(data.get("id"), str):
            yield data["id"]


def _model(path: Path, kind: str, model: type[M]) -> M:
    if not path.is_file():
        raise UsageError(f"{path}: not found; `mlbank new` needs the bank's {path.name}")
    doc = load_document(path, str(path), validator(kind))
    if not isinstance(doc.model, model):  # None: the file has errors
        raise UsageError(
            f"{path}: has errors, so new questions cannot be checked against it: run `mlbank lint`"
        )
    return doc.model


def _pick(what: str, value: str, known: dict[str, T], source: Path) -> T:
    if value in known:
        return known[value]
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"; did you mean '{close[0]}'?" if close else ""
    listed = ", ".join(known) or "none"
    raise UsageError(f"unknown {what} '{value}'{hint} ({source.name} has: {listed})")


def _minutes(value: float) -> float:
    return int(value) if float(value).is_integer() else value
