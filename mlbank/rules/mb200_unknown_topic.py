"""A topic tag is not declared in topics.yaml.

Topics are a closed taxonomy: exporters build pages and Anki tags from them, and `mlbank stats`
counts coverage per topic. A typo would silently create a topic of one.

Bad::

    topics: [bias-varience]

Good::

    topics: [bias-variance]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, did_you_mean, report

RULE = RuleId("MB200", "unknown-topic", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    known = set(ctx.topic_ids)
    if ctx.bank.topics is None:
        return
    for doc, data in ctx.questions:
        topics = data.get("topics")
        for i, topic in enumerate(topics if isinstance(topics, list) else []):
            if isinstance(topic, str) and topic not in known:
                yield report(
                    RULE,
                    doc,
                    ("topics", i),
                    f"topic '{topic}' is not declared in topics.yaml{did_you_mean(topic, known)}",
                )
