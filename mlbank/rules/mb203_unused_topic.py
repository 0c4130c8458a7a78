"""A topic in topics.yaml that no question is tagged with.

Either the bank has a gap (write a question for it) or the taxonomy has a stale entry (remove it).
This is a warning: a new topic page may be declared before its questions are written.

Bad::

    topics:
      - id: kernel-methods      # no question has topics: [kernel-methods]

Good::

    topics:
      - id: kernel-methods      # and q46 has topics: [kernel-methods]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB203", "unused-topic", Severity.WARNING)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset({"topics"})  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    doc = ctx.bank.topics
    if doc is None:
        return
    used = {
        t
        for _, q in ctx.questions
        if isinstance(q.get("topics"), list)
        for t in q["topics"]
        if isinstance(t, str)
    }
    for i, topic in enumerate(ctx.topic_ids):
        if topic not in used:
            yield report(RULE, doc, ("topics", i, "id"), f"no question is tagged with topic '{topic}'")
