"""The same tag appears twice in one list (topics, see, or companies).

A repeated topic inflates coverage counts and a repeated reference shows twice in every export.
`mlbank lint --fix` removes the later copies and keeps the order of the rest (the first topic is the
question's main one).

Bad::

    topics: [regularization, optimization, regularization]

Good::

    topics: [regularization, optimization]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.loader import FieldPath
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB208", "duplicate-tag", Severity.ERROR)


def duplicates(data: dict[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    """(path of each repeated item, the value), for topics, see and companies[].company."""
    for name in ("topics", "see"):
        items = data.get(name)
        yield from _repeats(name, items if isinstance(items, list) else [], lambda v: v)
    notes = data.get("companies")
    yield from _repeats(
        "companies",
        notes if isinstance(notes, list) else [],
        lambda v: v.get("company") if isinstance(v, dict) else None,
    )


def _repeats(name: str, items: list[Any], key: Any) -> Iterator[tuple[FieldPath, str]]:
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = key(item)
        if isinstance(value, str):
            if value in seen:
                yield (name, i), value
            seen.add(value)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        for path, value in duplicates(data):
            yield report(RULE, doc, path, f"{path[0]} lists '{value}' twice: remove the repeat (--fix does)")
