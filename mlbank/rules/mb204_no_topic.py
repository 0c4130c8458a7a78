"""A question has no topic tag.

Every question belongs to at least one topic of the taxonomy: it is how learners find it, how
exporters file it, and how the deep-dive page is linked.

Bad::

    topics: []

Good::

    topics: [evaluation-metrics]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB204", "no-topic", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        topics = data.get("topics")
        if "topics" not in data:
            yield report(RULE, doc, (), "missing 'topics': tag the question with at least one topic id")
        elif topics is None or topics == []:
            yield report(
                RULE,
                doc,
                ("topics",),
                "'topics' is empty: tag the question with at least one topic id",
            )
