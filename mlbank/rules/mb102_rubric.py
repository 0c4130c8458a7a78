"""The rubric lacks one of its three levels, or a level is empty or repeats another.

Every question is graded Strong Hire / Lean Hire / No Hire; each level must say what an answer at
that grade contains, and the three must differ, or the grade is meaningless.

Bad::

    rubric:
      strong_hire: Formula and diagnosis.
      lean_hire: Formula and diagnosis.

Good::

    rubric:
      strong_hire: Decomposition formula plus how to diagnose it from train/validation error.
      lean_hire: Right intuition, no formula.
      no_hire: Cannot explain the tradeoff.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import RUBRIC_LEVELS, Context, RuleId, report

RULE = RuleId("MB102", "rubric", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        rubric = data.get("rubric")
        if "rubric" not in data:
            yield report(RULE, doc, (), "missing 'rubric': add strong_hire, lean_hire and no_hire")
        elif not isinstance(rubric, dict):
            yield report(
                RULE,
                doc,
                ("rubric",),
                "'rubric' must be a mapping of strong_hire, lean_hire, no_hire",
            )
        else:
            yield from _levels(doc, rubric)


def _levels(doc: Document, rubric: dict[str, Any]) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for level in RUBRIC_LEVELS:
        text = rubric.get(level)
        if level not in rubric:
            yield report(
                RULE,
                doc,
                ("rubric",),
                f"rubric lacks '{level}': say what a {_grade(level)} answer has",
                key=True,
            )
        elif not isinstance(text, str) or not text.strip():
            yield report(RULE, doc, ("rubric", level), f"rubric level '{level}' is empty")
        else:
            norm = " ".join(text.lower().split())
            if norm in seen:
                yield report(
                    RULE,
                    doc,
                    ("rubric", level),
                    f"rubric level '{level}' repeats '{seen[norm]}': each grade must describe a different answer",
                )
            seen.setdefault(norm, level)


def _grade(level: str) -> str:
    return level.replace("_", " ").title()
