"""Worked-number claims: prove every number a question states, safely and quickly.

Public API (all values frozen and hashable):

- ``ClaimSpec``: one claim as written (expr, says or equals, where, domain, tolerance).
- ``Verdict``: holds / fails / invalid, with a sentence saying what to do.
- ``ClaimError``: a refused text, with ``.message``, ``.column`` (1-based) and ``.field``.
- ``validate_claim(spec)``: cheap, in-process, no sympy: an error message or None;
  ``find_claim_error(spec)`` gives the same problem as a ClaimError with its field and column.
- ``check_claims(specs, cache_dir, deadline)``: verdicts, computed in one killable worker process.
- ``find_stated_results(text)``: offsets and tokens of numbers prose states as results.
- ``parse_expression``, ``free_names``, ``parse_stated``, ``StatedValue``: the building blocks.
- ``run_calc``: the ``mlbank calc`` command's logic.

Importing this package never imports sympy; only the worker process does.
"""

from __future__ import annotations

from mlbank.claims.calc import run_calc
from mlbank.claims.check import check_claims
from mlbank.claims.errors import ClaimError
from mlbank.claims.expr import Expr, free_names, parse_expression
from mlbank.claims.prepare import find_claim_error, validate_claim
from mlbank.claims.prose import find_stated_results
from mlbank.claims.spec import ClaimSpec, Status, Verdict
from mlbank.claims.stated import StatedValue, parse_stated

__all__ = [
    "ClaimError",
    "ClaimSpec",
    "Expr",
    "StatedValue",
    "Status",
    "Verdict",
    "check_claims",
    "find_claim_error",
    "find_stated_results",
    "free_names",
    "parse_expression",
    "parse_stated",
    "run_calc",
    "validate_claim",
]
