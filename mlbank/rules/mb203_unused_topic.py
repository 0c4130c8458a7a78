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

from collections import Counter
from collections.abc import Container, Iterator, Sequence
from typing import Any

from mlbank.engine.record import Change
from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, question_of, report

RULE = RuleId("MB203", "unused-topic", Severity.WARNING)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset({"topics"})  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    used = {t for _, q in ctx.questions for t in _topics(q)}
    yield from _unused(ctx, used)


def _topics(data: dict[str, Any]) -> list[str]:
    topics = data.get("topics")
    return [t for t in topics if isinstance(t, str)] if isinstance(topics, list) else []


def _unused(ctx: Context, used: Container[str]) -> Iterator[Finding]:
    doc = ctx.bank.topics
    if doc is None:
        return
    for i, topic in enumerate(ctx.topic_ids):
        if topic not in used:
            yield report(RULE, doc, ("topics", i, "id"), f"no question is tagged with topic '{topic}'")


class Incremental:
    """check() kept between a session's lints: how many times each topic is used. Only a change
    that puts a topic into use or out of it redoes topics.yaml's findings."""

    def __init__(self) -> None:
        self._used: Counter[str] = Counter()  # keys: exactly the topics in use
        self._tagged: dict[str, list[str]] = {}  # display -> its topics

    def check(self, ctx: Context) -> Iterator[Finding]:
        self._used, self._tagged = Counter(), {}
        for doc, data in ctx.questions:
            self._tag(doc.display, _topics(data))
        return check(ctx)

    def update(self, ctx: Context, changes: Sequence[Change]) -> dict[str, list[Finding]]:
        before = set(self._used)
        for change in changes:
            for topic in self._tagged.pop(change.display, []):
                self._used[topic] -= 1
                if not self._used[topic]:
                    del self._used[topic]
            held = question_of(change.after)
            if held is not None:
                self._tag(change.display, _topics(held[1]))
        doc = ctx.bank.topics
        if doc is None or before == self._used.keys():
            return {}
        return {doc.display: list(_unused(ctx, self._used))}

    def _tag(self, display: str, topics: list[str]) -> None:
        self._tagged[display] = topics
        self._used.update(topics)
