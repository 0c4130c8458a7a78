"""Stated values: the interval a number's digits promise, checked by example and by property."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mlbank.claims import ClaimError, parse_stated
from mlbank.claims.domain import parse_domain
from mlbank.claims.stated import format_decimal, format_exact

F = Fraction


@pytest.mark.parametrize(
    ("text", "value", "low", "high"),
    [
        ("4.6", F("4.6"), F("4.55"), F("4.65")),
        ("4.60", F("4.6"), F("4.595"), F("4.605")),
        ("87%", F("0.87"), F("0.865"), F("0.875")),
        ("99.9%", F("0.999"), F("0.9985"), F("0.9995")),
        ("100x", F(100), F("99.5"), F("100.5")),
        ("100\u00d7", F(100), F("99.5"), F("100.5")),
        ("100:1", F(100), F("99.5"), F("100.5")),
        ("500:1", F(500), F("499.5"), F("500.5")),
        ("1:4", F(1, 4), F(1, 8), F(3, 8)),
        ("500", F(500), F("499.5"), F("500.5")),
        ("10,000", F(10_000), F("9999.5"), F("10000.5")),
        ("3e-4", F(3, 10_000), F("2.5e-4"), F("3.5e-4")),
        ("1.5e3", F(1500), F(1450), F(1550)),
        ("-2.5", F("-2.5"), F("-2.55"), F("-2.45")),
        ("0", F(0), F("-0.5"), F("0.5")),
    ],
)
def test_precision_examples(text: str, value: Fraction, low: Fraction, high: Fraction) -> None:
    stated = parse_stated(text)
    assert (stated.value, stated.low, stated.high) == (value, low, high)


def test_tolerance_widens_both_sides() -> None:
    stated = parse_stated("4.6", "0.1")
    assert (stated.low, stated.high) == (F("4.45"), F("4.75"))


@pytest.mark.parametrize(
    "text",
    ["\u0664.\u0666", "4\u0666", "\uff14.6", "4.6.", ".5", "5.", "4,6", "1:0", "abc", "", "4.6 %", "1e5000"],
)
def test_refused_stated_values(text: str) -> None:
    with pytest.raises(ClaimError):
        parse_stated(text)


def test_negative_tolerance_is_refused() -> None:
    with pytest.raises(ClaimError, match="negative"):
        parse_stated("4.6", "-0.1")


@pytest.mark.parametrize(
    ("text", "value", "rendered"),
    [
        ("4.60", F("4.60517"), "4.61"),
        ("4.7", F("4.60517"), "4.6"),
        ("87%", F("0.867380"), "87%"),
        ("78%", F("0.867380"), "87%"),
        ("10x", F(100), "100x"),
        ("500:1", F(499), "499:1"),
        ("10,000", F(12_345), "12,345"),
        ("3e-4", F("3.21e-4"), "3e-4"),
        ("0.1", F("0.25"), "0.3"),
    ],
)
def test_render_writes_a_value_the_way_the_author_wrote_the_stated_one(
    text: str, value: Fraction, rendered: str
) -> None:
    assert parse_stated(text).render(value) == rendered


def test_formatting_for_messages() -> None:
    assert format_decimal(F(1, 3)) == "0.333333333333333"
    assert format_decimal(F(1, 100)) == "0.01"
    assert format_decimal(F(10) ** 20) == "1e20"
    assert format_exact(F("4.595")) == "4.595"


@pytest.mark.parametrize(
    ("text", "low", "high", "low_open", "high_open", "integer"),
    [
        ("[0, 1]", F(0), F(1), False, False, False),
        ("(0, 10]", F(0), F(10), True, False, False),
        ("[0, 1)", F(0), F(1), False, True, False),
        ("integer [1, 100]", F(1), F(100), False, False, True),
        ("[1,000, 2,000]", F(1000), F(2000), False, False, False),
    ],
)
def test_domains(
    text: str, low: Fraction, high: Fraction, low_open: bool, high_open: bool, integer: bool
) -> None:
    domain = parse_domain(text)
    assert (domain.low, domain.high, domain.low_open, domain.high_open, domain.integer) == (
        low,
        high,
        low_open,
        high_open,
        integer,
    )


@pytest.mark.parametrize("text", ["[1, 0]", "(1, 1)", "integer (1, 2)", "0, 1", "[0 1]", "[a, b]"])
def test_refused_domains(text: str) -> None:
    with pytest.raises(ClaimError):
        parse_domain(text)


# --- properties of the precision rule ----------------------------------------------------------

decimals = st.tuples(
    st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=8)
)


def _written(mantissa: int, places: int) -> str:
    sign = "-" if mantissa < 0 else ""
    digits = str(abs(mantissa)).rjust(places + 1, "0")
    return sign + (f"{digits[:-places]}.{digits[-places:]}" if places else digits)


@given(decimals)
def test_interval_is_half_a_unit_in_the_last_digit(decimal: tuple[int, int]) -> None:
    mantissa, places = decimal
    value = F(mantissa, 10**places)
    stated = parse_stated(_written(mantissa, places))
    half = F(5, 10 ** (places + 1))
    assert stated.value == value
    assert (stated.low, stated.high) == (value - half, value + half)
    assert stated.low <= stated.value <= stated.high


@given(decimals, st.fractions(min_value=0, max_value=1))
def test_every_point_inside_rounds_back_to_the_stated_digits(
    decimal: tuple[int, int], where: Fraction
) -> None:
    mantissa, places = decimal
    value = F(mantissa, 10**places)
    stated = parse_stated(_written(mantissa, places))
    point = stated.low + (stated.high - stated.low) * where
    rounded = round(point, places)  # exact on Fractions, ties to even
    if stated.low < point < stated.high:
        assert rounded == value
    else:  # an endpoint is a tie: it rounds to the stated value or to its neighbour
        assert abs(point - value) == F(5, 10 ** (places + 1))
        assert rounded in (value, value + 2 * (point - value))


@given(decimals)
def test_render_round_trips(decimal: tuple[int, int]) -> None:
    text = _written(*decimal)
    stated = parse_stated(text)
    assert stated.render(stated.value) in (text, text.replace("-", "", 1))  # "-0.0" renders "0.0"


@given(st.integers(min_value=0, max_value=10**6), st.integers(min_value=1, max_value=1000))
def test_suffix_forms_scale_the_same_interval(number: int, denominator: int) -> None:
    assert (parse_stated(f"{number}%").low, parse_stated(f"{number}%").high) == (
        F(2 * number - 1, 200),
        F(2 * number + 1, 200),
    )
    assert (parse_stated(f"{number}x").low, parse_stated(f"{number}x").high) == (
        number - F(1, 2),
        number + F(1, 2),
    )
    ratio = parse_stated(f"{number}:{denominator}")
    assert (ratio.value, ratio.low, ratio.high) == (
        F(number, denominator),
        (number - F(1, 2)) / denominator,
        (number + F(1, 2)) / denominator,
    )


@given(st.integers(min_value=1, max_value=9999), st.integers(min_value=-30, max_value=30))
def test_exponent_precision_is_the_mantissas_last_digit(mantissa: int, exponent: int) -> None:
    stated = parse_stated(f"{mantissa}e{exponent}")
    scale = F(10) ** exponent
    assert (stated.low, stated.high) == ((mantissa - F(1, 2)) * scale, (mantissa + F(1, 2)) * scale)


@given(
    st.text(
        alphabet=st.characters(categories=["Nd"]).filter(lambda c: not "0" <= c <= "9"),
        min_size=1,
        max_size=4,
    )
)
def test_non_ascii_digits_are_never_read(text: str) -> None:
    with pytest.raises(ClaimError):
        parse_stated(text)
