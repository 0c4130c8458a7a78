"""``mlbank calc``: check one expression from the command line, the way a worked: claim is checked.

run_calc returns the exit code and the lines to print; cli_commands.py prints them. Exit codes: 0 the claim
holds (or, with neither --says nor --equals, the value was computed), 1 it fails, 2 it is invalid or
refused (bad syntax, unbound names, a malformed NAME=VALUE, a timeout).

The claims engine words its messages for question files ("bind it in where:"); here the author types
options, so every claim key a message names becomes the option that sets it ("bind it in --where").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from mlbank.claims.errors import ClaimError
from mlbank.claims.prepare import PreparedClaim, prepare_claim
from mlbank.claims.spec import ClaimSpec, Verdict
from mlbank.claims.stated import format_exact

_EXIT = {"holds": 0, "fails": 1, "invalid": 2}


def run_calc(
    expr: str,
    says: str | None = None,
    equals: str | None = None,
    where: Sequence[str] = (),
    tolerance: str | None = None,
    domain: Sequence[str] = (),
    *,
    deadline: float = 10.0,
) -> tuple[int, list[str]]:
    try:
        spec = ClaimSpec(expr, says, equals, _pairs(where, "--where"), _pairs(domain, "--domain"), tolerance)
        prepared = prepare_claim(spec, bare=True)
    except ClaimError as err:
        return 2, [f"invalid: {_describe(err)}"]
    from mlbank.claims.worker import run_batch  # sympy runs in the worker, never here

    verdict = run_batch([spec], deadline)[0]
    return _EXIT[verdict.status], _lines(spec, prepared, verdict)


def _pairs(items: Sequence[str], option: str) -> tuple[tuple[str, str], ...]:
    pairs: list[tuple[str, str]] = []
    for item in items:
        name, equal_sign, value = item.partition("=")
        if not equal_sign or not name.strip() or not value.strip():
            raise ClaimError(
                f"{option} {item!r} is not NAME=VALUE: write it like {option} "
                + ("eps=0.01" if option == "--where" else '"rho=[0, 1]"')
            )
        pairs.append((name.strip(), value.strip()))
    return tuple(pairs)


# A claim key as messages name it ("where:", "says:,"), not part of a longer word or option.
_KEY = re.compile(r"(?<![\w-])(says|equals|where|domain|tolerance):")
# ClaimError.field ("expr", "where 'd'") -> how the command line spells that place.
_FIELD = re.compile(r"(?P<key>expr|says|equals|where|domain|tolerance)(?: '(?P<name>[^']*)')?")


def _as_options(message: str) -> str:
    """A claims message with each claim key it names spelled as the option that sets it."""
    return _KEY.sub(lambda m: f"--{m[1]}", message)


def _describe(err: ClaimError) -> str:
    text = _as_options(err.message)
    field = _FIELD.fullmatch(err.field or "")
    if field is not None:
        key, name = field["key"], field["name"]
        place = "EXPR" if key == "expr" else f"--{key}" + (f" {name}" if name else "")
        text = f"{place}: {text}"
    return text if text.endswith(".") else text + "."


def _lines(spec: ClaimSpec, prepared: PreparedClaim, verdict: Verdict) -> list[str]:
    verdict = replace(verdict, message=_as_options(verdict.message))
    if spec.says is None and spec.equals is None:
        return [verdict.message] if verdict.status == "holds" else [f"invalid: {verdict.message}"]
    lines: list[str] = []
    if verdict.value is not None:
        lines.append(f"value: {verdict.value}")
    stated = prepared.stated
    if stated is not None:
        widened = f" with tolerance {spec.tolerance}" if spec.tolerance else ""
        lines.append(
            f'says: "{stated.text}"{widened} means [{format_exact(stated.low)}, {format_exact(stated.high)}]'
        )
    lines.append(f"{verdict.status}: {verdict.message}")
    return lines
