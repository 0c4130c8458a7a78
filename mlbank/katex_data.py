"""What KaTeX renders, as data: mlbank/data/katex.json, generated from KaTeX itself.

scripts/katex_commands.mjs asks the `katex` npm package which commands, environments, delimiters
and characters it accepts, and how many arguments of which kind each command takes (see that
script to regenerate the file; tests/test_katex_real.py checks it is current). This module only
reads the file into typed values for mlbank/tex_check.py.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from typing import Any, NamedTuple

MATH, DISPLAY, TEXT = "m", "d", "t"  # where a command may appear: inline math, display math, text


class Command(NamedTuple):
    modes: str  # a subset of "mdt"
    # Kinds of the required arguments: math, text, size (size_or_empty: {} means 0pt), color,
    # delimiter (alone or alone in braces; bare_delimiter: no braces), raw (not parsed), other.
    args: tuple[str, ...]
    text_args: tuple[str, ...]  # the same, when the command is used inside \text{...}
    optional: str | None  # the kind of an optional [..] argument before them, if it takes one
    star: bool  # has a starred form (\operatorname*)
    bare_operand: bool  # may follow ^ or _ without braces (x^\frac12, but not x^\sqrt2)
    transparent: bool  # expands to nothing (\relax): after ^ or _, the operand is what follows it
    ends_atom: bool  # no script attaches to it (\color takes the rest of its group; \relax is no atom)
    primitive: bool  # a bare command argument takes its own arguments (\sqrt\frac12)
    operator: bool  # \limits and \nolimits may follow it
    infix: bool  # \over, \choose: at most one per group
    expansions: int  # macro expansions KaTeX spends on it (it gives up past 1000 per formula)


class Environment(NamedTuple):
    args: tuple[str, ...]  # "columns" (a column spec), "count" (a number of column pairs), "other"
    column_letters: str  # what a column spec may hold (spaces aside)
    spec_columns: int | None  # how many columns a spec may name, if limited
    optional: str | None  # "alignment": the starred matrices' [l], [c] or [r]
    display_only: bool
    max_columns: int | None  # cells per row, if limited (a "count" argument n allows 2n)


class Characters(NamedTuple):
    math: frozenset[str]  # printable ASCII KaTeX takes as a symbol in math
    text: frozenset[str]  # ... inside \text{...}
    superscripts: frozenset[str]  # ² and its kind: a superscript, to KaTeX
    subscripts: frozenset[str]
    math_marks: frozenset[str]  # combining accents KaTeX can put on a letter in math
    text_marks: frozenset[str]


class KaTeX(NamedTuple):
    version: str
    commands: dict[str, Command]
    structural: dict[str, str]  # commands the checker parses as syntax (\left, \begin), with their modes
    refused: dict[
        str, str
    ]  # command -> "trust", "definition" or "programming": KaTeX has them, mlbank refuses them
    environments: dict[str, Environment]
    delimiters: frozenset[str]
    units: frozenset[str]
    characters: Characters


@lru_cache(maxsize=1)
def katex() -> KaTeX:
    raw = json.loads((files("mlbank") / "data" / "katex.json").read_text(encoding="utf-8"))
    chars = raw["characters"]
    return KaTeX(
        version=raw["katex"],
        commands={name: _command(spec) for name, spec in raw["commands"].items()},
        structural=dict(raw["structural"]),
        refused=dict(raw["refused"]),
        environments={name: _environment(spec) for name, spec in raw["environments"].items()},
        delimiters=frozenset(raw["delimiters"]),
        units=frozenset(raw["units"]),
        characters=Characters(
            frozenset(chars["math"]),
            frozenset(chars["text"]),
            frozenset(chars["superscripts"]),
            frozenset(chars["subscripts"]),
            frozenset(_code_points(chars["math_marks"])),
            frozenset(_code_points(chars["text_marks"])),
        ),
    )


def _command(spec: dict[str, Any]) -> Command:
    args = tuple(spec.get("args", ()))
    return Command(
        modes=spec["modes"],
        args=args,
        text_args=tuple(spec.get("text_args", args)),
        optional=spec.get("optional"),
        star=spec.get("star", False),
        bare_operand=spec.get("bare_operand", not args),
        transparent=spec.get("transparent", False),
        ends_atom=spec.get("ends_atom", False),
        primitive=spec.get("primitive", False),
        operator=spec.get("operator", False),
        infix=spec.get("infix", False),
        expansions=spec.get("expansions", 0),
    )


def _environment(spec: dict[str, Any]) -> Environment:
    return Environment(
        args=tuple(spec.get("args", ())),
        column_letters=spec.get("column_letters", ""),
        spec_columns=spec.get("spec_columns"),
        optional=spec.get("optional"),
        display_only=spec.get("display_only", False),
        max_columns=spec.get("max_columns"),
    )


def _code_points(names: list[str]) -> list[str]:
    return [chr(int(name.removeprefix("U+"), 16)) for name in names]
