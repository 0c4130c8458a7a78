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
# What each level must say, as the grader reads it.
GRADES = {
    "strong_hire": "what a Strong Hire answer contains",
    "lean_hire": "what a Lean Hire answer contains, and what it misses",
    "no_hire": "what a No Hire answer says or leaves out",
}


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        rubric = data.get("rubric")
        if "rubric" not in data:
            yield report(RULE, doc, (), "missing 'rubric': add strong_hire, lean_hire and no_hire")
        elif rubric is None:
            yield report(
                RULE,
                doc,
                ("rubric",),
                "rubric is empty: add strong_hire, lean_hire and no_hire under it, indented, "
                "each as 'level: |' with its text on the lines below",
            )
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
            yield report(RULE, doc, ("rubric",), f"rubric lacks '{level}': say {GRADES[level]}", key=True)
        elif text is None or (isinstance(text, str) and not text.strip()):
            yield report(
                RULE,
                doc,
                ("rubric", level),
                f"rubric.{level} is empty: say {GRADES[level]}, "
                f"as text after '{level}: |' on the lines below it, indented",
            )
        elif isinstance(text, str):  # anything else is the wrong type: MB100 says so
            norm = " ".join(text.lower().split())
            if norm in seen:
                yield report(
                    RULE,
                    doc,
                    ("rubric", level),
                    f"rubric level '{level}' repeats '{seen[norm]}': each grade must describe a different answer",
                )
            seen.setdefault(norm, level)
