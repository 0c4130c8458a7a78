"""Safe parser for claim expressions: text in, a small immutable tree out, nothing ever run.

sympy's ``sympify`` and ``parse_expr`` call ``eval``; emptying ``__builtins__`` does not stop
``().__class__.__bases__[0].__subclasses__()``. So file text only ever reaches ``ast.parse``, which
builds a syntax tree and runs nothing, and that tree is walked against a whitelist: numbers, names,
the exact constants ``pi`` and ``e``, ``+ - * / ^`` (``^`` means power, as in the question files),
unary minus and the functions in ``FUNCTIONS``. Anything else is refused with the construct and its
1-based column.

Decimal literals become exact fractions from their source text, so ``(1-0.9)^2`` is exactly 1/100.

Every parsed tree also passes the static caps of caps.py (power towers, huge exponents, big
factorials ...), and again once where: and domain: give its names their ranges.
"""

from __future__ import annotations

import ast
import re
from fractions import Fraction

from mlbank.claims.caps import check_caps
from mlbank.claims.errors import ClaimError
from mlbank.claims.tree import (
    CONSTANTS,
    BinOp,
    Call,
    Const,
    Expr,
    Neg,
    Num,
    Op,
    Var,
    children,
    free_names,
    substitute,
    walk,
)

__all__ = [
    "CONSTANTS",
    "FUNCTIONS",
    "BinOp",
    "Call",
    "Const",
    "Expr",
    "Neg",
    "Num",
    "Op",
    "Var",
    "check_caps",
    "check_name",
    "children",
    "free_names",
    "parse_expression",
    "substitute",
    "walk",
]

MAX_CHARS = 400
MAX_NESTING = 30
MAX_DEPTH = 40
MAX_NODES = 200
MAX_LITERAL_EXPONENT = 300

# name -> (fewest, most) arguments; None means any number from the fewest up.
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "log": (1, 2),
    "ln": (1, 1),
    "log2": (1, 1),
    "log10": (1, 1),
    "exp": (1, 1),
    "sqrt": (1, 1),
    "abs": (1, 1),
    "floor": (1, 1),
    "ceil": (1, 1),
    "factorial": (1, 1),
    "binomial": (2, 2),
    "min": (2, None),
    "max": (2, None),
}

_ALLOWED = "numbers, names, pi, e, + - * / ^, parentheses and the functions " + ", ".join(FUNCTIONS)
# How each constant is named in messages, and the spellings that mean it but would be free names.
_CONSTANT_NAMES = {"pi": "the constant pi (3.14159...)", "e": "Euler's number e (2.71828...)"}
NEAR_CONSTANTS = {
    "E": "for Euler's number write e",
    "PI": "for the constant write pi",
    "Pi": "for the constant write pi",
}
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*", re.ASCII)
_LITERAL = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE](?P<exp>[-+]?[0-9]+))?", re.ASCII)
_OPEN, _CLOSE = "([{", ")]}"


def parse_expression(text: str) -> Expr:
    """Parse one claim expression, or raise ClaimError saying what to change and where."""
    _check_nesting(text)  # first: it is the cheapest and names the real problem of "((((..."
    _check_characters(text)
    source, columns = _translate_carets(text)
    tree = _parse(source, columns)
    expr = _Builder(source, columns).build(tree.body, 0)
    check_caps(expr)
    return expr


# --- reading the text -------------------------------------------------------------------------


def _check_characters(text: str) -> None:
    if len(text) > MAX_CHARS:
        raise ClaimError(
            f"the expression is {len(text)} characters long; the limit is {MAX_CHARS}: "
            "move parts of it into where: names",
            1,
        )
    for index, char in enumerate(text):
        if not " " <= char <= "~":
            hint = "; for \u03c0 write pi" if char == "\u03c0" else ""
            raise ClaimError(
                f"character {char!r} at column {index + 1} is not allowed: write expressions in "
                f"plain ASCII (digits 0-9, letters, + - * / ^ and parentheses){hint}",
                index + 1,
            )
    if not text.strip():
        raise ClaimError("the expression is empty: write the arithmetic that gives the number", 1)


def _check_nesting(text: str) -> None:
    """Refuse deep brackets before ast.parse, whose recursion is what thousands of them break."""
    depth = 0
    for index, char in enumerate(text):
        if char in _OPEN:
            depth += 1
            if depth > MAX_NESTING:
                raise ClaimError(
                    f"brackets are nested more than {MAX_NESTING} deep at column {index + 1}: "
                    "simplify the expression or move parts of it into where: names",
                    index + 1,
                )
        elif char in _CLOSE:
            depth -= 1


def _translate_carets(text: str) -> tuple[str, list[int]]:
    """``^`` -> ``**``, keeping for each source offset the 1-based column in the original text."""
    source: list[str] = []
    columns: list[int] = []
    for index, char in enumerate(text):
        pieces = "**" if char == "^" else char
        source.append(pieces)
        columns.extend([index + 1] * len(pieces))
    columns.append(len(text) + 1)
    return "".join(source), columns


def _parse(source: str, columns: list[int]) -> ast.Expression:
    try:
        return ast.parse(source, mode="eval")
    except SyntaxError as err:
        offset = err.offset or 0
        column = columns[min(max(offset, 1), len(columns)) - 1]
        raise ClaimError(
            f"this is not an arithmetic expression ({err.msg}) at column {column}: use {_ALLOWED}",
            column,
        ) from None
    except (RecursionError, MemoryError, ValueError):
        raise ClaimError(
            "the expression is too deeply nested to read: simplify it or move parts of it into where: names",
            1,
        ) from None


_BINARY_OPS: dict[type[ast.operator], Op] = {
    ast.Add: "+",
    ast.Sub: "-",
    ast.Mult: "*",
    ast.Div: "/",
    ast.Pow: "^",
}
_REFUSED_OPS: dict[type[ast.AST], str] = {
    ast.Mod: "'%'",
    ast.FloorDiv: "'//'",
    ast.MatMult: "'@'",
    ast.BitAnd: "'&'",
    ast.BitOr: "'|'",
    ast.LShift: "'<<'",
    ast.RShift: "'>>'",
    ast.Not: "'not'",
    ast.Invert: "'~'",
}
_CONSTRUCTS: dict[type[ast.AST], str] = {
    ast.Subscript: "indexing ([...])",
    ast.Slice: "a slice",
    ast.Lambda: "a lambda",
    ast.ListComp: "a comprehension",
    ast.SetComp: "a comprehension",
    ast.DictComp: "a comprehension",
    ast.GeneratorExp: "a generator expression",
    ast.Compare: "a comparison",
    ast.BoolOp: "'and'/'or'",
    ast.NamedExpr: "an assignment (:=)",
    ast.JoinedStr: "an f-string",
    ast.FormattedValue: "an f-string",
    ast.IfExp: "a conditional (if/else)",
    ast.Tuple: "a tuple",
    ast.List: "a list",
    ast.Dict: "a dict",
    ast.Set: "a set",
    ast.Starred: "'*' unpacking",
    ast.Await: "'await'",
    ast.Yield: "'yield'",
    ast.YieldFrom: "'yield'",
}


def _refused(what: str, column: int) -> ClaimError:
    return ClaimError(f"{what} at column {column} is not allowed: use {_ALLOWED}", column)


class _Builder:
    """Turns a whitelisted ast into Expr, counting nodes and depth as it goes."""

    def __init__(self, source: str, columns: list[int]) -> None:
        self.source = source
        self.columns = columns
        self.nodes = 0

    def column(self, node: ast.AST) -> int:
        offset = getattr(node, "col_offset", 0)
        return self.columns[min(offset, len(self.columns) - 1)]

    def build(self, node: ast.AST, depth: int) -> Expr:
        column = self.column(node)
        self._count(depth, column)
        if isinstance(node, ast.BinOp):
            return self._binop(node, depth, column)
        if isinstance(node, ast.UnaryOp):
            return self._unary(node, depth, column)
        if isinstance(node, ast.Constant):
            return self._constant(node, column)
        if isinstance(node, ast.Name):
            return self._name(node.id, column)
        if isinstance(node, ast.Call):
            return self._call(node, depth, column)
        raise _refused(self._describe(node), column)

    def _count(self, depth: int, column: int) -> None:
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise ClaimError(
                f"the expression is too large (more than {MAX_NODES} parts or {MAX_DEPTH} levels "
                f"deep, reached at column {column}): move parts of it into where: names",
                column,
            )

    def _describe(self, node: ast.AST) -> str:
        if isinstance(node, ast.Attribute):
            return f"attribute access '.{node.attr}'"
        return _CONSTRUCTS.get(type(node), f"a Python {type(node).__name__}")

    def _binop(self, node: ast.BinOp, depth: int, column: int) -> Expr:
        op = _BINARY_OPS.get(type(node.op))
        if op is None:
            raise _refused(f"operator {_REFUSED_OPS.get(type(node.op), '?')}", column)
        left = self.build(node.left, depth + 1)
        return BinOp(op, left, self.build(node.right, depth + 1), column)

    def _unary(self, node: ast.UnaryOp, depth: int, column: int) -> Expr:
        if isinstance(node.op, ast.USub):
            return Neg(self.build(node.operand, depth + 1), column)
        if isinstance(node.op, ast.UAdd):
            return self.build(node.operand, depth + 1)
        raise _refused(f"operator {_REFUSED_OPS.get(type(node.op), '?')}", column)

    def _constant(self, node: ast.Constant, column: int) -> Num:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _refused(f"the literal {value!r}", column)
        text = ast.get_source_segment(self.source, node) or ""
        match = _LITERAL.fullmatch(text)
        if match is None:
            raise ClaimError(
                f"the number {text!r} at column {column} is not a plain decimal: write digits "
                "like 0.25, 500 or 3e-4",
                column,
            )
        if match["exp"] is not None and abs(int(match["exp"])) > MAX_LITERAL_EXPONENT:
            raise ClaimError(
                f"the number {text!r} at column {column} has an exponent beyond "
                f"+-{MAX_LITERAL_EXPONENT}: no worked number needs one",
                column,
            )
        # The source text, not the float: 0.1 must be exactly 1/10.
        return Num(Fraction(text), column)

    def _name(self, name: str, column: int) -> Var | Const:
        if name in CONSTANTS:
            return Const(name, column)
        check_name(name, column)
        return Var(name, column)

    def _call(self, node: ast.Call, depth: int, column: int) -> Call:
        if not isinstance(node.func, ast.Name):
            raise _refused(f"calling {self._describe(node.func)}", column)
        name = node.func.id
        if name not in FUNCTIONS:
            raise ClaimError(
                f"unknown function {name!r} at column {column}: the functions are " + ", ".join(FUNCTIONS),
                column,
            )
        if node.keywords:
            raise _refused(f"a keyword argument in {name}()", column)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise _refused("'*' unpacking", self.column(arg))
        _check_arity(name, len(node.args), column)
        args = tuple(self.build(arg, depth + 1) for arg in node.args)
        return Call(name, args, column)


def check_name(name: str, column: int | None = None) -> None:
    """Names are plain identifiers: no dunders (the road to Python internals), no function names."""
    where = f" at column {column}" if column else ""
    if _NAME.fullmatch(name) is None or "__" in name:
        raise ClaimError(
            f"{name!r}{where} is not a usable name: start with a letter, then letters, digits or "
            "single underscores",
            column,
        )
    if name in FUNCTIONS:
        raise ClaimError(
            f"{name!r}{where} is a function, not a name: call it as {name}(...) or rename the value",
            column,
        )
    if name in CONSTANTS:
        raise ClaimError(
            f"{name!r}{where} is {_CONSTANT_NAMES[name]} in claims, not a name: rename the value",
            column,
        )


def _check_arity(name: str, count: int, column: int) -> None:
    fewest, most = FUNCTIONS[name]
    if count >= fewest and (most is None or count <= most):
        return
    if most is None:
        wanted = f"at least {fewest}"
    elif fewest == most:
        wanted = str(fewest)
    else:
        wanted = f"{fewest} to {most}"
    raise ClaimError(f"{name}() at column {column} takes {wanted} argument(s), not {count}", column)
