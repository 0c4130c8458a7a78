"""Domains of identity claims: where a free name ranges, e.g. "[0, 1]", "(0, 10]", "integer [1, 100]".

Square brackets include the bound, round ones exclude it; the bounds are numbers as in stated
values ("10,000" and "50%" read as 10000 and 0.5). Because "," both separates the bounds and groups
thousands, every comma is tried as the separator and exactly one split must read as two numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from mlbank.claims.errors import ClaimError
from mlbank.claims.stated import parse_stated

_DOMAIN = re.compile(r"(?P<integer>integer\s+)?(?P<open>[\[(])(?P<body>[^\[\]()]*)(?P<close>[\])])")


@dataclass(frozen=True)
class Domain:
    text: str
    low: Fraction
    high: Fraction
    low_open: bool
    high_open: bool
    integer: bool

    def contains(self, value: Fraction) -> bool:
        above = value > self.low if self.low_open else value >= self.low
        below = value < self.high if self.high_open else value <= self.high
        return above and below and (not self.integer or value.denominator == 1)

    def integer_bounds(self) -> tuple[int, int]:
        """The first and last whole numbers inside (empty when first > last)."""
        first = math.floor(self.low) + 1 if self.low_open else math.ceil(self.low)
        last = math.ceil(self.high) - 1 if self.high_open else math.floor(self.high)
        return first, last


def parse_domain(text: str) -> Domain:
    match = _DOMAIN.fullmatch(text.strip())
    if match is None:
        raise ClaimError(
            f'the domain {text!r} is not an interval: write it like "[0, 1]", "(0, 10]" or "integer [1, 100]"'
        )
    low, high = _bounds(match["body"], text)
    domain = Domain(
        text.strip(),
        low,
        high,
        match["open"] == "(",
        match["close"] == ")",
        match["integer"] is not None,
    )
    _check_not_empty(domain)
    return domain


def _bounds(body: str, text: str) -> tuple[Fraction, Fraction]:
    splits: list[tuple[Fraction, Fraction]] = []
    for index, char in enumerate(body):
        if char != ",":
            continue
        try:
            low = parse_stated(body[:index]).value
            high = parse_stated(body[index + 1 :]).value
        except ClaimError:
            continue
        splits.append((low, high))
    if len(splits) != 1:
        raise ClaimError(
            f"the domain {text!r} does not read as two numbers: write the lower and upper bound "
            'separated by ", ", like "[0, 1]"'
        )
    return splits[0]


def _check_not_empty(domain: Domain) -> None:
    if domain.integer:
        first, last = domain.integer_bounds()
        empty = first > last
    elif domain.low_open or domain.high_open:
        empty = domain.low >= domain.high
    else:
        empty = domain.low > domain.high
    if empty:
        raise ClaimError(
            f"the domain {domain.text!r} contains no value"
            + (" (no whole number)" if domain.integer else "")
            + ": check the bounds and whether each bracket includes its bound"
        )
