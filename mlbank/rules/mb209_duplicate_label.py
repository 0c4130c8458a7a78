"""Two questions carry the same label.

A label is the source's own number for a question ("Q31"), so a reader can find it in the source.
Two questions with one label send the reader to the wrong one. Labels are compared as a reader
reads them: ignoring case, spacing and a trailing qualifier in parentheses, so "Q31 (Bonus)" and
"Q31" collide. Qualify one so it says where it comes from ("Company Q31").

Bad::

    label: Q31 (Bonus)     # senior: feature selection vs extraction
    label: Q31             # company: multi-task loss

Good::

    label: Q31 (Bonus)
    label: Company Q31
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from typing import Any

from mlbank.engine.record import Change
from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.paths import bank_order
from mlbank.rules.base import Context, RuleId, question_of, report

RULE = RuleId("MB209", "duplicate-label", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset({"label"})  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def as_read(label: str) -> str:
    """'Q31 (Bonus)' -> 'q31': what a reader takes the label to say."""
    return " ".join(_QUALIFIER.sub("", label).casefold().split())


def check(ctx: Context) -> Iterator[Finding]:
    groups: dict[str, list[tuple[Document, dict[str, Any]]]] = {}
    for doc, data in ctx.questions:
        key = _key(data)
        if key:
            groups.setdefault(key, []).append((doc, data))
    for members in groups.values():
        yield from _group(members)


def _key(data: dict[str, Any]) -> str:
    label = data.get("label")
    return as_read(label) if isinstance(label, str) else ""


def _group(members: list[tuple[Document, dict[str, Any]]]) -> Iterator[Finding]:
    """One label's questions, in bank order: the first keeps it, each other one is reported."""
    (other, first), *rest = members
    for doc, data in rest:
        yield report(
            RULE,
            doc,
            ("label",),
            f"label '{data['label']}' reads the same as '{first['label']}' of {other.display}: "
            "qualify one so each label names one question (e.g. 'Company Q31')",
        )


class Incremental:
    """check() kept between a session's lints: the questions by label, so a change redoes only the
    labels it left and joined."""

    def __init__(self) -> None:
        self._key: dict[str, str] = {}  # display -> its label as read ("" for none)
        self._groups: dict[str, dict[str, tuple[Document, dict[str, Any]]]] = {}

    def check(self, ctx: Context) -> Iterator[Finding]:
        self._key, self._groups = {}, {}
        for doc, data in ctx.questions:
            self._add(doc, data)
        return check(ctx)

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        keys: set[str] = set()
        out: dict[str, list[Finding]] = {}
        for change in changes:
            keys.add(self._remove(change.display))
            held = question_of(change.after)
            if held is not None:
                keys.add(self._add(*held))
            out[change.display] = []
        for key in keys - {""}:
            members = sorted(self._groups.get(key, {}).values(), key=lambda m: bank_order(m[0].path))
            out.update({doc.display: [] for doc, _ in members})
            for finding in _group(members) if members else ():
                out[finding.path].append(finding)
        return out

    def _add(self, doc: Document, data: dict[str, Any]) -> str:
        key = self._key[doc.display] = _key(data)
        if key:
            self._groups.setdefault(key, {})[doc.display] = (doc, data)
        return key

    def _remove(self, display: str) -> str:
        key = self._key.pop(display, "")
        group = self._groups.get(key)
        if group is not None:
            group.pop(display, None)
            if not group:
                del self._groups[key]
        return key
