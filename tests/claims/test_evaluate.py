"""The evaluator in-process: exact comparisons, deterministic random points, counterexamples."""

from __future__ import annotations

from mlbank.claims import ClaimSpec
from mlbank.claims.evaluate import evaluate_claim

WRONG = ClaimSpec(
    "rho*sigma^2 + (1 - rho)*sigma^2/M",
    equals="rho*sigma^2 + (1 - rho)*sigma^2",
    domain=(("rho", "[0, 1]"), ("sigma", "(0, 10]"), ("M", "integer [1, 100]")),
)


def test_counterexamples_are_deterministic() -> None:
    first = evaluate_claim(WRONG)
    assert first.status == "fails"
    assert evaluate_claim(WRONG) == first


def test_counterexample_shows_the_point_and_both_values() -> None:
    message = evaluate_claim(WRONG).message
    assert message.startswith("at M=")
    assert "rho=" in message and "sigma=" in message
    assert " but " in message


def test_identities_outside_rational_functions_are_tested_at_points() -> None:
    verdict = evaluate_claim(
        ClaimSpec("max(a, b) - min(a, b)", equals="abs(a - b)", domain=(("a", "[-3, 3]"), ("b", "[-3, 3]")))
    )
    assert verdict.status == "holds"


def test_small_integer_domains_are_checked_exhaustively() -> None:
    verdict = evaluate_claim(
        ClaimSpec("floor(n/2) + ceil(n/2)", equals="n", domain=(("n", "integer [0, 20]"),))
    )
    assert verdict.status == "holds"


def test_transcendental_values_compare_with_certified_digits() -> None:
    assert evaluate_claim(ClaimSpec("exp(1)", says="2.718")).status == "holds"
    assert evaluate_claim(ClaimSpec("exp(1)", says="2.719")).status == "fails"
    assert evaluate_claim(ClaimSpec("sqrt(2)^2", says="2.000000")).status == "holds"
    assert evaluate_claim(ClaimSpec("log2(8)", says="3")).status == "holds"
    assert evaluate_claim(ClaimSpec("log(8, 2)", says="3.0")).status == "holds"


def test_where_values_may_use_each_other() -> None:
    spec = ClaimSpec("a + b", says="6", where=(("a", "b * 2"), ("b", "c + 1"), ("c", "1")))
    assert evaluate_claim(spec).status == "holds"


def test_a_value_exactly_on_a_bound_holds() -> None:
    assert evaluate_claim(ClaimSpec("4.55", says="4.6")).status == "holds"
    assert evaluate_claim(ClaimSpec("4.65", says="4.6")).status == "holds"
    assert evaluate_claim(ClaimSpec("4.6500001", says="4.6")).status == "fails"


def test_identities_between_constants_need_no_domain() -> None:
    assert evaluate_claim(ClaimSpec("(1 - 0.9)^2", equals="1/100")).status == "holds"
    verdict = evaluate_claim(ClaimSpec("(1 - 0.9)^2", equals="1/10"))
    assert verdict.status == "fails"
    assert verdict.message.startswith("the two sides differ: (1 - 0.9)^2 = 1/100 but 1/10 = 1/10")
