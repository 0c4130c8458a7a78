"""A question no one has reviewed (no trusted review stamp).

Machine checks cannot tell whether an answer is right; a reviewer other than its author can. Have
the question reviewed against docs/REVIEWING.md, then record it with
`mlbank review PATH --by NAME`, which writes a stamp holding digests of what was reviewed.
Stamps written by hand are not trusted (MB603), so they do not count here.

Bad::

    id: q02
    answer: |
      ...                      # never reviewed

Good::

    id: q02
    answer: |
      ...
    review:
      - by: expert-review-2026-12
        on: "2026-12-06"
        digest: 1f0c2b9d4a7e
        fields: {title: 5d1c..., prompt: ..., answer: ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB600", "unreviewed", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        state = ctx.review(doc)
        if state.stamp is not None:
            continue
        why = "no review stamp" if not state.untrusted else "no trusted review stamp (see MB603)"
        path = ("review",) if "review" in data else ("id",)
        yield report(
            RULE,
            doc,
            path,
            f"{why}: have someone other than its author review it against docs/REVIEWING.md, "
            "then run `mlbank review PATH --by NAME`",
            key=True,
        )
