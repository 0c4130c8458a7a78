"""A level tag is not declared in bank.yaml's `levels`.

Levels ("L5+", "E4", "ICT4") are declared once with the company that uses them, so that apps can
filter by seniority without guessing at spellings.

Bad::

    level: "l5+"

Good::

    level: "L5+"
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import FieldPath
from mlbank.rules.base import Context, RuleId, did_you_mean, report

RULE = RuleId("MB202", "unknown-level", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    if ctx.bank.meta is None:
        return
    known = set(ctx.level_ids)
    for doc, data in ctx.questions:
        places: list[tuple[FieldPath, object]] = [(("level",), data.get("level"))]
        notes = data.get("companies")
        for i, note in enumerate(notes if isinstance(notes, list) else []):
            if isinstance(note, dict):
                places.append((("companies", i, "level"), note.get("level")))
        for path, level in places:
            if isinstance(level, str) and level not in known:
                yield report(
                    RULE,
                    doc,
                    path,
                    f"level '{level}' is not declared in bank.yaml{did_you_mean(level, known)}",
                )
