"""The question id scheme: a section's letter prefix, then a number zero-padded to two digits (q07, qf12).

Ids are compared by meaning here, not by spelling: `q2`, `q002` and `Q-2` all name q02, while `q42`
is a different question however close it is as text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import NamedTuple

_NUMBERED = re.compile(r"([a-z]+)([0-9]+)")
_SEPARATORS = re.compile(r"[-_ .]")
PAD = 2  # digits a new id's number is padded to


class NumberedId(NamedTuple):
    prefix: str
    number: int


def parse(value: str) -> NumberedId | None:
    """`q07` -> ('q', 7); also reads the slips `Q7` and `q-7`; None for names such as `loss-functions`."""
    match = _NUMBERED.fullmatch(_SEPARATORS.sub("", value.lower()))
    return NumberedId(match.group(1), int(match.group(2))) if match else None


def same_question(value: str, choices: Iterable[str]) -> str | None:
    """The id among `choices` that `value` means: the same number, with the same or closest prefix."""
    wanted = parse(value)
    if wanted is None:
        return None
    # sorted: the answer must not depend on the order of `choices` (often a set) when two ids
    # share a prefix and number ("q2", "q02")
    by_prefix = {
        p.prefix: c for c in sorted(choices) if (p := parse(c)) is not None and p.number == wanted.number
    }
    if wanted.prefix in by_prefix:
        return by_prefix[wanted.prefix]
    close = difflib.get_close_matches(wanted.prefix, list(by_prefix), n=1, cutoff=0.5)
    return by_prefix[close[0]] if close else None


def next_free(prefix: str, taken: Iterable[str]) -> str:
    """`prefix` followed by one more than the highest number any id in `taken` has with that prefix."""
    numbers = [p.number for qid in taken if (p := parse(qid)) is not None and p.prefix == prefix]
    return f"{prefix}{max(numbers, default=0) + 1:0{PAD}d}"
