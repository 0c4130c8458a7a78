"""From a ClaimSpec to checked parts, in the linter's own process and without sympy.

Everything that can be decided by reading is decided here, once, for both the cheap validation the
linter runs on every file and the worker that evaluates: the claim's kind (says: xor equals:), every
text parsed safely, where: values substituted (they may use each other; circles and blow-ups are
refused), every remaining name declared in domain:, and the static caps re-checked with the names'
real ranges, since ``2^n`` is only dangerous once ``n`` is known.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from mlbank.claims.domain import Domain, parse_domain
from mlbank.claims.errors import ClaimError
from mlbank.claims.expr import (
    NEAR_CONSTANTS,
    Expr,
    Var,
    check_caps,
    check_name,
    children,
    free_names,
    parse_expression,
    substitute,
    walk,
)
from mlbank.claims.spec import ClaimSpec
from mlbank.claims.stated import StatedValue, parse_stated

MAX_BINDINGS = 50
MAX_BOUND_NODES = 2_000
MAX_BOUND_DEPTH = 200


class PreparedClaim(NamedTuple):
    spec: ClaimSpec
    left: Expr  # expr, with where: substituted
    right: Expr | None  # equals, with where: substituted
    stated: StatedValue | None  # says, widened by tolerance
    domains: Mapping[str, Domain]


def prepare_claim(spec: ClaimSpec, *, bare: bool = False) -> PreparedClaim:
    """Check everything short of evaluating; ``bare`` allows neither says: nor equals: (calc)."""
    _check_kind(spec, bare)
    left = _parse_field(spec.expr, "expr")
    right = None if spec.equals is None else _parse_field(spec.equals, "equals")
    stated = _stated(spec)
    domains = _domains(spec)
    parsed_where = _parse_where(spec, domains)
    where = _resolve_where(parsed_where)
    bound_left = substitute(left, where)
    bound_right = None if right is None else substitute(right, where)
    _check_size(spec, left, right, parsed_where)
    _check_bound(spec, left, right, parsed_where, bound_left, bound_right, domains)
    ranges = {name: (float(d.low), float(d.high)) for name, d in domains.items()}
    _caps("expr", bound_left, ranges)
    if bound_right is not None:
        _caps("equals", bound_right, ranges)
    return PreparedClaim(spec, bound_left, bound_right, stated, domains)


def find_claim_error(spec: ClaimSpec) -> ClaimError | None:
    """The first problem that stops ``spec`` from being checked, with its field and column."""
    try:
        prepare_claim(spec)
    except ClaimError as err:
        return err
    return None


def validate_claim(spec: ClaimSpec) -> str | None:
    """Cheap, in-process and without sympy: an error message, or None when the claim can run."""
    error = find_claim_error(spec)
    return None if error is None else error.describe()


def _check_kind(spec: ClaimSpec, bare: bool) -> None:
    if spec.says is not None and spec.equals is not None:
        raise ClaimError("a claim has says: or equals:, not both: split it into two claims", field="equals")
    if spec.says is None and spec.equals is None and not bare:
        raise ClaimError(
            "the claim needs says: (the number the text states) or equals: (an identity)",
            field="expr",
        )
    if spec.tolerance is not None and spec.says is None:
        raise ClaimError("only says: claims take tolerance:, so remove it", field="tolerance")
    if spec.domain and spec.equals is None:
        raise ClaimError(
            "only equals: identities take a domain; a says: claim computes one number, so give each name a value in where:",
            field="domain",
        )


def _parse_field(text: str, field: str) -> Expr:
    try:
        return parse_expression(text)
    except ClaimError as err:
        raise err.in_field(field) from None


def _stated(spec: ClaimSpec) -> StatedValue | None:
    if spec.says is None:
        return None
    try:
        stated = parse_stated(spec.says)
    except ClaimError as err:
        raise err.in_field("says") from None
    if spec.tolerance is None:
        return stated
    try:
        return parse_stated(spec.says, spec.tolerance)
    except ClaimError as err:
        raise err.in_field("tolerance") from None


def _domains(spec: ClaimSpec) -> dict[str, Domain]:
    domains: dict[str, Domain] = {}
    for name, text in spec.domain:
        field = f"domain {name!r}"
        try:
            check_name(name)
            domain = parse_domain(text)
        except ClaimError as err:
            raise err.in_field(field) from None
        if name in domains:
            raise ClaimError(f"{name!r} is declared twice: keep one", field=field)
        domains[name] = domain
    return domains


def _parse_where(spec: ClaimSpec, domains: Mapping[str, Domain]) -> dict[str, Expr]:
    if len(spec.where) > MAX_BINDINGS:
        raise ClaimError(
            f"where: has {len(spec.where)} names; the limit is {MAX_BINDINGS}: split the claim",
            field="where",
        )
    parsed: dict[str, Expr] = {}
    for name, text in spec.where:
        field = f"where {name!r}"
        try:
            check_name(name)
            parsed[name] = parse_expression(text)
        except ClaimError as err:
            raise err.in_field(field) from None
        if name in domains:
            raise ClaimError(
                f"{name!r} is both given a value in where: and declared in domain:: keep one",
                field=field,
            )
    if len(parsed) != len(spec.where):
        raise ClaimError("a name appears twice in where:: keep one", field="where")
    return parsed


def _resolve_where(parsed: Mapping[str, Expr]) -> dict[str, Expr]:
    """Substitute where: values into each other, in dependency order (circles refused)."""
    resolved: dict[str, Expr] = {}
    for name in _dependency_order(parsed):
        resolved[name] = substitute(parsed[name], resolved)
    return resolved


def _dependency_order(parsed: Mapping[str, Expr]) -> list[str]:
    order: list[str] = []
    state: dict[str, str] = {}

    def visit(name: str, path: list[str]) -> None:
        if state.get(name) == "done":
            return
        if state.get(name) == "visiting":
            circle = " -> ".join([*path[path.index(name) :], name])
            raise ClaimError(
                f"where: values refer to each other in a circle ({circle}): give one of them a number",
                field=f"where {name!r}",
            )
        state[name] = "visiting"
        for used in sorted(free_names(parsed[name]) & parsed.keys()):
            visit(used, [*path, name])
        state[name] = "done"
        order.append(name)

    for name in parsed:
        visit(name, [])
    return order


def _check_size(spec: ClaimSpec, left: Expr, right: Expr | None, parsed: Mapping[str, Expr]) -> None:
    """Measure the substituted trees from the small parsed ones, so a blow-up is never built."""
    sizes: dict[str, tuple[int, int]] = {}
    for name in _dependency_order(parsed):
        sizes[name] = _measure(parsed[name], sizes)
    for field, tree in (("expr", left), ("equals", right)):
        if tree is None:
            continue
        nodes, depth = _measure(tree, sizes)
        if nodes > MAX_BOUND_NODES or depth > MAX_BOUND_DEPTH:
            raise ClaimError(
                f"with where: substituted the expression has {nodes} parts, {depth} levels deep; "
                f"the limits are {MAX_BOUND_NODES} and {MAX_BOUND_DEPTH}: simplify the claim",
                field=field,
            )


def _measure(expr: Expr, sizes: Mapping[str, tuple[int, int]]) -> tuple[int, int]:
    if isinstance(expr, Var) and expr.name in sizes:
        return sizes[expr.name]
    parts = [_measure(child, sizes) for child in children(expr)]
    nodes = 1 + sum(min(n, MAX_BOUND_NODES + 1) for n, _ in parts)
    return min(nodes, MAX_BOUND_NODES + 1), 1 + max((d for _, d in parts), default=0)


def _check_bound(
    spec: ClaimSpec,
    left: Expr,
    right: Expr | None,
    where: Mapping[str, Expr],
    bound_left: Expr,
    bound_right: Expr | None,
    domains: Mapping[str, Domain],
) -> None:
    free = free_names(bound_left) | (frozenset() if bound_right is None else free_names(bound_right))
    for name in sorted(free - domains.keys()):
        field, column = _first_use(name, left, right, where)
        if spec.equals is None:
            advice = "bind it in where: (a says: claim needs a value for every name)"
        else:
            advice = "bind it in where: or declare it in domain:"
        hint = f"; {NEAR_CONSTANTS[name]}" if name in NEAR_CONSTANTS else ""
        raise ClaimError(f"unbound name {name!r}: {advice}{hint}", column, field)


def _first_use(
    name: str, left: Expr, right: Expr | None, where: Mapping[str, Expr]
) -> tuple[str, int | None]:
    places: list[tuple[str, Expr | None]] = [("expr", left), ("equals", right)]
    places += [(f"where {key!r}", tree) for key, tree in where.items()]
    for field, tree in places:
        if tree is None:
            continue
        for node in walk(tree):
            if isinstance(node, Var) and node.name == name:
                return field, node.column
    return "expr", None


def _caps(field: str, tree: Expr, ranges: Mapping[str, tuple[float, float]]) -> None:
    try:
        check_caps(tree, ranges, substituted=True)
    except ClaimError as err:
        raise err.in_field(field) from None
