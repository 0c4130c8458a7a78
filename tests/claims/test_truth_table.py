"""The truth table: real claims through the real worker, in one batch (one worker start)."""

from __future__ import annotations

import pytest

from mlbank.claims import ClaimSpec, Verdict, check_claims

BAGGING = "rho*sigma^2 + (1 - rho)*sigma^2/M"
BAGGING_DOMAIN = (("rho", "[0, 1]"), ("sigma", "(0, 10]"), ("M", "integer [1, 100]"))
SMOOTHING_DOMAIN = (("eps", "[0, 1]"), ("K", "integer [2, 1000]"))
SHELL = (("eps", "0.01"), ("d", "100"))

# (spec, status, words the message must contain)
TABLE: list[tuple[ClaimSpec, str, list[str]]] = [
    (ClaimSpec("-log(0.01)", says="4.6"), "holds", ["4.60517018598809", "rounds to 4.6 "]),
    (
        ClaimSpec("-log(0.01)", says="4.60"),
        "fails",
        ['rounds to 4.61 at the stated precision of "4.60"', "[4.595, 4.605]"],
    ),
    (ClaimSpec("-log(0.01)", says="4.7"), "fails", ["rounds to 4.6 "]),
    (ClaimSpec("-log(0.4)", says="0.92"), "holds", []),
    (ClaimSpec("1 - (1 - 2*eps)^d", says="87%", where=SHELL), "holds", ["rounds to 87%"]),
    (ClaimSpec("1 - (1 - 2*eps)^d", says="78%", where=SHELL), "fails", ["rounds to 87%", "[0.775, 0.785]"]),
    (ClaimSpec("1/(1 - 0.9)^2", says="100x"), "holds", []),
    (ClaimSpec("1/(1 - 0.9)^2", says="10x"), "fails", ["rounds to 100x"]),
    (ClaimSpec("0.9^2", says="0.81"), "holds", []),
    (ClaimSpec("50/500", says="0.1"), "holds", []),
    (ClaimSpec("50/500", says="0.2"), "fails", []),
    (ClaimSpec("(1 - 0.9)^2", says="0.01"), "holds", ["= 0.01,"]),
    (ClaimSpec("(1 - 0.9)^2", equals="1/100"), "holds", ["proved"]),
    (ClaimSpec("1/0.002", says="500:1"), "holds", []),
    (ClaimSpec("1000/10", says="100:1"), "holds", []),
    (ClaimSpec("0.45", says="0.4"), "holds", []),  # on the bound: bounds are inclusive
    (ClaimSpec("0.4501", says="0.4"), "fails", []),
    (ClaimSpec("-log(0.01)", says="4.8", tolerance="0.2"), "holds", ["tolerance 0.2"]),
    (ClaimSpec("-log(0.01)", says="4.8", tolerance="0.1"), "fails", ["widen the tolerance"]),
    (ClaimSpec("log(4) - 2*log(2)", says="0"), "holds", []),  # exactly 0, though sympy keeps the logs
    (ClaimSpec("log(100)/log(10)", says="2.00"), "holds", []),
    (
        ClaimSpec(BAGGING, equals="(M*sigma^2 + M*(M - 1)*rho*sigma^2)/M^2", domain=BAGGING_DOMAIN),
        "holds",
        [],
    ),
    (
        ClaimSpec(BAGGING, equals="rho*sigma^2 + (1 - rho)*sigma^2", domain=BAGGING_DOMAIN),
        "fails",
        ["at M=", "differ"],
    ),
    (ClaimSpec("(1 - eps + eps/K) + (K - 1)*(eps/K)", equals="1", domain=SMOOTHING_DOMAIN), "holds", []),
    (ClaimSpec("(1 - eps) + (K - 1)*(eps/K)", equals="1", domain=SMOOTHING_DOMAIN), "fails", ["differ"]),
    (
        ClaimSpec(
            "sigma2", equals="1/(2*lam)", where=(("sigma2", "1/(2*lam)"),), domain=(("lam", "(0, 10]"),)
        ),
        "holds",
        [],
    ),
    (
        ClaimSpec("max(a, b) + min(a, b)", equals="a + b", domain=(("a", "[-5, 5]"), ("b", "[-5, 5]"))),
        "holds",
        [],
    ),
    (ClaimSpec("floor(x) + 1", equals="ceil(x)", domain=(("x", "[0, 10]"),)), "fails", ["differ"]),
    (ClaimSpec("n*(n + 1)/2", equals="binomial(n + 1, 2)", domain=(("n", "integer [0, 10]"),)), "holds", []),
    (ClaimSpec("1/x", equals="2/x", domain=(("x", "[0, 0]"),)), "invalid", ["not both defined"]),
    (ClaimSpec("x + 1", says="2"), "invalid", ["unbound name 'x'"]),
    (
        ClaimSpec("x + y", equals="y + x", domain=(("x", "[0, 1]"),)),
        "invalid",
        ["unbound name 'y': bind it in where: or declare it in domain:"],
    ),
    (ClaimSpec("1/0", says="1"), "invalid", ["undefined"]),
    (ClaimSpec("sqrt(-1)", says="1"), "invalid", ["not a real number"]),
    (ClaimSpec("1", says="1", equals="1"), "invalid", ["not both"]),
]


@pytest.fixture(scope="module")
def verdicts() -> list[Verdict]:
    return check_claims([spec for spec, _, _ in TABLE])


@pytest.mark.parametrize(
    "index", range(len(TABLE)), ids=[spec.expr + " " + str(spec.says or spec.equals) for spec, _, _ in TABLE]
)
def test_truth_table(verdicts: list[Verdict], index: int) -> None:
    _, status, words = TABLE[index]
    verdict = verdicts[index]
    assert verdict.status == status, verdict.message
    for word in words:
        assert word in verdict.message


def test_value_claims_report_value_and_rounding(verdicts: list[Verdict]) -> None:
    assert verdicts[1].value == "4.60517018598809"
    assert verdicts[1].rounded == "4.61"
    assert verdicts[11].value == "0.01"


def test_messages_that_fail_say_what_to_do(verdicts: list[Verdict]) -> None:
    for verdict in verdicts:
        if verdict.status != "holds":
            assert ": " in verdict.message
            assert verdict.message.endswith(".")
