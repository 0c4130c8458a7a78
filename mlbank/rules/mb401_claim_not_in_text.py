"""A claim's `says` number does not appear in the question's text.

`says` must appear verbatim in the prompt, the answer or a rubric level, so the number a learner
reads and the number mlbank proves cannot drift apart: edit one and lint fails until the other
follows. A match must stand alone: "4.6" is not found inside "4.65" or "14.6".

Bad::

    answer: |
      ... a loss of about 4.7 ...
    worked:
      - says: "4.6"
        expr: -log(0.01)

Good::

    answer: |
      ... a loss of about 4.6 ...
    worked:
      - says: "4.6"
        expr: -log(0.01)
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB401", "claim-not-in-text", Severity.ERROR)


def appears(says: str, texts: list[str]) -> bool:
    """`says` as a whole number token: no digit, decimal point or letter glued to either side."""
    literal = re.escape(says)
    # The "nothing glued before" test is a lookbehind over `says` itself, placed after it, so the
    # pattern starts with a literal and the regex engine jumps from one occurrence to the next.
    pattern = re.compile(rf"{literal}(?<![0-9A-Za-z.]{literal})(?![0-9A-Za-z]|\.[0-9])")
    return any(pattern.search(t) for t in texts)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        texts = [text for path, text in ctx.prose(doc) if path[0] != "title"]
        worked = data.get("worked")
        for i, claim in enumerate(worked if isinstance(worked, list) else []):
            says = claim.get("says") if isinstance(claim, dict) else None
            if isinstance(says, str) and says.strip() and not appears(says, texts):
                yield report(
                    RULE,
                    doc,
                    ("worked", i, "says"),
                    f'says "{says}" but the prompt, answer and rubric never state {says}: '
                    "make the claim match the text (or the text match the claim)",
                )
