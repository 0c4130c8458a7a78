"""The claim expression tree: small, immutable, and nothing but arithmetic.

Nodes carry the 1-based column they came from, left out of equality so that the same arithmetic
from two texts compares equal. Walks are iterative where trees may be deep.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Literal, TypeAlias

Op = Literal["+", "-", "*", "/", "^"]

# The exact constants a claim may name, with a float for the static caps (evaluation uses sympy's
# exact pi and E). Lower-case e, as formulas print it; "E" stays free for an author's own name.
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


@dataclass(frozen=True)
class Num:
    value: Fraction
    column: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Var:
    name: str
    column: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Const:
    """A constant of CONSTANTS, kept by name so that it stays exact until sympy evaluates it."""

    name: str
    column: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class BinOp:
    op: Op
    left: Expr
    right: Expr
    column: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Neg:
    operand: Expr
    column: int = field(default=0, compare=False, repr=False)


@dataclass(frozen=True)
class Call:
    fn: str
    args: tuple[Expr, ...]
    column: int = field(default=0, compare=False, repr=False)


Expr: TypeAlias = Num | Const | Var | BinOp | Neg | Call


def children(expr: Expr) -> tuple[Expr, ...]:
    if isinstance(expr, BinOp):
        return (expr.left, expr.right)
    if isinstance(expr, Neg):
        return (expr.operand,)
    if isinstance(expr, Call):
        return expr.args
    return ()


def walk(expr: Expr) -> Iterator[Expr]:
    """Every node, parents first; iterative so a deep tree cannot exhaust the stack."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(children(node)))


def free_names(expr: Expr) -> frozenset[str]:
    return frozenset(node.name for node in walk(expr) if isinstance(node, Var))


def substitute(expr: Expr, bindings: Mapping[str, Expr]) -> Expr:
    """Replace bound names by their trees; the result shares those subtrees instead of copying."""
    if isinstance(expr, Var):
        return bindings.get(expr.name, expr)
    if isinstance(expr, BinOp):
        left, right = substitute(expr.left, bindings), substitute(expr.right, bindings)
        return BinOp(expr.op, left, right, expr.column)
    if isinstance(expr, Neg):
        return Neg(substitute(expr.operand, bindings), expr.column)
    if isinstance(expr, Call):
        args = tuple(substitute(arg, bindings) for arg in expr.args)
        return Call(expr.fn, args, expr.column)
    return expr
