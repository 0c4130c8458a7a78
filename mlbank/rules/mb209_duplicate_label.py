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
from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB209", "duplicate-label", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset({"label"})  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)
_QUALIFIER = re.compile(r"\s*\([^()]*\)\s*$")


def as_read(label: str) -> str:
    """'Q31 (Bonus)' -> 'q31': what a reader takes the label to say."""
    return " ".join(_QUALIFIER.sub("", label).casefold().split())


def check(ctx: Context) -> Iterator[Finding]:
    first: dict[str, tuple[Document, str]] = {}
    for doc, data in ctx.questions:
        label = data.get("label")
        if not isinstance(label, str) or not as_read(label):
            continue
        key = as_read(label)
        if key in first:
            other, was = first[key]
            yield report(
                RULE,
                doc,
                ("label",),
                f"label '{label}' reads the same as '{was}' of {other.display}: "
                "qualify one so each label names one question (e.g. 'Company Q31')",
            )
        else:
            first[key] = (doc, label)
