"""`mlbank import PAGE.md`: question files from a page in the Markdown exporter's layout.

The layout is the contract documented in mlbank/exporters/markdown.py: each question is an anchor,
a heading `<id> · <title>`, a one-line `<!-- mlbank: {json} -->` comment holding every non-prose
field, then the prose under fixed sub-headings. The comment is authoritative for data; prose is
taken verbatim. Nothing in the page is executed: the comment is parsed as JSON, and every question is
validated against the Question model before any file is written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, NamedTuple

COMMENT = re.compile(r"^<!-- mlbank: (\{.*\}) -->$", re.MULTILINE)
ANCHOR = re.compile(r'^<a id="[^"]+"></a>\n\n', re.MULTILINE)
RUBRIC = (("strong_hire", "Strong hire"), ("lean_hire", "Lean hire"), ("no_hire", "No hire"))
MAX_PAGE = 20_000_000


class ImportError_(Exception):
    """The page does not follow the layout; the message says where."""


class Imported(NamedTuple):
    file_name: str | None
    data: dict[str, Any]


def read_page(text: str) -> list[Imported]:
    """Every question on the page, as plain data in the question file's key order."""
    if len(text) > MAX_PAGE:
        raise ImportError_(f"the page is larger than {MAX_PAGE:,} characters")
    found = []
    for chunk in ANCHOR.split(text):
        match = COMMENT.search(chunk)
        if match is None:
            continue
        try:
            meta = json.loads(match.group(1).replace("\\u003e", ">"))
        except ValueError as exc:
            raise ImportError_(
                f"line {_line(text, chunk)}: the mlbank comment is not valid JSON: {exc}"
            ) from None
        if not isinstance(meta, dict) or not isinstance(meta.get("id"), str):
            raise ImportError_(f"line {_line(text, chunk)}: the mlbank comment has no question id")
        found.append(_question(chunk, meta, text))
    return found


def _line(page: str, chunk: str) -> int:
    at = page.find(chunk)
    return page[:at].count("\n") + 1 if at >= 0 else 1


def _question(chunk: str, meta: dict[str, Any], page: str) -> Imported:
    first = chunk.split("\n", 1)[0]
    hashes = first.split(" ", 1)[0]
    if not hashes or set(hashes) != {"#"}:
        raise ImportError_(f"line {_line(page, chunk)}: question {meta['id']} has no heading")
    h = hashes
    title = first.removeprefix(f"{h} {meta['id']} \u00b7 ")
    companies = meta.get("companies") or []
    names = ["prompt", "answer", "rubric", *(f"rubric.{k}" for k, _ in RUBRIC)]
    headings: list[str | None] = [f"{h}# Prompt", f"{h}# Model answer", f"{h}# Rubric"]
    headings += [f"{h}## {title_}" for _, title_ in RUBRIC]
    if companies:
        names.append("companies")
        headings.append(f"{h}# Company variations")
        for i in range(len(companies)):
            names.append(f"companies.{i}.expects")
            headings.append(None)
    texts = _blocks(chunk, headings, f"{h}## ", meta["id"])
    endings = meta.get("endings") or {}
    prose = {n: (t + endings.get(n, "\n")) if t else None for n, t in zip(names, texts, strict=True)}
    data: dict[str, Any] = {k: meta.get(k) for k in ("id", "section", "label")}
    data["title"] = title
    data |= {k: meta.get(k) for k in ("level", "time_minutes", "topics", "see")}
    data["companies"] = [
        {k: v for k, v in {**c, "expects": prose.get(f"companies.{i}.expects")}.items() if v is not None}
        for i, c in enumerate(companies)
        if isinstance(c, dict)
    ]
    data |= {"prompt": prose["prompt"], "answer": prose["answer"]}
    data["rubric"] = {k: prose[f"rubric.{k}"] for k, _ in RUBRIC}
    data["worked"] = meta.get("worked") or []
    data["review"] = meta.get("review") or []
    clean = {k: v for k, v in data.items() if v is not None and v != []}
    file_name = meta.get("file") if isinstance(meta.get("file"), str) else None
    return Imported(file_name, clean)


def _blocks(chunk: str, headings: list[str | None], any_prefix: str, qid: str) -> list[str]:
    """The text under each expected heading, in order, up to the next one."""
    lines = chunk.split("\n")
    starts: list[int] = []
    at = 0
    for heading in headings:
        hit = next(
            (
                i
                for i in range(max(at, 1), len(lines))
                if lines[i - 1] == ""
                and (lines[i] == heading if heading else lines[i].startswith(any_prefix))
            ),
            None,
        )
        if hit is None:
            raise ImportError_(f"question {qid}: missing the heading {heading or any_prefix + '<company>'!r}")
        starts.append(hit)
        at = hit + 1
    ends = [*(s - 1 for s in starts[1:]), len(lines)]
    return ["\n".join(lines[s + 2 : e]).strip("\n") for s, e in zip(starts, ends, strict=True)]


class Plan(NamedTuple):
    path: Path
    text: str
    created: bool


def plan_files(bank_root: Path, questions: list[Imported]) -> list[Plan]:
    """Where each question goes and its canonical text; validates every question first."""
    from pydantic import ValidationError

    from mlbank.bank import question_files
    from mlbank.fmt import render, schema_header
    from mlbank.loader import parse_yaml
    from mlbank.model import Question

    existing: dict[str, Path] = {}
    for path in question_files(bank_root):
        match = re.match(
            r"^id:\s*(\S+)\s*$", path.read_text(encoding="utf-8", errors="replace"), re.MULTILINE
        )
        if match:
            existing.setdefault(match.group(1), path)
    plans = []
    for item in questions:
        try:
            Question.model_validate(item.data)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ImportError_(f"question {item.data.get('id')}: {where}: {first['msg']}") from None
        qid, section = item.data["id"], item.data["section"]
        name = (
            item.file_name
            if item.file_name and _safe_name(item.file_name, qid)
            else f"{qid}-{_slug(item.data['title'])}.yaml"
        )
        path = existing.get(qid) or bank_root / "questions" / section / name
        text = render(item.data, "question", schema_header(path, "question"))
        if parse_yaml(text)[0] != item.data:
            raise ImportError_(
                f"question {qid}: its canonical YAML would not read back the same; please report this"
            )
        plans.append(Plan(path, text, qid not in existing))
    return plans


def _safe_name(name: str, qid: str) -> bool:
    """A page names files, so a name must be a plain `<id>-<slug>.yaml`: no folders, no '..'."""
    return re.fullmatch(rf"{re.escape(qid)}-[a-z0-9]+(?:-[a-z0-9]+)*\.ya?ml", name) is not None


def _slug(title: str) -> str:
    words = re.findall(r"[a-z0-9]+", title.lower())
    return "-".join(words[:8]) or "question"
