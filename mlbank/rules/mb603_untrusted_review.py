"""A review stamp that is malformed or was edited by hand, so it is not trusted.

`mlbank review` writes each stamp: `digest` is a hash of `fields`, and `fields` holds a hash of each
reviewed field. A stamp whose digest does not match its fields, or whose date, fields or reviewer
are missing or malformed, was not written by mlbank as it stands, and proves nothing: it is ignored
(the question counts as unreviewed, or is judged by an older trusted stamp). Delete it and record
the review again.

Bad::

    review:
      - by: ana
        on: "2026-12-06"
        digest: 000000000000     # typed in to silence MB600

Good::

    review:
      - by: ana                  # written by `mlbank review q02.yaml --by ana`
        on: "2026-12-06"
        digest: 1f0c2b9d4a7e
        fields: {title: 5d1c0a3e, ...}
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import FieldPath
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB603", "untrusted-review", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        for bad in ctx.review(doc).untrusted:
            stamp = data["review"][bad.item]
            path: FieldPath = ("review", bad.item)
            if bad.field and isinstance(stamp, dict) and bad.field in stamp:
                path = (*path, bad.field)
            yield report(
                RULE,
                doc,
                path,
                f"review stamp not trusted: {bad.reason}; delete it and record the review with "
                "`mlbank review PATH --by NAME`",
            )
