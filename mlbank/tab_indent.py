"""Tab indentation, replaced with spaces where only one reading of the file exists.

YAML indents with spaces only: a tab at the start of a line (or after a list's `-`) is a syntax error.
An editor shows a tab 2, 4 or 8 columns wide, and the file's meaning depends on which. So the tabs the
parser rejects are expanded one line at a time, at each of those widths, until the file loads; when
every width that makes it load gives the same data, the replacement is safe. Tabs the parser accepts
(inside a `|` block's text, in a flow collection, between a key and its value) are never touched.

Used by `mlbank lint --fix` and `mlbank fmt`; both only call it on text that does not load.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mlbank.loader import Problem, parse_yaml

WIDTHS = (2, 4, 8)
_INDENT = re.compile(r"(?:[ \t]|-(?=[ \t]))*")  # a line's indentation, list dashes included


class Untabbed(NamedTuple):
    """The outcome of replacing tab indentation in a text that does not load."""

    text: str | None  # the text with the tabs replaced; None when the widths disagree
    lines: tuple[int, ...]  # the lines (1-based) whose indentation held a tab the parser rejected

    def describe(self) -> str:
        lines = ("line " if len(self.lines) == 1 else "lines ") + ", ".join(map(str, self.lines))
        if self.text is not None:
            return f"replaced the tabs that indent {lines} with spaces"
        return (
            f"tab indentation on {lines} not replaced: YAML indents with spaces only, and read as 2, 4 "
            "or 8 columns wide, the tabs give different data: indent with spaces as you meant it"
        )


def untab(text: str) -> Untabbed | None:
    """Replace the tab indentation that keeps `text` from loading; None when there is none to replace
    (the text loads, or its first syntax error is not on a line indented with a tab) or when no width
    makes the text load (another error is in the way: the parser's message says more)."""
    if "\t" not in text:
        return None
    first = _rejected_line(text)
    if first is None or "\t" not in _indent(text, first):
        return None
    outcomes = [(new, lines) for new, lines in (_expand(text, w) for w in WIDTHS) if new is not None]
    if not outcomes:
        return None
    data = [parse_yaml(new)[0] for new, _ in outcomes]
    if any(d != data[0] for d in data):
        return Untabbed(None, tuple(sorted({n for _, lines in outcomes for n in lines})))
    return Untabbed(*outcomes[0])


def _expand(text: str, width: int) -> tuple[str | None, tuple[int, ...]]:
    """Expand tabs at `width`, only on the lines the parser rejects, until the text loads."""
    lines = text.split("\n")  # as the parser counts lines (splitlines also breaks at \x0c, \u2028...)
    touched: list[int] = []
    while True:
        current = "\n".join(lines)
        number = _rejected_line(current)
        if number is None:
            return current, tuple(touched)
        indent = _indent(current, number)
        if "\t" not in indent:
            return None, ()
        lines[number - 1] = indent.expandtabs(width) + lines[number - 1][len(indent) :]
        touched.append(number)


def _rejected_line(text: str) -> int | None:
    """The line of the text's first syntax error; 0 when it holds no data otherwise; None when it loads."""
    data, _, problems = parse_yaml(text)
    syntax = next((p for p in problems if p.kind is Problem.SYNTAX), None)
    if syntax is not None:
        return syntax.position.line
    return None if data is not None else 0


def _indent(text: str, number: int) -> str:
    """The indentation of line `number` (1-based), list dashes included."""
    lines = text.split("\n")
    match = _INDENT.match(lines[number - 1]) if 0 < number <= len(lines) else None
    return match.group() if match else ""
