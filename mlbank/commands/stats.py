"""`mlbank stats`: coverage tables for authors deciding what to write next."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from mlbank.bank import load_bank
from mlbank.commands.lint import bank_root
from mlbank.config import find_config
from mlbank.review import VERDICTS
from mlbank.stats import Coverage, coverage


def run_stats(bank_path: Path | None, fmt: str) -> tuple[int, str]:
    config = find_config(Path.cwd())
    cov = coverage(load_bank(bank_root(bank_path, config)), config.review_max_age)
    if fmt == "json":
        return 0, json.dumps(cov.as_dict(), indent=2)
    return 0, "\n\n".join([grid(cov), companies(cov), timing(cov), reviews(cov), uncovered(cov)])


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(header), line(["-" * w for w in widths]), *map(line, rows)])


def grid(cov: Coverage) -> str:
    rows = [
        [t]
        + [str(cov.grid[(s, t)] or ".") for s in cov.sections]
        + [str(sum(cov.grid[(s, t)] for s in cov.sections))]
        for t in cov.topics
    ]
    return "Questions per topic and section\n" + _table(["topic", *cov.sections, "total"], rows)


def companies(cov: Coverage) -> str:
    rows = [[c, str(n)] for c, n in sorted(cov.companies.items())] or [["(none)", "0"]]
    levels = [[lv, str(n)] for lv, n in sorted(cov.levels.items())] or [["(none)", "0"]]
    return (
        "Questions per company\n"
        + _table(["company", "questions"], rows)
        + "\n\nQuestions per level\n"
        + _table(["level", "questions"], levels)
    )


def timing(cov: Coverage) -> str:
    rows = []
    for s in cov.sections:
        t = cov.time[s]
        sheet = f"{t.cheat_sheet[0]:g}-{t.cheat_sheet[1]:g}" if t.cheat_sheet else "-"
        rounds = (
            f"{t.questions / t.per_round[1]:.1f}-{t.questions / t.per_round[0]:.1f}" if t.per_round else "-"
        )
        rows.append(
            [s, str(t.questions), f"{t.budget_minutes:g}", f"{t.speaking_minutes:.1f}", sheet, rounds]
        )
    header = ["section", "questions", "budget min", "speaking min", "cheat sheet min/q", "rounds' worth"]
    return "Practice time per section\n" + _table(header, rows)


def reviews(cov: Coverage) -> str:
    rows = [
        [s, str(cov.time[s].questions), *(str(cov.reviews.get(s, Counter())[k]) for k in VERDICTS)]
        for s in cov.sections
    ]
    header = ["section", "questions", *VERDICTS]
    return "Review state per section (docs/REVIEWING.md; `mlbank review --status` lists them)\n" + _table(
        header, rows
    )


def uncovered(cov: Coverage) -> str:
    missing = cov.uncovered_topics
    return "Topics no question covers: " + (", ".join(missing) if missing else "none")
