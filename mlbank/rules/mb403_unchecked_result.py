"""A number the prose states as a computed result, with no claim behind it.

Each of these reads as the result of a calculation: a number right after `=`, `≈` or `\\approx`; a
multiplier like `100x`; a ratio like `500:1`; a percentage followed by "of"; a number after "comes
to", "works out to", "amounts to", "adds up to" or "equals"; and a number with the digits of a
computation (two or more significant digits, not a whole number) after "about", "around",
"roughly", "approximately", "nearly", "almost" or `~`. Add a `worked:` claim whose `says` is that
number, so mlbank proves it on every commit.

Settings are not results. A lone symbol set to a number (`$T = 2$`, `$\\alpha = 0.25$`,
`batch_size = 32`) is never flagged, nor is a round estimate after a hedge ("about 0.2%", "about 50
dimensions"). Any other given number that reads like a result ("a base rate of about 0.245") goes
under `settings:`, written as in the prose; lint then asks no claim for it, and learners never see
the list. A `settings:` entry that no flagged number uses, or that a claim already proves, is
reported too, so the list cannot go stale.

Bad::

    answer: |
      The factor $(1-0.9)^2$ cuts the loss 100x, to about 0.00105.

Good::

    answer: |
      The factor $(1-0.9)^2$ cuts the loss 100x, to about 0.00105.
    worked:
      - says: "100x"
        expr: 1/(1 - 0.9)^2
      - says: "0.00105"
        expr: -(1 - 0.9)^2*log(0.9)

    answer: |
      With temperature $T = 2$ and a base rate of about 0.245 ...
    settings: ["0.245"]        # a given, not a result: no claim needed
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.loader import Document
from mlbank.rules.base import Context, RuleId, at, report

RULE = RuleId("MB403", "unchecked-result", Severity.WARNING)


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.claims import find_stated_results

    for doc, data in ctx.questions:
        says = [c.get("says") for c in _items(data.get("worked")) if isinstance(c, dict)]
        claimed = {s for s in says if isinstance(s, str)}  # a malformed says is MB100's to report
        given = {s for s in _items(data.get("settings")) if isinstance(s, str)}
        flagged: set[str] = set()
        for path, text in ctx.prose(doc):
            for offset, token in find_stated_results(text):
                flagged.add(token)
                if token not in claimed and token not in given:
                    yield at(
                        RULE,
                        doc,
                        doc.text_position(path, offset),
                        f'"{token}" reads as a computed result but no claim proves it: add a worked: '
                        f'claim with says: "{token}", or, if it is a given rather than a result, '
                        f'list "{token}" under settings:',
                    )
        yield from _unused_settings(doc, data.get("settings"), claimed, flagged)


def _unused_settings(doc: Document, settings: Any, claimed: set[Any], flagged: set[str]) -> Iterator[Finding]:
    for i, entry in enumerate(_items(settings)):
        if not isinstance(entry, str):
            continue  # the schema rules report it
        if entry in claimed:
            message = f'settings: lists "{entry}", which a worked: claim proves: remove it from settings:'
        elif entry not in flagged:
            message = (
                f'settings: lists "{entry}" but no number in the prose reads as a result written '
                f'"{entry}": remove it (a lone symbol set to a number is already a setting)'
            )
        else:
            continue
        yield report(RULE, doc, ("settings", i), message)


def _items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []
