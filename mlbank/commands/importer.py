"""`mlbank import`: create or update question files from a Markdown page or a hand-written draft."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mlbank import exit_codes
from mlbank.atomic import write_text
from mlbank.bank import display_path, load_meta
from mlbank.commands import CommandResult
from mlbank.commands.new import next_id, slugify
from mlbank.config import find_config
from mlbank.exit_codes import UsageError
from mlbank.importer import (
    Imported,
    ImportError_,
    PageProblem,
    existing_questions,
    plan_files,
    position,
    read_page,
)
from mlbank.loader import parse_yaml
from mlbank.markdown_layout import problem
from mlbank.workspace import bank_root

NO_QUESTIONS = (
    "no questions found. A question is a heading holding its title, its fields on the lines under it "
    "(`id: q46`, `section: screening`, `topics: [<id>, ...]`), then `## Prompt`, `## Model answer` and "
    "`## Rubric` one level below it, and `### Strong hire`, `### Lean hire` and `### No hire` under "
    "the rubric, each followed by its text; `mlbank new --markdown` writes a draft to start from"
)


def run_import(page: Path, bank: Path | None, check: bool) -> CommandResult:
    root = bank_root(bank, find_config(Path.cwd()))
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{page}: cannot read the page: {exc}") from None
    try:
        questions = read_page(text)
        if not questions:
            raise UsageError(f"{page}: {NO_QUESTIONS}")
        existing = existing_questions(root)
        plans = plan_files(root, fit_bank(root, questions, existing), existing)
    except ImportError_ as exc:
        raise UsageError(_report(page, exc.problems)) from None
    lines, changed = [], 0
    for plan in plans:
        old = plan.path.read_text(encoding="utf-8") if plan.path.exists() else None
        if old is not None and (old == plan.text or parse_yaml(old)[0] == parse_yaml(plan.text)[0]):
            continue  # same data: keep the author's file (and its comments) as it is
        changed += 1
        verb = (
            "would create"
            if check and old is None
            else "would update"
            if check
            else "created"
            if old is None
            else "updated"
        )
        lines.append(f"{verb} {display_path(plan.path, Path.cwd())}")
        if not check:
            plan.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(plan.path, plan.text)
    read = f"{len(plans)} question{'' if len(plans) == 1 else 's'} read"
    lines.append(
        f"{read}, {changed} {'to change' if check else 'changed'}, {len(plans) - changed} unchanged."
    )
    return CommandResult(exit_codes.FINDINGS if check and changed else exit_codes.OK, "\n".join(lines))


def _report(page: Path, problems: list[PageProblem]) -> str:
    found = [f"{page}:{p.line}:{p.column}: {p.message}" for p in problems]
    count = f"{len(problems)} problem{'' if len(problems) == 1 else 's'}"
    return "\n".join([*found, f"Found {count} in {page}; nothing was written."])


# --- what only the bank can tell: sections, free ids, file names ----------------------------------


def fit_bank(root: Path, questions: list[Imported], existing: dict[str, Path]) -> list[Imported]:
    """Each question checked against the bank; a draft gets its file name and keeps its review stamps."""
    meta, _ = load_meta(root)
    sections = {s.id: s.id_prefix for s in meta.model.sections} if meta and meta.model else None
    fitted, problems = [], []
    for item in questions:
        try:
            fitted.append(_fit(root, item, sections, existing))
        except ImportError_ as exc:
            problems += exc.problems
    if problems:
        raise ImportError_(sorted(problems))
    return fitted


def _fit(root: Path, item: Imported, sections: dict[str, str] | None, existing: dict[str, Path]) -> Imported:
    from mlbank.rules.base import did_you_mean

    section = item.data.get("section")
    listed = f"bank.yaml has: {', '.join(sections)}" if sections else "see bank.yaml"
    if section is None:
        raise problem(item.line, f"no section: add `section: <id>` to the fields ({listed})")
    if sections is not None and section not in sections:
        at = position(item, ("section",))
        hint = did_you_mean(str(section), sections)
        raise problem(at.line, f"section '{section}' is not in bank.yaml{hint}; {listed}", at.column)
    if not item.draft:
        return item
    free = next_id(root, sections[section]) if sections else "<id>"
    qid = item.data.get("id")
    if qid is None:
        raise problem(
            item.line, f"no id: add `id: {free}` (the next free id of section {section}) to the fields"
        )
    data = dict(item.data)
    if qid in existing:
        other = _data(existing[qid])
        if other.get("title") != data["title"]:
            at = position(item, ("id",))
            shown = display_path(existing[qid], Path.cwd())
            raise problem(
                at.line,
                f"{qid} is already another question, '{other.get('title')}' ({shown}): give this draft "
                f"the next free id, `id: {free}`, or that question's title to update it",
                at.column,
            )
        if other.get("review"):  # a draft holds no stamps: keep them (MB601 says if the edit made them stale)
            data["review"] = other["review"]
    slug = slugify(data["title"])
    return item._replace(data=data, file_name=f"{qid}-{slug}.yaml" if slug else None)


def _data(path: Path) -> dict[str, Any]:
    data = parse_yaml(path.read_text(encoding="utf-8", errors="replace"))[0]
    return data if isinstance(data, dict) else {}
