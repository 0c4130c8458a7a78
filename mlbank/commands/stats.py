"""`mlbank stats`: coverage tables for authors deciding what to write next."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from mlbank import exit_codes
from mlbank.commands import CommandResult
from mlbank.commands.lint import LintOptions, open_session
from mlbank.config import find_config
from mlbank.review import VERDICTS
from mlbank.speech import WORDS_PER_MINUTE
from mlbank.stats import PRACTICE_ROUNDS, THIN_TOPIC_SHARE, Coverage, Thin, coverage
from mlbank.workspace import bank_root


def run_stats(bank_path: Path | None, fmt: str) -> CommandResult:
    config = find_config(Path.cwd())
    session = open_session(bank_root(bank_path, config), config, LintOptions())
    cov = coverage(session.bank(), config.review_max_age)
    if fmt == "json":
        return CommandResult(exit_codes.OK, json.dumps(cov.as_dict(), indent=2))
    parts = [grid(cov), thin_sections(cov), thin_topics(cov), companies(cov), timing(cov), reviews(cov)]
    return CommandResult(exit_codes.OK, "\n\n".join([*parts, uncovered(cov)]))


TIMING_COLUMNS = f"""\
budget min: the sum of the questions' time_minutes, the time to answer each once as in an interview
speaking min: the time to say every model answer aloud at {WORDS_PER_MINUTE} words a minute (MB501's estimate)
cheat sheet min/q: minutes_per_question in bank.yaml, the time an interview gives one question
rounds' worth: the interview rounds the questions fill: questions / questions_per_round max - min"""


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


def thin_sections(cov: Coverage) -> str:
    rounds = f"{PRACTICE_ROUNDS} full rounds of questions ({PRACTICE_ROUNDS} x questions_per_round max in bank.yaml)"
    unjudged = [s for s in cov.sections if cov.time[s].per_round is None]
    aside = f"; not judged, without questions_per_round: {', '.join(unjudged)}" if unjudged else ""
    target = (
        f"under {rounds}, too few\nto sit {PRACTICE_ROUNDS} mock rounds of the section "
        f"without meeting a question twice{aside}"
    )
    return _thin("Thin sections", target, f"each holds {rounds}{aside}", "section", cov.thin_sections())


def thin_topics(cov: Coverage) -> str:
    average = f"{cov.topic_average:.3g}"
    target = (
        f"on fewer questions than half the average topic ({average} questions a topic, so under "
        f"{THIN_TOPIC_SHARE * cov.topic_average:.3g});\ntopics no question covers are listed at the end"
    )
    enough = f"each is on at least half as many questions as the average topic, {average}"
    return _thin("Thin topics", target, enough, "topic", cov.thin_topics())


def _thin(title: str, target: str, enough: str, what: str, thin: list[Thin]) -> str:
    """A table of what is thin, headed by what it is thin against; or that nothing is."""
    if not thin:
        return f"{title}: none ({enough})"
    rows = [[t.name, str(t.questions), str(t.needed), str(t.needed - t.questions)] for t in thin]
    return f"{title}: {target}\n" + _table([what, "questions", "needed", "to write"], rows)


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
    return "Practice time per section\n" + _table(header, rows) + "\n" + TIMING_COLUMNS


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
