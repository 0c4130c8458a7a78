"""run_calc: the mlbank calc command's exit codes and printed lines."""

from __future__ import annotations

import pytest

from mlbank.claims import run_calc


def test_a_failing_claim_prints_value_interval_and_verdict() -> None:
    code, lines = run_calc("-log(0.01)", says="4.60")
    assert code == 1
    assert lines[0] == "value: 4.60517018598809"
    assert lines[1] == 'says: "4.60" means [4.595, 4.605]'
    assert lines[2].startswith("fails: ") and "rounds to 4.61" in lines[2]


def test_a_bare_expression_prints_its_value() -> None:
    assert run_calc("1 - (1 - 2*eps)^d", where=["eps=0.01", "d=100"]) == (
        0,
        ["1 - (1 - 2*eps)^d = 0.867380444105247"],
    )


def test_an_identity_with_domains() -> None:
    code, lines = run_calc("a*b", equals="b*a", domain=["a=[0, 1]", "b=integer [1, 5]"])
    assert code == 0
    assert lines[-1].startswith("holds: ")


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"expr": "x + 1"}, "unbound name 'x'"),
        ({"expr": "x", "where": ["x"]}, "is not NAME=VALUE"),
        ({"expr": "x", "where": ["=1"]}, "is not NAME=VALUE"),
        ({"expr": "x", "equals": "x", "domain": ["x"]}, "is not NAME=VALUE"),
        ({"expr": "open('f')"}, "unknown function 'open'"),
        ({"expr": "1", "says": "\u0664"}, "not a number"),
        ({"expr": "x", "equals": "x", "domain": ["x=[1, 0]"]}, "contains no value"),
    ],
)
def test_refusals_exit_2_without_a_worker(kwargs: dict[str, object], words: str) -> None:
    code, lines = run_calc(**kwargs)  # type: ignore[arg-type]
    assert code == 2
    assert lines[0].startswith("invalid: ") and words in lines[0]
