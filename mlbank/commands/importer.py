"""`mlbank import PAGE.md`: create or update question files from a Markdown page."""

from __future__ import annotations

from pathlib import Path

from mlbank.atomic import write_text
from mlbank.commands.lint import bank_root
from mlbank.config import ConfigError, find_config
from mlbank.importer import ImportError_, plan_files, read_page
from mlbank.loader import parse_yaml


def run_import(page: Path, bank: Path | None, check: bool) -> tuple[int, str]:
    root = bank_root(bank, find_config(Path.cwd()))
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{page}: cannot read the page: {exc}") from None
    try:
        questions = read_page(text)
        plans = plan_files(root, questions)
    except ImportError_ as exc:
        raise ConfigError(f"{page}: {exc}") from None
    if not plans:
        raise ConfigError(
            f"{page}: no questions found (is it a page written by `mlbank export --format markdown`?)"
        )
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
        lines.append(f"{verb} {plan.path}")
        if not check:
            plan.path.parent.mkdir(parents=True, exist_ok=True)
            write_text(plan.path, plan.text)
    lines.append(
        f"{len(plans)} questions read, {changed} {'to change' if check else 'changed'}, {len(plans) - changed} unchanged."
    )
    return (1 if check and changed else 0), "\n".join(lines)
