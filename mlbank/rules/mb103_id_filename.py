"""The question's id does not match its file name.

Files are named `<id>-<slug>.yaml` so that a reader finds a question by id in one step, and so that
two files cannot silently claim the same question. `mlbank lint --fix` renames the file when the id
is right and unique.

Bad::

    # bank/questions/screening/q02-loss-functions.yaml
    id: q03

Good::

    # bank/questions/screening/q03-l1-vs-l2.yaml
    id: q03
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB103", "id-filename", Severity.ERROR)
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        qid = data.get("id")
        if not isinstance(qid, str) or not qid:
            continue  # an empty id is MB100's to report
        stem = doc.path.name.rsplit(".", 1)[0]
        if stem != qid and not stem.startswith(qid + "-"):
            yield report(
                RULE,
                doc,
                ("id",),
                f"id '{qid}' does not match the file name '{doc.path.name}': "
                f"name the file {qid}-<slug>.yaml or correct the id",
            )
        elif stem != qid and not SLUG.match(stem[len(qid) + 1 :]):
            yield report(RULE, doc, ("id",), f"file name '{doc.path.name}' has a slug that is not kebab-case")
