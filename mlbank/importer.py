"""`mlbank import PAGE.md`: question files from Markdown, a draft typed by hand or an exported page.

A draft (`mlbank new --markdown` writes one to start from)::

    # Dropout as an ensemble

    id: q46
    section: screening
    topics: [regularization, ensemble-methods]

    ## Prompt

    Why can dropout be read as training an ensemble?

    ## Model answer

    Each step trains a random sub-network ...

    ## Rubric

    ### Strong hire

    ...  (then `### Lean hire` and `### No hire`, each followed by its text)

The question heading holds the title, or `<id> · <title>` as the export writes it, at any level;
the other headings are taken relative to it: Prompt, Model answer, Rubric and Company variations one
level below, the rubric levels and the companies two levels below, in that order. Between the
question heading and its first sub-heading come the question's fields, as `key: value` lines in the
YAML of a question file: `section` and `topics` (a list, or ids separated by commas) are required,
and `id` unless the heading starts with it (import names the section's next free id when it is
missing); `see`, `label`, `level`, `time_minutes`, `companies` (ids, or `{company: ..., level: ...}`),
`worked` and `settings` are optional. With companies, an optional `## Company variations` holds one heading per
company, in the order of the fields, each followed by what that company expects. Values are kept as
typed (`says: 0.50` stays "0.50"). Headings are ATX (`#`); lines inside ``` fences never are. A draft
question ends at the next question or at a heading at its own level or above, and text outside the
questions is ignored, so one page may hold several drafts under a title of its own.

A page written by `mlbank export --format markdown` is read the same way, except that the one-line
`<!-- mlbank: {json} -->` comment right under each question heading takes the place of the fields:
it holds every non-prose field (with the file name, review stamps and exact line endings), it is
authoritative, and the question ends only at the next question or `<a id="..."></a>` anchor (the
export's layout: mlbank/exporters/markdown.py).

Nothing in the page is executed: the comment is parsed as JSON, the fields with mlbank's safe YAML
loader, and every question is validated against the Question model before any file is written.
Every problem names its line and what was expected there.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from mlbank import markdown_layout as layout
from mlbank.finding import Position
from mlbank.loader import FieldPath, NodeInfo, parse_yaml
from mlbank.markdown_layout import (
    CLOSING,
    COMMENT,
    COMPANIES,
    DOT,
    RUBRIC,
    Heading,
    ImportError_,
    PageProblem,
    problem,
)

__all__ = [
    "ImportError_",
    "Imported",
    "PageProblem",
    "Plan",
    "existing_questions",
    "plan_files",
    "position",
    "read_page",
    "render_draft",
]

QUESTION_ID = re.compile(r"[a-z]+[0-9]+")  # mlbank.model.QUESTION_ID, without importing pydantic
TYPED_ID = re.compile(r"\s*[-:.\u2013\u2014]?\s+(.+)")  # what follows an id typed into a title
FIELD_LINE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*[ \t]*:(?:[ \t]|$)")
FIELDS = (
    "id",
    "section",
    "topics",
    "see",
    "label",
    "level",
    "time_minutes",
    "companies",
    "worked",
    "settings",
)
NOT_FIELDS = {
    "title": "the title is the question heading's text",
    "prompt": "write the prompt under the Prompt heading",
    "answer": "write the answer under the Model answer heading",
    "rubric": "write the rubric under the Rubric heading's Strong hire, Lean hire and No hire",
    "review": "review stamps are written by `mlbank review`, once the question is in the bank",
}
# Fields the model wants as text: a number typed there is kept as written (`says: 0.50` -> "0.50").
AS_TEXT = frozenset({("id",), ("section",), ("label",), ("level",)})
AS_TEXT_IN = {"companies": frozenset({"level"}), "worked": frozenset({"says", "expr", "equals", "tolerance"})}
MAX_PAGE = 20_000_000


class Imported(NamedTuple):
    file_name: str | None
    data: dict[str, Any]
    line: int  # the question heading's line
    where: dict[FieldPath, Position]  # the page position of each field, for messages
    draft: bool  # typed by hand: no mlbank comment


# --- the page -> questions ------------------------------------------------------------------------


def read_page(text: str) -> list[Imported]:
    """Every question on the page, as plain data in the question file's key order."""
    if len(text) > MAX_PAGE:
        raise problem(1, f"the page is larger than {MAX_PAGE:,} characters")
    lines = text.removeprefix("\ufeff").split("\n")
    spans, problems = layout.questions(lines)
    found: list[Imported] = []
    for span in spans:
        try:
            found.append(_question(lines, span))
        except ImportError_ as exc:
            problems += exc.problems
    problems += _repeated_ids(found)
    if problems:
        raise ImportError_(sorted(problems))
    return found


def _repeated_ids(found: list[Imported]) -> list[PageProblem]:
    first: dict[str, int] = {}
    problems = []
    for item in found:
        qid = item.data.get("id")
        if not isinstance(qid, str):
            continue
        if qid in first:
            message = (
                f"{qid} is also the id of the question on line {first[qid]}: give each question its own id"
            )
            problems.append(PageProblem(item.line, 1, message))
        first.setdefault(qid, item.line)
    return problems


# --- one question ---------------------------------------------------------------------------------


def _question(lines: list[str], span: layout.Span) -> Imported:
    head, inner, end, comment = span
    if comment is not None:
        meta = _comment_meta(lines[comment], comment + 1)
        where: dict[FieldPath, Position] = {(key,): Position(comment + 1, 1) for key in meta}
    else:
        meta, where = _fields(lines, head, inner[0].row if inner else end)
    qid, title = _id_and_title(head, meta.get("id"), draft=comment is None)
    companies = meta.get("companies") or []
    if not isinstance(companies, list) or not all(isinstance(c, dict) for c in companies):
        at = where.get(("companies",), Position(head.line, 1))
        raise problem(
            at.line,
            "companies: write a list of company ids (`[google, meta]`) or of "
            "`{company: <id>, level: <level>}` mappings",
            at.column,
        )
    parts = layout.expected_parts(head, inner, companies, draft=comment is None)
    blocks = layout.blocks(lines, head, inner, parts, end, draft=comment is None)
    endings = meta.get("endings") or {}
    prose: dict[str, str | None] = {}
    for part, (heading, text) in blocks.items():
        where[tuple(int(p) if p.isdigit() else p for p in part.split("."))] = Position(heading.line, 1)
        prose[part] = (
            text + (endings.get(part, "\n") if isinstance(endings, dict) else "\n") if text else None
        )
    data: dict[str, Any] = {"id": qid, "section": meta.get("section"), "label": meta.get("label")}
    data["title"] = title
    data |= {key: meta.get(key) for key in ("level", "time_minutes", "topics", "see")}
    data["companies"] = [
        {k: v for k, v in {**c, "expects": prose.get(f"companies.{i}.expects")}.items() if v is not None}
        for i, c in enumerate(companies)
    ]
    data |= {"prompt": prose["prompt"], "answer": prose["answer"]}
    data["rubric"] = {key: prose[f"rubric.{key}"] for key, _ in RUBRIC}
    data["worked"] = meta.get("worked") or []
    data["settings"] = meta.get("settings") or []
    data["review"] = meta.get("review") or []
    clean = {key: value for key, value in data.items() if value is not None and value != []}
    where[("title",)] = Position(head.line, 1)
    file_name = meta.get("file") if isinstance(meta.get("file"), str) else None
    return Imported(file_name, clean, head.line, where, comment is None)


def _comment_meta(line: str, number: int) -> dict[str, Any]:
    match = COMMENT.match(line)
    assert match is not None  # only called on a line COMMENT matched
    try:
        meta = json.loads(match.group(1).replace("\\u003e", ">"))
    except ValueError as exc:
        raise problem(number, f"the mlbank comment is not valid JSON: {exc}") from None
    if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
        raise problem(number, "the mlbank comment has no question id")
    return meta


def _id_and_title(head: Heading, given: Any, *, draft: bool) -> tuple[Any, str]:
    """The id and title the heading holds (`<id> · <title>` or `<title>`), checked against the id given."""
    start, dot, rest = head.text.partition(DOT)
    named = start.strip() if dot and QUESTION_ID.fullmatch(start.strip()) else None
    title = rest if named else head.text
    title = CLOSING.sub("", title.strip()) if draft else title
    if named and given is not None and named != given:
        source = "fields'" if draft else "mlbank comment's"
        raise problem(
            head.line,
            f"the heading's id {named} and the {source} id {given} differ: keep one of them",
        )
    qid = named or given
    if draft and isinstance(qid, str):
        typed = TYPED_ID.fullmatch(title[len(qid) :]) if title.startswith(qid) else None
        if typed:
            h = "#" * head.level
            raise problem(
                head.line,
                f"write `{h} {qid}{DOT}{typed.group(1)}` or `{h} {typed.group(1)}`: as written, the "
                f"title would be '{title}'",
            )
    if not title.strip():
        raise problem(head.line, f"`{head.shown}` holds no title: write the question's title after the #")
    return qid, title


# --- a draft's fields -----------------------------------------------------------------------------


def _fields(lines: list[str], head: Heading, stop: int) -> tuple[dict[str, Any], dict[FieldPath, Position]]:
    """The `key: value` lines under a draft's heading, as data, with each value's page position."""
    first = head.row + 1
    typed = next((i for i in range(first, stop) if lines[i].strip()), None)
    if typed is None:
        raise problem(
            first + 1,
            "no fields under the question heading: write `section: <id>` and `topics: [<id>, ...]` "
            "(and `id: <id>` unless the heading starts with it) on the lines under it",
        )
    if not FIELD_LINE.match(lines[typed]):
        raise problem(
            typed + 1,
            "expected the question's fields as `key: value` lines under its heading "
            f"(`section: <id>`, `topics: [<id>, ...]`), found '{lines[typed].strip()[:60]}'",
        )
    data, nodes, problems = parse_yaml("\n".join(lines[first:stop]))
    if problems:
        # Again below blank lines in place of the page above, so the lines its message names are the page's.
        first_problem = parse_yaml("\n" * first + "\n".join(lines[first:stop]))[2][0]
        at = first_problem.position
        raise problem(
            at.line, f"the question's fields are not valid YAML: {first_problem.message}", at.column
        )
    if not isinstance(data, dict):
        raise problem(typed + 1, "expected the question's fields as `key: value` lines under its heading")
    where = {path: _moved(n.value, first) for path, n in nodes.items()}
    for key in data:
        info = nodes.get((key,))
        at = _moved(info.key, first) if info and info.key else Position(typed + 1, 1)
        _check_key(str(key), at)
    if "topics" not in data:
        raise problem(head.line, "no topics: add `topics: [<id>, ...]` (ids from topics.yaml) to the fields")
    return _as_typed(data, nodes), where


def _moved(at: Position, lines: int) -> Position:
    return Position(at.line + lines, at.column)


def _check_key(key: str, at: Position) -> None:
    from mlbank.rules.base import did_you_mean

    if key in FIELDS:
        return
    if key in NOT_FIELDS:
        raise problem(at.line, f"`{key}` is not a field: {NOT_FIELDS[key]}", at.column)
    raise problem(
        at.line,
        f"unknown field '{key}'{did_you_mean(key, FIELDS)}: the fields are {', '.join(FIELDS)}",
        at.column,
    )


def _as_typed(data: dict[str, Any], nodes: dict[FieldPath, NodeInfo]) -> dict[str, Any]:
    """The fields as the author meant them: lists typed as `a, b`, numbers in text fields as written."""
    out = dict(data)
    for key in ("topics", "see", "companies"):  # not settings: "1,000" is one number
        if isinstance(out.get(key), str):
            out[key] = [part.strip() for part in out[key].split(",") if part.strip()]
    if isinstance(out.get("companies"), list):
        out["companies"] = [{"company": c} if isinstance(c, str) else c for c in out["companies"]]
    for path in _text_paths(out):
        info = nodes.get(path)
        value = _get(out, path)
        if isinstance(value, int | float) and not isinstance(value, bool) and info and info.raw is not None:
            _set(out, path, info.raw)
    return out


def _text_paths(data: dict[str, Any]) -> Iterator[FieldPath]:
    yield from AS_TEXT
    settings = data.get("settings")
    yield from (("settings", i) for i in range(len(settings) if isinstance(settings, list) else 0))
    for key, names in AS_TEXT_IN.items():
        items = data.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            if isinstance(item, dict):
                yield from ((key, i, name) for name in names if name in item)


def _get(data: Any, path: FieldPath) -> Any:
    for part in path:
        found = isinstance(data, dict) and part in data
        if not (found or (isinstance(data, list) and isinstance(part, int) and part < len(data))):
            return None
        data = data[part]
    return data


def _set(data: Any, path: FieldPath, value: Any) -> None:
    _get(data, path[:-1])[path[-1]] = value


# --- a draft from question data (`mlbank new --markdown`) -----------------------------------------

GUIDE = """\
<!-- A question draft. Write the text under each heading in place of its TODO, then run
  mlbank import {name}
to add it to the bank. The lines under the title are the question's fields, in YAML as in a
question file: id, section and topics are required; see, level, time_minutes, label, companies,
worked and settings are optional. Keep the headings' levels: the parts one level below the
title, the rubric levels and the companies two. -->"""


def render_draft(data: dict[str, Any], name: str) -> str:
    """The draft `name` in the layout above, for a new question's data (ids, numbers, placeholders)."""
    fields = [f"{key}: {_flow(data[key])}" for key in ("id", "section", "topics", "see") if key in data]
    fields += [f"{key}: {data[key]}" for key in ("level", "time_minutes") if key in data]
    companies = data.get("companies") or []
    if companies:
        fields.append(f"companies: {_flow([c['company'] for c in companies])}")
    blocks = [GUIDE.format(name=name), f"# {data['title']}", "\n".join(fields)]
    blocks += ["## Prompt", data["prompt"], "## Model answer", data["answer"], "## Rubric"]
    for key, title in RUBRIC:
        blocks += [f"### {title}", data["rubric"][key]]
    if companies:
        blocks.append(f"## {COMPANIES}")
        for company in companies:
            blocks += [f"### {company['company']}", company.get("expects") or ""]
    return "\n\n".join(block.rstrip("\n") for block in blocks) + "\n"


def _flow(value: Any) -> str:
    return f"[{', '.join(value)}]" if isinstance(value, list) else str(value)


# --- questions -> files ---------------------------------------------------------------------------


class Plan(NamedTuple):
    path: Path
    text: str
    created: bool


def existing_questions(bank_root: Path) -> dict[str, Path]:
    """The bank's question ids and their files (by a quick look at each file's `id:` line)."""
    from mlbank.bank import question_files

    existing: dict[str, Path] = {}
    for path in question_files(bank_root):
        match = re.search(
            r"^id:\s*(\S+)\s*$", path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE
        )
        if match:
            existing.setdefault(match.group(1), path)
    return existing


def plan_files(bank_root: Path, questions: list[Imported], existing: dict[str, Path]) -> list[Plan]:
    """Where each question goes and its canonical text; validates every question first."""
    from pydantic import ValidationError

    from mlbank.formatter import render, schema_header
    from mlbank.model import Question

    plans, problems = [], []
    for item in questions:
        try:
            Question.model_validate(item.data)
        except ValidationError as exc:
            problems += [_schema_problem(item, error) for error in exc.errors()]
            continue
        qid, section = item.data["id"], item.data["section"]
        name = (
            item.file_name
            if item.file_name and _safe_name(item.file_name, qid)
            else f"{qid}-{_slug(item.data['title'])}.yaml"
        )
        path = existing.get(qid) or bank_root / "questions" / section / name
        text = render(item.data, "question", schema_header(path, "question"))
        if parse_yaml(text)[0] != item.data:
            message = f"question {qid}: its canonical YAML would not read back the same; please report this"
            problems.append(PageProblem(item.line, 1, message))
        plans.append(Plan(path, text, qid not in existing))
    if problems:
        raise ImportError_(sorted(set(problems)))
    return plans


def _schema_problem(item: Imported, error: Any) -> PageProblem:
    from mlbank.loader import SchemaError
    from mlbank.rules.base import dotted
    from mlbank.rules.mb100_schema import message

    loc = tuple(error["loc"])
    at = position(item, loc)
    text = message(SchemaError(loc, error["type"], error["msg"], error.get("input")))
    if error["type"] == "string_pattern_mismatch":
        example = "q46" if loc == ("id",) else "loss-functions"
        text = f"{dotted(loc)}: '{error.get('input')}' is not an id like '{example}'"
    return PageProblem(at.line, at.column, text)


def position(item: Imported, loc: FieldPath) -> Position:
    """Where a field (or the nearest field above it) sits on the page; the question heading otherwise."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in item.where:
            return item.where[loc[:n]]
    return Position(item.line, 1)


def _safe_name(name: str, qid: str) -> bool:
    """A page names files, so a name must be a plain `<id>-<slug>.yaml`: no folders, no '..'."""
    return re.fullmatch(rf"{re.escape(qid)}-[a-z0-9]+(?:-[a-z0-9]+)*\.ya?ml", name) is not None


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:8]) or "question"
