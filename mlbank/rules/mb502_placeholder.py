"""A text still holds a TODO placeholder.

`mlbank new` writes every required field with a `TODO` placeholder so the question cannot be
committed half-written; replace each one with real content.

Bad::

    answer: |
      TODO: write the model answer

Good::

    answer: |
      Dropout zeroes each activation with probability p during training ...
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, at

RULE = RuleId("MB502", "placeholder", Severity.ERROR)
TODO = re.compile(r"\bTODO\b")


def check(ctx: Context) -> Iterator[Finding]:
    for doc, _ in ctx.questions:
        for path, text in ctx.prose(doc):
            match = TODO.search(text) if "TODO" in text else None
            if match:
                yield at(
                    RULE,
                    doc,
                    doc.text_position(path, match.start()),
                    f"{'.'.join(str(p) for p in path)} still holds a TODO placeholder: write it",
                )
