"""The question changed since its review: the stamp no longer covers what a learner reads.

A stamp keeps a digest of each reviewed field (title, prompt, answer, rubric, worked, topics, see,
companies, level, time_minutes) as data, so reformatting, reordering keys, quoting and comments never
make it stale, and any change of substance does. The finding names the fields that changed; have
them reviewed again, then record a new stamp with `mlbank review`.

Bad::

    answer: |
      Binary cross-entropy ...   # edited after the review of 2026-12-06
    review:
      - {by: ana, on: "2026-12-06", digest: ..., fields: {...}}

Good::

    answer: |
      Binary cross-entropy ...
    review:
      - {by: ana, on: "2026-12-06", digest: ..., fields: {...}}
      - {by: ana, on: "2026-12-09", digest: ..., fields: {...}}   # reviewed again after the edit
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.review import changed_words
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB601", "stale-review", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, _ in ctx.questions:
        state = ctx.review(doc)
        if state.stamp is None or not state.changed:
            continue
        stamp = state.stamp
        verb = "changed" if len(state.changed) == 1 else "have changed"
        yield report(
            RULE,
            doc,
            ("review", stamp.item),
            f"{changed_words(state.changed)} {verb} since the review by {stamp.by} on {stamp.on}: "
            "have the change reviewed, then run `mlbank review PATH --by NAME`",
        )
