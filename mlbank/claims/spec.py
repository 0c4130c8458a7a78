"""The values that cross the claims API and the worker pipe: ClaimSpec in, Verdict out.

Both are frozen and hashable, and both travel as plain JSON so the worker process never unpickles
anything (pickle would let a tampered pipe or cache run code).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, cast

Status = Literal["holds", "fails", "invalid"]
STATUSES: tuple[Status, ...] = ("holds", "fails", "invalid")


@dataclass(frozen=True)
class ClaimSpec:
    """One worked-number claim as written in a question file.

    ``says`` claims compare ``expr`` with a stated number; ``equals`` claims assert that two
    expressions are the same function of the names declared in ``domain``.
    """

    expr: str
    says: str | None = None
    equals: str | None = None
    where: tuple[tuple[str, str], ...] = ()
    domain: tuple[tuple[str, str], ...] = ()
    tolerance: str | None = None


@dataclass(frozen=True)
class Verdict:
    """The outcome of one claim; ``message`` is a full sentence saying what to do when it fails."""

    status: Status
    message: str
    value: str | None = None
    rounded: str | None = None


def spec_to_json(spec: ClaimSpec) -> dict[str, Any]:
    return {
        "expr": spec.expr,
        "says": spec.says,
        "equals": spec.equals,
        "where": [list(pair) for pair in spec.where],
        "domain": [list(pair) for pair in spec.domain],
        "tolerance": spec.tolerance,
    }


def spec_from_json(data: Any) -> ClaimSpec:
    """Rebuild a spec, refusing anything that is not exactly the shape spec_to_json writes."""
    if not isinstance(data, dict):
        raise ValueError("a claim must be a JSON object")
    return ClaimSpec(
        expr=_text(data.get("expr")),
        says=_optional_text(data.get("says")),
        equals=_optional_text(data.get("equals")),
        where=_pairs(data.get("where")),
        domain=_pairs(data.get("domain")),
        tolerance=_optional_text(data.get("tolerance")),
    )


def verdict_to_json(verdict: Verdict) -> dict[str, Any]:
    return {
        "status": verdict.status,
        "message": verdict.message,
        "value": verdict.value,
        "rounded": verdict.rounded,
    }


def verdict_from_json(data: Any) -> Verdict:
    if not isinstance(data, dict) or data.get("status") not in STATUSES:
        raise ValueError("a verdict must be a JSON object with a known status")
    return Verdict(
        status=cast(Status, data["status"]),
        message=_text(data.get("message")),
        value=_optional_text(data.get("value")),
        rounded=_optional_text(data.get("rounded")),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _optional_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _pairs(value: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(value, list):
        raise ValueError("expected a list of [name, text] pairs")
    pairs: list[tuple[str, str]] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 2:
            raise ValueError("expected a [name, text] pair")
        pairs.append((_text(item[0]), _text(item[1])))
    return tuple(pairs)
