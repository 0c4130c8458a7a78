"""The canonical text of plain data written directly, for the layouts bank files use, or None.

`is_canonical` renders a file's data back and compares it with the file; through ruamel (the
canonical walk, then its representer, serializer and emitter) that is most of `mlbank fmt --check`'s
time. This module writes the same text with string building, for what bank files hold: block
mappings and sequences, mappings inside sequences, flow collections of scalars (`topics: [a, b]`,
a review's `fields: {...}`, wrapped at the width as ruamel wraps them), literal blocks, plain
scalars that fit on their line, and double-quoted ones folded as the emitter folds them. It follows the same decisions as
the canonical walk (mlbank.formatter.canon: layout paths, `plain_ok`, `literal_ok`, key order) and
writes what ruamel's emitter, set up as mlbank.formatter.emitter sets it, writes for them.

Anything else it declines (returns None) and ruamel decides: keys out of the canonical order, text
that would be folded inside a flow collection or plain, escaped, or needs an indentation indicator, `|+` blocks, nulls, floats in
exponent form, collections nested in flow collections or in sequences, flow collections as sequence
items, and so on. Where it answers, the answer is ruamel's text: tests/test_fmt_direct.py holds the
two equal on generated documents and on every file of the project's bank and a synthetic one.
"""

from __future__ import annotations

import re
from typing import Any

from mlbank.formatter.key_order import key_orders
from mlbank.formatter.layout import FLOW, PROSE, QUOTED, WIDTH, Pattern
from mlbank.formatter.scalars import literal_ok, plain_ok, yaml_printable

_MAX_KEY = 60  # ruamel writes keys up to 128 characters as simple keys; bank keys are short
_SIMPLE_FLOAT = re.compile(r"-?[0-9]+\.[0-9]+")  # repr() of a float ruamel writes as it is


class _Decline(Exception):
    """Not a layout this module writes: ruamel's round trip renders it."""


def render(data: dict[str, Any], kind: str, header: str | None = None) -> str | None:
    """What mlbank.formatter.render(data, kind, header) returns, or None (not decided here)."""
    if not data:
        return None
    writer = _Writer(kind)
    try:
        writer.mapping(data, (), 0, "")
    except _Decline:
        return None
    body = "".join(writer.out)
    return f"{header}\n{body}" if header else body


class _Writer:
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.orders = key_orders(kind)
        # The layout's paths for this kind; a path is written as its pattern ("*" for an index).
        self.flow, self.prose, self.quoted = FLOW[kind], PROSE[kind], QUOTED[kind]
        self.out: list[str] = []

    # --- block collections ------------------------------------------------------------------------

    def mapping(self, node: dict[Any, Any], path: Pattern, indent: int, first: str) -> None:
        """A block mapping whose keys sit at column `indent`; its first key follows `first` (a
        sequence item's dash, or the indentation)."""
        self._check_order(node, path)
        for i, (key, value) in enumerate(node.items()):
            if not isinstance(key, str) or len(key) > _MAX_KEY or not plain_ok(key, False, yaml11=False):
                raise _Decline
            lead = (first if i == 0 else " " * indent) + key + ":"
            self.value(value, (*path, key), indent, lead)

    def value(self, value: Any, path: Pattern, indent: int, lead: str) -> None:
        """A mapping's value after `lead` (`key:`), the key at column `indent`."""
        if isinstance(value, (dict, list)):
            if not value:
                self.out.append(lead + (" {}\n" if isinstance(value, dict) else " []\n"))
            elif self._flow(value, path):
                self.out.append(self._flow_text(value, path, lead, indent + 2) + "\n")
            elif isinstance(value, dict):
                self.out.append(lead + "\n")
                self.mapping(value, path, indent + 2, " " * (indent + 2))
            else:
                self.out.append(lead + "\n")
                self.sequence(value, path, indent + 2)
            return
        if isinstance(value, str) and self._literal(value, path):
            self.out.append(lead + _literal(value, indent + 2))
            return
        text = self.scalar(value, path, flow=False)
        if text.startswith('"'):
            self.out.append(_folded(lead, text[1:-1], indent + 2) + "\n")
        else:
            self.out.append(self._line(lead + " " + text) + "\n")

    def sequence(self, node: list[Any], path: Pattern, dash: int) -> None:
        """A block sequence whose dashes sit at column `dash`."""
        lead, item_path = " " * dash + "- ", (*path, "*")
        for item in node:
            if isinstance(item, dict) and item and not self._flow(item, item_path):
                self.mapping(item, item_path, dash + 2, lead)
            elif isinstance(item, (dict, list)) or (isinstance(item, str) and self._literal(item, item_path)):
                raise _Decline  # nested sequences, empty or flow items, literal items: ruamel's
            else:
                self.out.append(self._line(lead + self.scalar(item, item_path, flow=False)) + "\n")

    def _check_order(self, node: dict[Any, Any], path: Pattern) -> None:
        """Keys in the canonical walk's order, or decline (it would reorder them)."""
        known = self.orders.get(path)
        if known is None:
            return
        rank = {name: i for i, name in enumerate(known)}
        first = [k for k in node if isinstance(k, str) and k in rank]
        ordered = sorted(first, key=lambda k: rank[k]) + [k for k in node if k not in first]
        if ordered != list(node):
            raise _Decline

    # --- flow collections -------------------------------------------------------------------------

    def _flow(self, value: dict[Any, Any] | list[Any], path: Pattern) -> bool:
        items = value.values() if isinstance(value, dict) else value
        return path in self.flow and not any(isinstance(v, (dict, list)) for v in items)

    def _flow_text(self, value: dict[Any, Any] | list[Any], path: Pattern, lead: str, indent: int) -> str:
        """`lead [a, b]` or `lead {k: v, ...}`. After a comma past the width ruamel breaks the line
        and goes on at `indent`."""
        if isinstance(value, dict):
            entries = [
                (self._flow_key(k) + ": ", self.scalar(v, (*path, k), flow=True)) for k, v in value.items()
            ]
            opening, closing = "{", "}"
        else:
            entries = [("", self.scalar(v, (*path, "*"), flow=True)) for i, v in enumerate(value)]
            opening, closing = "[", "]"
        text = lead + " " + opening
        column = len(text)
        if column > WIDTH:
            raise _Decline
        for i, (key, scalar) in enumerate(entries):
            if i:
                text += ","
                column += 1
                if column > WIDTH:
                    text += "\n" + " " * indent  # the entry starts at the indentation
                    column = indent
                else:
                    key = " " + key
            _check_unfolded(scalar, column + len(key))
            text += key + scalar
            column += len(key) + len(scalar)
        return text + closing

    def _flow_key(self, key: Any) -> str:
        if not isinstance(key, str) or len(key) > _MAX_KEY or not plain_ok(key, True, yaml11=False):
            raise _Decline
        return key

    # --- scalars ----------------------------------------------------------------------------------

    def _literal(self, text: str, path: Pattern) -> bool:
        """The canonical walk's choice of a literal block (in block context)."""
        if path in self.quoted:
            return False
        return ("\n" in text or path in self.prose) and literal_ok(text)

    def scalar(self, value: Any, path: Pattern, flow: bool) -> str:
        """A one-line scalar as the canonical walk styles it and ruamel writes it."""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            text = repr(value)
            if not _SIMPLE_FLOAT.fullmatch(text):
                raise _Decline
            return text
        if not isinstance(value, str):
            raise _Decline  # null, or a type the loader does not give
        if path not in self.quoted and plain_ok(value, flow):
            return value
        return _double_quoted(value)

    @staticmethod
    def _line(text: str) -> str:
        """A line ending in a plain scalar: beyond the width ruamel may fold it (not done here)."""
        if len(text) > WIDTH:
            raise _Decline
        return text


def _folded(lead: str, text: str, indent: int) -> str:
    """`lead "text"` folded as mlbank.formatter.emitter writes a double-quoted scalar with nothing
    to escape: at the first space where the text so far runs past the width, the line ends in a
    backslash and the next one starts at `indent` with a backslash (so the space is kept)."""
    column = len(lead) + 2  # after `lead "`
    lines, start = [], 0
    for end in range(1, len(text) - 1):
        if text[end] == " " and column + (end - start) > WIDTH:
            lines.append(text[start:end] + "\\")
            start = end
            column = indent + 1
    last = "\n" + " " * indent + "\\"
    return f'{lead} "' + last.join([*lines, text[start:]]) + '"'


def _check_unfolded(scalar: str, column: int) -> None:
    """Decline a scalar in a flow collection, starting at `column`, that ruamel would fold: a
    double-quoted one at an inner space past the width, a plain one (conservatively) that has a
    space and ends past it."""
    if scalar.startswith('"'):
        inner = scalar[1:-1]
        last = inner.rfind(" ", 1, len(inner) - 1)
        if last > 0 and column + 1 + last > WIDTH:
            raise _Decline
    elif " " in scalar and column + len(scalar) > WIDTH:
        raise _Decline


def _double_quoted(text: str) -> str:
    """`"text"` when nothing in it is escaped (ruamel escapes `"`, `\\`, breaks and non-printables)."""
    if any(ch in '"\\' or not _printable(ch) for ch in text):
        raise _Decline
    return f'"{text}"'


def _printable(ch: str) -> bool:
    return "\x20" <= ch <= "\x7e" or (yaml_printable(ch) and ch not in "\x85\u2028\u2029\ufeff")


def _literal(text: str, indent: int) -> str:
    """` |`, ` |-` and the block's lines at `indent` (ruamel's choices, as the emitter writes them)."""
    if text[0] in " \n\t":
        raise _Decline  # an indentation indicator (`|2`): ruamel's
    if not text.endswith("\n"):
        hints = "-"
    elif len(text) == 1 or text[-2] == "\n":
        raise _Decline  # `|+`, which leaves the document open-ended
    else:
        hints = ""
    lines = text.split("\n")
    body = "\n".join(" " * indent + line if line else "" for line in lines)
    return f" |{hints}\n{body}" + ("\n" if lines[-1] else "")
