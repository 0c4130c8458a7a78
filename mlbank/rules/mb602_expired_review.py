"""The question's review is older than `review-max-age` days.

What a strong candidate is expected to know moves (a 2023 answer on preference tuning is dated in
2026), so a bank can ask for every question to be reviewed again after a while: set
`review-max-age = 365` (days) in `[tool.mlbank]`. Off by default: without it, reviews never expire.

Bad::

    # review-max-age = 365
    review:
      - {by: ana, on: "2024-05-02", digest: ..., fields: {...}}

Good::

    review:
      - {by: ana, on: "2024-05-02", digest: ..., fields: {...}}
      - {by: ben, on: "2026-11-20", digest: ..., fields: {...}}
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB602", "expired-review", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    max_age = ctx.options.review_max_age
    if max_age is None:
        return
    today = ctx.options.on_day()
    for doc, _ in ctx.questions:
        state = ctx.review(doc)
        if state.stamp is None or not state.expired(today, max_age):
            continue
        yield report(
            RULE,
            doc,
            ("review", state.stamp.item, "on"),
            f"the review by {state.stamp.by} on {state.stamp.on} is {state.age(today)} days old "
            f"(review-max-age is {max_age}): review it again, then run `mlbank review PATH --by NAME`",
        )
