"""The safe parser: what it accepts, the exact values it builds, and where it points when it refuses."""

from __future__ import annotations

from fractions import Fraction

import pytest

from mlbank.claims import ClaimError, free_names, parse_expression
from mlbank.claims.expr import BinOp, Call, Neg, Num, Var


def test_decimal_literals_are_exact_fractions() -> None:
    tree = parse_expression("(1-0.9)^2")
    assert tree == BinOp("^", BinOp("-", Num(Fraction(1)), Num(Fraction(9, 10))), Num(Fraction(2)))


def test_caret_and_double_star_are_the_same_power() -> None:
    assert parse_expression("x^2") == parse_expression("x**2")


def test_unary_minus_and_plus() -> None:
    assert parse_expression("-log(0.01)") == Neg(Call("log", (Num(Fraction(1, 100)),)))
    assert parse_expression("+x") == Var("x")


def test_exponent_literals_come_from_their_text() -> None:
    assert parse_expression("3e-4") == Num(Fraction(3, 10_000))


@pytest.mark.parametrize(
    "text",
    [
        "log(x)",
        "log(x, 2)",
        "ln(x)",
        "log2(x)",
        "log10(x)",
        "exp(x)",
        "sqrt(x)",
        "abs(x)",
        "floor(x)",
        "ceil(x)",
        "factorial(5)",
        "binomial(5, 2)",
        "min(1, 2, 3)",
        "max(a, b)",
    ],
)
def test_whitelisted_functions(text: str) -> None:
    assert isinstance(parse_expression(text), Call)


def test_free_names() -> None:
    tree = parse_expression("rho*sigma^2 + (1 - rho)*sigma^2/M")
    assert free_names(tree) == frozenset({"rho", "sigma", "M"})


def test_columns_survive_the_caret_translation() -> None:
    with pytest.raises(ClaimError) as caught:
        parse_expression("2^3 + a.b")
    assert caught.value.column == 7
    assert "attribute access '.b' at column 7" in caught.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("x[0]", "indexing"),
        ("a < b", "comparison"),
        ("a and b", "'and'/'or'"),
        ("1 % 2", "'%'"),
        ("1 // 2", "'//'"),
        ("~1", "'~'"),
        ("(1, 2)", "tuple"),
        ("[1]", "list"),
        ("{1: 2}", "dict"),
        ("1 if x else 2", "conditional"),
        ("'text'", "literal"),
        ("None", "literal"),
        ("True", "literal"),
        ("1j", "literal"),
        ("0x1F", "plain decimal"),
        ("1_000", "plain decimal"),
        ("log(x, base=2)", "keyword argument"),
        ("log(*xs)", "unpacking"),
        ("max(1)", "at least 2"),
        ("log(1, 2, 3)", "1 to 2"),
        ("binomial(5)", "takes 2"),
        ("sin(x)", "unknown function 'sin'"),
        ("f(x)(y)", "calling"),
        ("__x__", "not a usable name"),
        ("_x", "not a usable name"),
        ("a__b", "not a usable name"),
        ("log + 1", "is a function"),
        ("", "empty"),
        ("   ", "empty"),
        ("1 +", "not an arithmetic expression"),
        ("1e999", "exponent beyond"),
    ],
)
def test_refusals_name_the_construct(text: str, words: str) -> None:
    with pytest.raises(ClaimError) as caught:
        parse_expression(text)
    assert words in caught.value.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("2^3^2", "power tower"),
        ("2^100000", "can reach 100000; the limit is 10000"),
        ("2^-20000", "can reach 20000"),
        ("exp(1001)", "exp()"),
        ("factorial(1001)", "factorial()"),
        ("factorial(2.5)", "whole number"),
        ("factorial(-1)", "whole number"),
        ("binomial(5000, 2)", "binomial()"),
        ("factorial(1000)^10000", "digits"),
        ("(10^300)^100", "digits"),
    ],
)
def test_static_caps(text: str, words: str) -> None:
    with pytest.raises(ClaimError) as caught:
        parse_expression(text)
    assert words in caught.value.message


def test_caps_wait_for_names_and_allow_moderate_values() -> None:
    parse_expression("2^n")  # n's range is only known once where:/domain: bind it
    parse_expression("factorial(1000)")
    parse_expression("(1 - 2*0.01)^100")
    parse_expression("exp(-5000)")


def test_deep_expressions_are_refused_not_crashed() -> None:
    with pytest.raises(ClaimError, match="nested more than"):
        parse_expression("(" * 100 + "1" + ")" * 100)
    with pytest.raises(ClaimError, match="too large"):
        parse_expression("-" * 100 + "1")
    with pytest.raises(ClaimError, match="too large"):
        parse_expression("+".join(["1"] * 150))
