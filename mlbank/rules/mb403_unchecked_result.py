"""A number the prose states as a computed result, with no claim behind it.

A number right after `=`, `≈` or `\\approx`, a multiplier like `100x`, a ratio like `500:1`, or a
percentage followed by "of" reads as the result of a calculation; add a `worked:` claim whose
`says` is that number, so mlbank proves it on every commit. Settings are not results: write "a
learning rate of 3e-4", not "lr = 3e-4".

Bad::

    answer: |
      The factor $(1-0.9)^2$ cuts the loss 100x.

Good::

    answer: |
      The factor $(1-0.9)^2$ cuts the loss 100x.
    worked:
      - says: "100x"
        expr: 1/(1 - 0.9)^2
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, at

RULE = RuleId("MB403", "unchecked-result", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.claims import find_stated_results

    for doc, data in ctx.questions:
        worked = data.get("worked")
        covered = {c.get("says") for c in (worked if isinstance(worked, list) else []) if isinstance(c, dict)}
        for path, text in ctx.prose(doc):
            for offset, token in find_stated_results(text):
                if token not in covered:
                    yield at(
                        RULE,
                        doc,
                        doc.text_position(path, offset),
                        f'"{token}" reads as a computed result but no claim proves it: '
                        f'add a worked: claim with says: "{token}"',
                    )
