"""Static safety caps: refuse a tree whose evaluation could run away, before sympy ever sees it.

Evaluation cannot be interrupted in-process (with gmpy2, sympy's ``factorial(10**8)`` ignores
``signal.alarm``; ``exp(exp(exp(10)))`` hangs evalf), so what can be recognised by reading is
refused here, and the worker's kill is the last line of defence, not the first. Refused:

- a power tower: a ``^`` inside the exponent of another ``^`` (``9^9^9^9``);
- an exponent that can exceed 10,000 in size, an ``exp()`` argument that can exceed 1,000, a
  factorial/binomial argument that can exceed 1,000 (or a constant one that is not a whole
  number >= 0);
- any value that can have more than 20,000 digits, either way (``factorial(1000)^10000``).

Each node gets cheap float facts: an interval of its value and a log10 bound of its size (so a
bound survives where a float would overflow). Names get the interval of their where: value or
domain:; at parse time they have none, and the checks that need them wait for the bound tree.
All of this is O(1) per node and never does big-number arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from fractions import Fraction
from typing import NamedTuple, TypeAlias

from mlbank.claims.errors import ClaimError
from mlbank.claims.tree import CONSTANTS, BinOp, Call, Const, Expr, Neg, Num, Var

MAX_EXPONENT = 10_000
MAX_EXP_ARGUMENT = 1_000
MAX_FACTORIAL_ARGUMENT = 1_000
MAX_DIGITS = 20_000

Range: TypeAlias = tuple[float, float]
_ANY: Range = (-math.inf, math.inf)
_LOG10_2 = math.log10(2)
_LN10 = math.log(10)


class _Facts(NamedTuple):
    lo: float  # the value lies in [lo, hi]
    hi: float
    digits: float  # log10 of a bound on |value|: -inf for 0, inf when unbounded
    known: bool  # False while a name has no range yet
    has_pow: bool


def check_caps(
    expr: Expr,
    ranges: Mapping[str, Range] | None = None,
    *,
    substituted: bool = False,
) -> None:
    """Raise ClaimError when ``expr`` is refused; ``ranges`` gives each bound name's interval.

    ``substituted`` marks a tree with where: values put in. Columns would then point into the
    wrong text, so they are left out; and a ``^`` that came in through a where: value is a
    computed constant, not a tower (each text was checked for towers when it was parsed), so only
    the exponent's size decides: ``(1 - eps)^d`` with ``d: 10^2`` is fine.
    """
    _Caps(ranges or {}, substituted).facts(expr)


class _Caps:
    def __init__(self, ranges: Mapping[str, Range], substituted: bool) -> None:
        self.ranges = ranges
        self.columns = not substituted
        self.towers = not substituted

    def facts(self, expr: Expr) -> _Facts:
        if isinstance(expr, Num):
            value = _to_float(expr.value)
            return _Facts(value, value, _log10_abs(expr.value), True, False)
        if isinstance(expr, Const):
            value = CONSTANTS[expr.name]
            return _Facts(value, value, math.log10(value), True, False)
        if isinstance(expr, Var):
            if expr.name not in self.ranges:
                return _Facts(*_ANY, math.inf, False, False)
            lo, hi = self.ranges[expr.name]
            return _Facts(lo, hi, _range_digits((lo, hi)), True, False)
        if isinstance(expr, Neg):
            inner = self.facts(expr.operand)
            return inner._replace(lo=-inner.hi, hi=-inner.lo)
        facts = self._binop(expr) if isinstance(expr, BinOp) else self._call(expr)
        if facts.known and math.isfinite(facts.digits) and abs(facts.digits) > MAX_DIGITS:
            raise self._error(
                f"a value{self._at(expr)} can have about {abs(facts.digits):.0f} digits; the limit is "
                f"{MAX_DIGITS}: rewrite the claim with smaller numbers",
                expr,
            )
        return facts

    def _at(self, expr: Expr) -> str:
        return f" at column {expr.column}" if self.columns and expr.column else ""

    def _error(self, message: str, expr: Expr) -> ClaimError:
        return ClaimError(message, expr.column if self.columns and expr.column else None)

    def _binop(self, expr: BinOp) -> _Facts:
        a, b = self.facts(expr.left), self.facts(expr.right)
        if expr.op == "^":
            self._check_pow(expr, b)
        lo, hi = _BINOP_RANGES[expr.op]((a.lo, a.hi), (b.lo, b.hi))
        digits = _binop_digits(expr.op, a, b)
        has_pow = a.has_pow or b.has_pow or expr.op == "^"
        return _Facts(lo, hi, digits, a.known and b.known, has_pow)

    def _check_pow(self, expr: BinOp, exponent: _Facts) -> None:
        if exponent.has_pow and self.towers:
            raise self._error(
                f"a power tower{self._at(expr)}: a '^' inside the exponent of another '^' can have more digits than any computer holds; compute the exponent in where: or rewrite it",
                expr,
            )
        size = max(abs(exponent.lo), abs(exponent.hi))
        if exponent.known and not size <= MAX_EXPONENT:
            raise self._error(
                f"the exponent of '^'{self._at(expr)} can reach {_show(size)}; the limit is {MAX_EXPONENT}: rewrite the claim with smaller numbers",
                expr,
            )

    def _call(self, expr: Call) -> _Facts:
        args = [self.facts(arg) for arg in expr.args]
        if expr.fn == "exp":
            self._check_exp(expr, args[0])
        elif expr.fn in ("factorial", "binomial"):
            for arg in args:
                self._check_factorial(expr, arg)
        lo, hi = _call_range(expr.fn, [(arg.lo, arg.hi) for arg in args])
        known = all(arg.known for arg in args)
        digits = _call_digits(expr.fn, args)
        return _Facts(lo, hi, digits, known, any(arg.has_pow for arg in args))

    def _check_exp(self, expr: Call, arg: _Facts) -> None:
        if arg.known and not arg.hi <= MAX_EXP_ARGUMENT:
            raise self._error(
                f"exp(){self._at(expr)} of a value that can reach {_show(arg.hi)}; the limit is {MAX_EXP_ARGUMENT}: rewrite the claim with smaller numbers",
                expr,
            )

    def _check_factorial(self, expr: Call, arg: _Facts) -> None:
        if not arg.known:
            return
        size = max(abs(arg.lo), abs(arg.hi))
        if not size <= MAX_FACTORIAL_ARGUMENT:
            raise self._error(
                f"{expr.fn}(){self._at(expr)} of a value that can reach {_show(size)}; the limit is {MAX_FACTORIAL_ARGUMENT}: rewrite the claim with smaller numbers",
                expr,
            )
        if arg.lo == arg.hi and (arg.lo < 0 or not arg.lo.is_integer()):
            raise self._error(
                f"{expr.fn}(){self._at(expr)} needs a whole number >= 0, not {_show(arg.lo)}", expr
            )


def _show(value: float) -> str:
    return "an unbounded value" if not math.isfinite(value) else f"{value:g}"


def _to_float(value: Fraction) -> float:
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


# --- log10 size bounds (they stay finite where floats overflow) --------------------------------


def _log10_abs(value: Fraction) -> float:
    if value == 0:
        return -math.inf
    return math.log10(abs(value.numerator)) - math.log10(value.denominator)


def _range_digits(value: Range) -> float:
    top = max(abs(value[0]), abs(value[1]))
    return -math.inf if top == 0 else math.log10(top)


def _floor_digits(value: Range) -> float:
    """log10 of the smallest |value| in the range; -inf when the range touches 0."""
    if value[0] > 0:
        return math.log10(value[0])
    if value[1] < 0:
        return math.log10(-value[1])
    return -math.inf


def _plus(*terms: float) -> float:
    """Sum of log sizes where inf wins over -inf: an unbounded factor keeps the product unbounded."""
    return math.inf if math.inf in terms else sum(terms)


def _binop_digits(op: str, a: _Facts, b: _Facts) -> float:
    if op in "+-":
        return max(a.digits, b.digits) + _LOG10_2
    if op == "*":
        return _plus(a.digits, b.digits)
    if op == "/":
        return _plus(a.digits, -_floor_digits((b.lo, b.hi)))
    size = max(abs(b.lo), abs(b.hi))
    if size == 0:
        return 0.0
    if not math.isfinite(size):
        return math.inf
    if b.lo >= 0:
        return size * max(a.digits, 0.0)
    return size * max(a.digits, -_floor_digits((a.lo, a.hi)), 0.0)


def _call_digits(fn: str, args: list[_Facts]) -> float:
    first = args[0]
    if fn == "exp":
        return max(first.hi, 0.0) / _LN10
    if fn in ("log", "ln", "log2", "log10"):
        # |ln x| <= ln(10) * max(digits, -floor digits); one more digit covers 1/ln(2), and an
        # explicit base divides by |ln(base)|, whose smallest size bounds the quotient.
        spread = max(abs(first.digits), abs(_floor_digits((first.lo, first.hi))))
        digits = math.log10(spread * _LN10 + 1) + 1
        if len(args) == 2:
            return _plus(digits, -_floor_digits(_ln((args[1].lo, args[1].hi))))
        return digits
    if fn == "sqrt":
        return first.digits / 2
    if fn == "factorial":
        return math.lgamma(first.hi + 1) / _LN10 if 0 <= first.hi <= MAX_FACTORIAL_ARGUMENT else math.inf
    if fn == "binomial":
        return max(abs(first.lo), abs(first.hi)) * _LOG10_2
    if fn in ("floor", "ceil"):
        return max(first.digits, 0.0) + _LOG10_2
    return max(arg.digits for arg in args)  # abs, min, max


# --- float interval arithmetic (bounds for the caps only, never a claim's value) ---------------


def _hull(values: list[float]) -> Range:
    if any(math.isnan(value) for value in values):
        return _ANY
    return min(values), max(values)


def _add(a: Range, b: Range) -> Range:
    return _hull([a[0] + b[0], a[1] + b[1]])


def _sub(a: Range, b: Range) -> Range:
    return _hull([a[0] - b[1], a[1] - b[0]])


def _mul(a: Range, b: Range) -> Range:
    return _hull([x * y for x in a for y in b])


def _div(a: Range, b: Range) -> Range:
    if b[0] <= 0 <= b[1]:
        return _ANY
    return _mul(a, (1 / b[1], 1 / b[0]))


def _safe_pow(base: float, exponent: float) -> float:
    try:
        return math.pow(base, exponent)
    except (OverflowError, ValueError, ZeroDivisionError):
        return math.inf


def _pow(a: Range, b: Range) -> Range:
    if a[0] == a[1] and b[0] == b[1]:
        try:
            value = math.pow(a[0], b[0])
        except (OverflowError, ValueError, ZeroDivisionError):
            return _ANY
        return value, value
    size = max(abs(b[0]), abs(b[1]))
    top = max(abs(a[0]), abs(a[1]))
    if b[0] >= 0:
        bound = _safe_pow(max(top, 1.0), size)
    else:
        low = 0.0 if a[0] <= 0 <= a[1] else min(abs(a[0]), abs(a[1]))
        bound = math.inf if low == 0 else _safe_pow(max(top, 1 / low, 1.0), size)
    return (0.0 if a[0] >= 0 else -bound), bound


_BINOP_RANGES: dict[str, Callable[[Range, Range], Range]] = {
    "+": _add,
    "-": _sub,
    "*": _mul,
    "/": _div,
    "^": _pow,
}


def _ln(a: Range) -> Range:
    if a[1] <= 0:
        return _ANY
    return (-math.inf if a[0] <= 0 else math.log(a[0])), math.log(a[1])


def _safe_exp(value: float) -> float:
    try:
        return math.exp(value)
    except OverflowError:
        return math.inf


def _exp(a: Range) -> Range:
    return _safe_exp(a[0]), _safe_exp(a[1])


def _abs(a: Range) -> Range:
    if a[0] >= 0:
        return a
    if a[1] <= 0:
        return -a[1], -a[0]
    return 0.0, max(-a[0], a[1])


def _factorial(a: Range) -> Range:
    if a[1] < 0 or not math.isfinite(a[1]):
        return _ANY
    return 0.0, _safe_exp(math.lgamma(a[1] + 1))


def _sqrt(a: Range) -> Range:
    return math.sqrt(max(a[0], 0.0)), math.sqrt(max(a[1], 0.0))


def _floor(a: Range) -> Range:
    return a[0] - 1, a[1]


def _ceil(a: Range) -> Range:
    return a[0], a[1] + 1


_SIMPLE_RANGES: dict[str, Callable[[Range], Range]] = {
    "exp": _exp,
    "abs": _abs,
    "factorial": _factorial,
    "sqrt": _sqrt,
    "floor": _floor,
    "ceil": _ceil,
}


def _call_range(fn: str, args: list[Range]) -> Range:
    first = args[0]
    if fn in ("log", "ln") and len(args) == 1:
        return _ln(first)
    if fn == "log":
        return _div(_ln(first), _ln(args[1]))
    if fn in ("log2", "log10"):
        return _mul(_ln(first), (1 / math.log(int(fn[3:])),) * 2)
    if fn in _SIMPLE_RANGES:
        return _SIMPLE_RANGES[fn](first)
    if fn == "min":
        return min(a[0] for a in args), min(a[1] for a in args)
    if fn == "max":
        return max(a[0] for a in args), max(a[1] for a in args)
    bound = _safe_pow(2.0, max(abs(first[0]), abs(first[1])))  # binomial(n, k) <= 2^|n|
    return -bound, bound
