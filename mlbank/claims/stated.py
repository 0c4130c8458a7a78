"""Stated values: the number a question's text prints, and the interval its digits promise.

Precision is half a unit in the last written digit, the rule sig-fig graders use: "4.6" means
[4.55, 4.65] and "4.60" means [4.595, 4.605]. Bounds are inclusive. Forms:

- plain: optional sign, digits with optional "," thousands groups ("10,000"), optional decimals,
  optional exponent ("3e-4" means [2.5e-4, 3.5e-4]: the unit is the mantissa's last digit);
- "87%": the number divided by 100, so [0.865, 0.875];
- "100x" (or with U+00D7, the multiplication sign): a multiplier, the number itself, [99.5, 100.5];
- "N:M": the ratio N/M; the precision comes from N's digits and is scaled by M, so "500:1" is
  [499.5, 500.5] and "1:4" is [0.125, 0.375]. M is taken as exact (it is the reference side).

Digits are ASCII only: ``float('٤.٦') == 4.6`` and ``\\d`` matches Arabic-Indic digits, so neither is
used. No sympy here: this runs in the linter's own process.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from mlbank.claims.errors import ClaimError

_STATED = re.compile(
    r"(?P<sign>[-+]?)"
    r"(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)"
    r"(?:\.(?P<frac>[0-9]+))?"
    r"(?:(?P<e>[eE])(?P<exp>[-+]?[0-9]{1,3}))?"
    r"(?P<suffix>%|x|\u00d7|:(?P<den>[0-9]+(?:\.[0-9]+)?))?",
    re.ASCII,
)
_MAX_RENDERED_DIGITS = 30


@dataclass(frozen=True)
class StatedValue:
    """A stated number: exact value, inclusive interval, and how to write other values like it.

    ``unit`` is one unit in the last written digit of the displayed number (before the %, x or
    ratio scaling); ``scale`` turns the displayed number into the value (1/100 for %, 1/M for N:M).
    """

    text: str
    value: Fraction
    low: Fraction
    high: Fraction
    unit: Fraction = Fraction(1)
    scale: Fraction = Fraction(1)
    places: int = 0
    exponent: str = ""
    suffix: str = ""
    grouped: bool = False

    def render(self, value: Fraction) -> str:
        """Write ``value`` rounded to this number's precision, in the same form ("4.61", "87%")."""
        displayed = value / self.scale
        if self.exponent:
            displayed /= Fraction(10) ** int(self.exponent[1:])
        rounded = _round_half_up(displayed, self.places)
        if rounded.adjusted() > _MAX_RENDERED_DIGITS:
            return format_decimal(value)  # far off the stated number: digits would say nothing
        sign = "-" if rounded < 0 else ""
        whole, _, decimals = f"{abs(rounded):f}".partition(".")
        whole = f"{int(whole):,}" if self.grouped else whole
        body = f"{whole}.{decimals}" if self.places else whole
        return f"{sign}{body}{self.exponent}{self.suffix}"


def parse_stated(text: str, tolerance: str | None = None) -> StatedValue:
    """Read a stated number; ``tolerance`` (same grammar, absolute) widens both sides."""
    stated = _parse(text, "stated value")
    if tolerance is None:
        return stated
    widen = _parse(tolerance, "tolerance").value
    if widen < 0:
        raise ClaimError(f"the tolerance {tolerance!r} is negative: write it as a positive amount")
    return _widened(stated, widen)


def _widened(stated: StatedValue, widen: Fraction) -> StatedValue:
    return StatedValue(
        stated.text,
        stated.value,
        stated.low - widen,
        stated.high + widen,
        stated.unit,
        stated.scale,
        stated.places,
        stated.exponent,
        stated.suffix,
        stated.grouped,
    )


def _parse(text: str, what: str) -> StatedValue:
    stripped = text.strip()
    match = _STATED.fullmatch(stripped)
    if match is None:
        raise ClaimError(
            f"the {what} {text!r} is not a number this checker reads: write it with ASCII digits "
            'like "4.6", "0.92", "3e-4", "87%", "100x" or "500:1"'
        )
    digits = match["int"].replace(",", "") + "." + (match["frac"] or "0")
    places = len(match["frac"] or "")
    power = Fraction(10) ** int(match["exp"] or 0)
    displayed = Fraction(digits) * power
    if match["sign"] == "-":
        displayed = -displayed
    unit = Fraction(1, 10**places) * power
    scale = _scale(match["suffix"] or "", match["den"], text)
    half = unit / 2 * scale
    value = displayed * scale
    exponent = f"{match['e']}{match['exp']}" if match["e"] else ""
    return StatedValue(
        stripped,
        value,
        value - half,
        value + half,
        unit,
        scale,
        places,
        exponent,
        match["suffix"] or "",
        "," in match["int"],
    )


def _scale(suffix: str, denominator: str | None, text: str) -> Fraction:
    if suffix == "%":
        return Fraction(1, 100)
    if denominator is None:
        return Fraction(1)
    den = Fraction(denominator)
    if den == 0:
        raise ClaimError(f"the ratio {text!r} divides by zero: write it as N:M with M > 0")
    return 1 / den


def _round_half_up(value: Fraction, places: int) -> Decimal:
    """Round half away from zero, as people round printed numbers (the interval is inclusive)."""
    with localcontext() as context:
        whole_digits = (abs(value.numerator) // value.denominator).bit_length() * 30103 // 100000
        context.prec = max(60, whole_digits + places + 10)
        exact = Decimal(value.numerator) / Decimal(value.denominator)
        return exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def format_decimal(value: Fraction, digits: int = 15) -> str:
    """A value for people: ``digits`` significant digits, trailing zeros dropped, exact if short."""
    if value == 0:
        return "0"
    with localcontext() as context:
        context.prec = digits
        number = (Decimal(value.numerator) / Decimal(value.denominator)).normalize()
    if -7 <= number.adjusted() < 16:
        return f"{number:f}"
    return f"{number:e}".replace("e+", "e")


def format_exact(value: Fraction) -> str:
    """An interval bound: its exact decimal when that is short, else 15 significant digits."""
    text = format_decimal(value, 30)
    if Fraction(Decimal(text)) == value and len(text.lstrip("-0.")) <= 20:
        return text
    return format_decimal(value)
