"""Evaluating claims with sympy. The only module that imports sympy; only the worker imports it.

Trees from expr.py become sympy objects directly (``Rational`` from each exact literal, ``Symbol``,
``pi`` and ``E`` for the constants, operators, ``sympy.log`` ...): no string ever reaches sympify, which would eval it.

- says: claims: the value is exact when it is rational; otherwise every comparison with a bound is
  the sign of ``value - bound`` from ``N(..., strict=True)``, which raises PrecisionExhausted rather
  than return digits it does not have (``evalf(chop=True)`` can say 0 for factorial(10000) /
  factorial(9999)). A value exactly on a bound counts as inside: the bounds are inclusive.
- equals: claims: proved when cancel/simplify reduces the difference to 0 within a soft time budget;
  otherwise both sides are computed exactly at 30 random rational points of the domains, from an RNG
  seeded by the claim's own text so every run tests the same points. One point where both sides are
  defined and differ is a definite counterexample.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import math
import random
import signal
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from fractions import Fraction
from types import FrameType
from typing import Any

import sympy  # type: ignore[import-untyped]
from sympy.core.evalf import PrecisionExhausted  # type: ignore[import-untyped]

from mlbank.claims.domain import Domain
from mlbank.claims.errors import ClaimError
from mlbank.claims.expr import BinOp, Call, Const, Expr, Neg, Num, Var
from mlbank.claims.prepare import PreparedClaim, prepare_claim
from mlbank.claims.spec import ClaimSpec, Verdict, spec_to_json
from mlbank.claims.stated import StatedValue, format_decimal, format_exact

SymExpr = Any  # sympy ships no type information
POINTS = 30
MAX_DRAWS = 300
_UNDEFINED = (sympy.zoo, sympy.nan, sympy.oo, -sympy.oo)


class _Undecided(Exception):
    """sympy could not settle a sign, even after trying to prove the difference is exactly 0."""


class _SoftTimeout(Exception):
    pass


def evaluate_claim(spec: ClaimSpec, budget: float = 2.0) -> Verdict:
    """Check one claim; ``budget`` seconds guide the soft limits (the worker enforces the hard one)."""
    try:
        claim = prepare_claim(spec, bare=True)
    except ClaimError as err:
        return Verdict("invalid", err.describe())
    try:
        if claim.right is not None:
            return _identity_verdict(claim, claim.right, budget)
        return _value_verdict(claim)
    except PrecisionExhausted:
        # sympy's own assumption queries evaluate numerically and can give up anywhere.
        return Verdict(
            "invalid",
            f"{spec.expr} could not be evaluated precisely enough to decide: simplify the expression.",
        )


def warm_up() -> None:
    """Pay sympy's lazy imports (evalf, mpmath, polys) now, not inside the first claim's budget.

    simplify is left out: it costs as much again, and its soft budget only falls back to points.
    """
    evaluate_claim(ClaimSpec("-log(0.5)", says="0.69"))
    evaluate_claim(ClaimSpec("x*(1 - x)", equals="x - x^2", domain=(("x", "[0, 1]"),)))


# --- building sympy objects from the safe tree ------------------------------------------------

_FUNCTIONS: dict[str, Any] = {
    "log": sympy.log,
    "ln": sympy.log,
    "log2": lambda x: sympy.log(x, 2),
    "log10": lambda x: sympy.log(x, 10),
    "exp": sympy.exp,
    "sqrt": sympy.sqrt,
    "abs": sympy.Abs,
    "floor": sympy.floor,
    "ceil": sympy.ceiling,
    "factorial": sympy.factorial,
    "binomial": sympy.binomial,
    "min": sympy.Min,
    "max": sympy.Max,
}


_CONSTANTS: dict[str, Any] = {"pi": sympy.pi, "e": sympy.E}


def build(expr: Expr, env: Mapping[str, SymExpr]) -> SymExpr:
    """The sympy object for ``expr``; every name must be in ``env`` (a Symbol or a Rational)."""
    if isinstance(expr, Num):
        return sympy.Rational(expr.value.numerator, expr.value.denominator)
    if isinstance(expr, Const):
        return _CONSTANTS[expr.name]
    if isinstance(expr, Var):
        return env[expr.name]
    if isinstance(expr, Neg):
        return -build(expr.operand, env)
    if isinstance(expr, BinOp):
        return _binop(expr.op, build(expr.left, env), build(expr.right, env))
    assert isinstance(expr, Call)
    return _FUNCTIONS[expr.fn](*(build(arg, env) for arg in expr.args))


def _binop(op: str, left: SymExpr, right: SymExpr) -> SymExpr:
    if op == "+":
        return left + right
    if op == "-":
        return left - right
    if op == "*":
        return left * right
    if op == "/":
        return left / right
    return left**right


def _rational(value: Fraction) -> SymExpr:
    return sympy.Rational(value.numerator, value.denominator)


# --- deciding signs exactly or with certified digits ------------------------------------------


def undefined_reason(value: SymExpr) -> str | None:
    """Why a computed value is not a finite real number, or None when it is one."""
    if value.has(*_UNDEFINED):
        return "is undefined (a division by zero or a log of 0)"
    if value.is_real is False:
        return "is not a real number (a square root or log of a negative number?)"
    if value.is_real is None:
        real, imaginary = sympy.N(value, 20).as_real_imag()
        if abs(imaginary) > 1e-15 * (1 + abs(real)):
            return "is not a real number (a square root or log of a negative number?)"
    return None


def sign(value: SymExpr) -> int:
    """-1, 0 or 1, certified; raises _Undecided when sympy cannot tell."""
    if value == 0:
        return 0
    if value.is_Rational:
        return 1 if value > 0 else -1
    try:
        number = sympy.N(value, 15, strict=True)
    except PrecisionExhausted:
        # Too small to measure: usually exactly 0 in disguise, e.g. log(4) - 2*log(2).
        if value.equals(0) is True:
            return 0
        raise _Undecided from None
    real = sympy.re(number)
    if real == 0:
        raise _Undecided
    return 1 if real > 0 else -1


def approximate(value: SymExpr) -> Fraction:
    """The value itself when rational, else 30 certified significant digits."""
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q))
    try:
        number = sympy.N(value, 30, strict=True)
    except PrecisionExhausted:
        if value.equals(0) is True:
            return Fraction(0)
        raise _Undecided from None
    return Fraction(str(sympy.re(number)))


def show(value: SymExpr) -> str:
    """A value for a message: a short exact fraction when it is one, else 15 digits."""
    if value.is_Rational and len(str(value)) <= 20:
        return str(value)
    return format_decimal(approximate(value))


# --- says: claims -----------------------------------------------------------------------------


def _value_verdict(claim: PreparedClaim) -> Verdict:
    spec = claim.spec
    value = build(claim.left, {})
    reason = undefined_reason(value)
    if reason is not None:
        return Verdict("invalid", f"{spec.expr} {reason}: check the expression and its where: values.")
    try:
        digits = approximate(value)
    except _Undecided:
        return Verdict("invalid", f"{spec.expr} could not be computed to 30 digits: simplify it.")
    shown = format_decimal(digits)
    if claim.stated is None:
        return Verdict("holds", f"{spec.expr} = {shown}", value=shown)
    return _compare_stated(spec, value, digits, claim.stated)


def _compare_stated(spec: ClaimSpec, value: SymExpr, digits: Fraction, stated: StatedValue) -> Verdict:
    shown, rounded = format_decimal(digits), stated.render(digits)
    allowed = f"[{format_exact(stated.low)}, {format_exact(stated.high)}]"
    try:
        inside = sign(value - _rational(stated.low)) >= 0 and sign(_rational(stated.high) - value) >= 0
    except _Undecided:
        return Verdict(
            "invalid",
            f"{spec.expr} = {shown} is too close to a bound of {allowed} to decide: state one more digit, or add tolerance: to the claim.",
            shown,
            rounded,
        )
    return Verdict(
        "holds" if inside else "fails",
        _stated_message(spec, shown, rounded, allowed, inside),
        shown,
        rounded,
    )


def _stated_message(spec: ClaimSpec, shown: str, rounded: str, allowed: str, inside: bool) -> str:
    if spec.tolerance is None:
        head = f'{spec.expr} = {shown}, which rounds to {rounded} at the stated precision of "{spec.says}"'
        if inside:
            return head + "."
        return (
            f"{head} (it allows {allowed}): write {rounded} in the text and in says:, or fix the expression."
        )
    head = f'{spec.expr} = {shown}; "{spec.says}" with tolerance {spec.tolerance} allows {allowed}'
    if inside:
        return head + "."
    return f"{head}: write {rounded} in the text and in says:, widen the tolerance, or fix the expression."


# --- equals: identities -----------------------------------------------------------------------


def _identity_verdict(claim: PreparedClaim, right: Expr, budget: float) -> Verdict:
    spec = claim.spec
    symbols = {name: sympy.Symbol(name, **_assumptions(d)) for name, d in claim.domains.items()}
    left_value, right_value = build(claim.left, symbols), build(right, symbols)
    if _proved_equal(left_value - right_value, min(1.0, budget / 4)):
        return Verdict("holds", f"{spec.expr} equals {spec.equals} for every value (proved symbolically).")
    return _test_points(claim, right, time.monotonic() + budget * 0.8)


def _assumptions(domain: Domain) -> dict[str, bool]:
    """What the domain guarantees, so simplify may use it (sqrt(x^2) = x when x > 0)."""
    facts = {"real": True}
    if domain.integer:
        facts["integer"] = True
    if domain.low > 0 or (domain.low == 0 and domain.low_open):
        facts["positive"] = True
    elif domain.low >= 0:
        facts["nonnegative"] = True
    return facts


def _proved_equal(difference: SymExpr, seconds: float) -> bool:
    if difference == 0:
        return True
    try:
        with _soft_deadline(seconds):
            if difference.is_rational_function():
                return bool(sympy.cancel(difference) == 0)
            return bool(sympy.simplify(difference) == 0)
    except _SoftTimeout:
        return False


@contextmanager
def _soft_deadline(seconds: float) -> Iterator[None]:
    """Interrupt pure-Python sympy after ``seconds``; code that ignores signals meets the hard kill."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: FrameType | None) -> None:
        raise _SoftTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _test_points(claim: PreparedClaim, right: Expr, stop_at: float) -> Verdict:
    spec = claim.spec
    rng = random.Random(_seed(spec))
    points, exhaustive = _points(claim.domains, rng)
    usable = tried = 0
    for point in points:
        if usable >= POINTS:
            break
        if time.monotonic() > stop_at:
            return _out_of_time(spec, usable)
        tried += 1
        env = {name: _rational(value) for name, value in point.items()}
        left, right_value = build(claim.left, env), build(right, env)
        difference = _difference_at(left, right_value)
        if difference is None:
            continue
        if difference != 0:
            return _counterexample(spec, point, left, right_value)
        usable += 1
    return _points_verdict(spec, usable, tried, exhaustive)


def _difference_at(left: SymExpr, right: SymExpr) -> int | None:
    """The sign of left - right at one point, or None when the point cannot be used."""
    try:
        if undefined_reason(left) or undefined_reason(right):
            return None
        return sign(left - right)
    except (_Undecided, PrecisionExhausted):
        return None


def _points_verdict(spec: ClaimSpec, usable: int, tried: int, exhaustive: bool) -> Verdict:
    if usable == 0:
        return Verdict(
            "invalid",
            f"{spec.expr} and {spec.equals} were not both defined at any of the {tried} tested "
            "points: check domain: (exclude values where a denominator is 0 or a log's argument "
            "is not positive).",
        )
    if exhaustive and not spec.domain:
        return Verdict("holds", f"{spec.expr} equals {spec.equals} exactly.")
    if exhaustive:
        return Verdict(
            "holds",
            f"{spec.expr} equals {spec.equals} at every point of domain: where both sides are defined ({usable} of {tried}).",
        )
    if usable < POINTS:
        return Verdict(
            "invalid",
            f"{spec.expr} equals {spec.equals} at the {usable} points that could be tested, fewer "
            f"than the {POINTS} needed: widen domain: where both sides are defined, or simplify.",
        )
    return Verdict(
        "holds",
        f"{spec.expr} equals {spec.equals} at {usable} random exact points of domain: (not "
        "proved symbolically).",
    )


def _out_of_time(spec: ClaimSpec, usable: int) -> Verdict:
    return Verdict(
        "invalid",
        f"{spec.expr} equals {spec.equals} at the {usable} points tested before the time budget ran out, fewer than the {POINTS} needed: simplify the identity.",
    )


def _counterexample(spec: ClaimSpec, point: Mapping[str, Fraction], left: SymExpr, right: SymExpr) -> Verdict:
    where = ", ".join(f"{name}={value}" for name, value in sorted(point.items()))
    return Verdict(
        "fails",
        f"{'at ' + where + ' ' if where else ''}the two sides differ: {spec.expr} = {show(left)} but {spec.equals} = "
        f"{show(right)}: fix one side, or narrow domain: if the identity only holds on part of it.",
    )


def _seed(spec: ClaimSpec) -> int:
    text = json.dumps(spec_to_json(spec), sort_keys=True)
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def _points(domains: Mapping[str, Domain], rng: random.Random) -> tuple[Iterator[dict[str, Fraction]], bool]:
    """Every point of a small all-integer domain, else random draws; and whether it is every point."""
    names = sorted(domains)
    if not names:
        return iter([{}]), True  # constants: one exact evaluation decides
    if all(domains[name].integer for name in names):
        ranges = [range(first, last + 1) for first, last in (domains[n].integer_bounds() for n in names)]
        if math.prod(len(r) for r in ranges) <= POINTS:
            grid = itertools.product(*ranges)
            return ({n: Fraction(v) for n, v in zip(names, values, strict=True)} for values in grid), True
    draws = ({name: _draw(domains[name], rng) for name in names} for _ in range(MAX_DRAWS))
    return draws, False


def _draw(domain: Domain, rng: random.Random) -> Fraction:
    if domain.integer:
        first, last = domain.integer_bounds()
        return Fraction(rng.randint(first, last))
    roll = rng.random()
    # Endpoints are where formulas most often break (rho = 0, rho = 1), so try them now and then.
    if roll < 0.05 and not domain.low_open:
        return domain.low
    if roll < 0.10 and not domain.high_open:
        return domain.high
    denominator = rng.randint(2, 60)
    step = Fraction(rng.randint(1, denominator - 1), denominator)
    return domain.low + (domain.high - domain.low) * step
