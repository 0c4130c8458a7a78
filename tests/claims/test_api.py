"""The public API: frozen, hashable values; problems located by field and column; no sympy on import."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest

from mlbank.claims import ClaimSpec, Verdict, find_claim_error, validate_claim


def test_values_are_frozen_and_hashable() -> None:
    spec = ClaimSpec("x", says="1", where=(("x", "1"),))
    verdict = Verdict("holds", "ok.", "1", "1")
    assert len({spec, ClaimSpec("x", says="1", where=(("x", "1"),))}) == 1
    assert hash(verdict) == hash(Verdict("holds", "ok.", "1", "1"))
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.expr = "y"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("spec", "field", "column"),
    [
        (ClaimSpec("1 + a.b", says="1"), "expr", 5),
        (ClaimSpec("x", equals="x + y", domain=(("x", "[0, 1]"),)), "equals", 5),
        (ClaimSpec("a", says="1", where=(("a", "2 * b"),)), "where 'a'", 5),
        (ClaimSpec("1", says="4.6.1"), "says", None),
        (ClaimSpec("1", says="1", tolerance="a"), "tolerance", None),
        (ClaimSpec("x", equals="x", domain=(("x", "[0; 1]"),)), "domain 'x'", None),
    ],
)
def test_problems_name_their_field_and_column(spec: ClaimSpec, field: str, column: int | None) -> None:
    error = find_claim_error(spec)
    assert error is not None
    assert (error.field, error.column) == (field, column)
    assert validate_claim(spec) == error.describe()
    assert error.describe().startswith(f"{field}: ") and error.describe().endswith(".")


def test_valid_claims_validate() -> None:
    assert (
        validate_claim(ClaimSpec("1 - (1 - 2*eps)^d", says="87%", where=(("eps", "0.01"), ("d", "100"))))
        is None
    )
    assert (
        validate_claim(ClaimSpec("(1 - eps)^d", says="0.37", where=(("eps", "0.01"), ("d", "10^2")))) is None
    )


def test_importing_the_package_does_not_import_sympy() -> None:
    code = "import sys, mlbank.claims, mlbank.claims.worker; assert 'sympy' not in sys.modules; print('ok')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr
