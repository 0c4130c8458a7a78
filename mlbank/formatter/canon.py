"""The canonical walk: puts a round-trip tree into canonical form in place.

At every mapping and sequence it settles the collection's style (flow at the FLOW paths, block
elsewhere), styles each scalar (mlbank.formatter.scalars), orders the keys as the models declare
them (mlbank.formatter.key_order), and carries each value's comments across those changes
(mlbank.formatter.comments). With `repair`, it also makes the repairs `intended` names: trailing
whitespace removed, a number where text belongs quoted as written.
"""

from __future__ import annotations

import itertools
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString, PlainScalarString

from mlbank.formatter.comments import (
    Trail,
    add_leading_lines,
    append_lines,
    attach,
    has_comment_after,
    indent_before,
    indent_end,
    last_scalar,
    refuse_flow_comments,
    trail_of,
)
from mlbank.formatter.errors import FormatError
from mlbank.formatter.key_order import key_orders
from mlbank.formatter.layout import FLOW, PROSE, QUOTED, matches, pattern_of
from mlbank.formatter.scalars import Verbatim, is_block, is_collection, literal_ok, plain_ok, why_not_block
from mlbank.trailing_whitespace import without_trailing_blanks


def canonicalize(tree: CommentedMap, kind: str, repair: bool) -> None:
    """Put the tree of a whole `kind` file into canonical form; `repair`: make the repairs too."""
    _Canon(kind, repair).mapping(tree, (), 0)


class _Canon:
    """Puts a round-trip tree into canonical form in place.

    A collection's style is settled before its scalars are styled, since a plain scalar that is
    fine in block context (`a, b`) must be quoted in flow context (`[a, b]`), and a literal block
    cannot stand in flow context at all.
    """

    def __init__(self, kind: str, repair: bool) -> None:
        self.kind = kind
        self.repair = repair  # make the repairs `intended` names, or keep the data exactly
        self.orders = key_orders(kind)

    def mapping(self, node: CommentedMap, path: tuple[Any, ...], indent: int, free: bool = True) -> None:
        """Canonicalize a mapping whose keys sit at column `indent` (`free`: see `_children`)."""
        refuse_flow_comments(node)
        flow = self._flow(node, path, free)
        trails = {k: trail_of(node, k) for k in node}
        self._children(node, list(node), path, indent, free=not flow)
        _set_style(node, flow)
        for key, value in node.items():
            styled = self.scalar(value, (*path, key), allow_block=not flow, flow=flow)
            ordereddict.__setitem__(node, key, styled)
        _quote_keys(node, flow)
        order = self._order(node, path)
        if order != list(node):
            self._reorder(node, order, trails, indent)
        for key, value in node.items():
            if not is_collection(value):
                attach(node, key, trails[key], indent)
            if not flow:
                indent_before(node, key, indent)
        indent_end(node, indent)

    def sequence(self, node: CommentedSeq, path: tuple[Any, ...], indent: int, free: bool = True) -> None:
        """Canonicalize a sequence whose dashes sit at column `indent` (`free`: see `_children`)."""
        refuse_flow_comments(node)
        flow = self._flow(node, path, free)
        trails = [trail_of(node, i) for i in range(len(node))]
        self._children(node, range(len(node)), path, indent, free=not flow)
        _set_style(node, flow)
        for i, value in enumerate(node):
            styled = self.scalar(value, (*path, i), allow_block=not flow, flow=flow)
            list.__setitem__(node, i, Verbatim("null") if value is None else styled)  # not `- `
        for i, value in enumerate(node):
            if not is_collection(value):
                attach(node, i, trails[i], indent)
            if not flow:
                indent_before(node, i, indent)
        indent_end(node, indent)

    def _flow(self, node: Any, path: tuple[Any, ...], free: bool) -> bool:
        """Flow style at the FLOW paths when the entries are plain values without comments; block
        everywhere else. Not `free`: flow, whatever the path."""
        if not free:
            return True
        return (
            matches(path, FLOW[self.kind])
            and not node.ca.items
            and not any(node.ca.comment or ())
            and not any(is_collection(v) for v in (node.values() if isinstance(node, dict) else node))
        )

    def _children(self, node: Any, keys: Any, path: tuple[Any, ...], indent: int, free: bool) -> None:
        """Canonicalize nested collections. Inside a flow collection everything is flow (not
        `free`); so is a flow collection with a comment after it, which ruamel would move on every
        run if it became a block."""
        for key in keys:
            value = node[key]
            if is_collection(value):
                commented = has_comment_after(node, key)
                locked = not free or (bool(value.fa.flow_style()) and commented)
                walk = self.mapping if isinstance(value, CommentedMap) else self.sequence
                walk(value, (*path, key), indent + 2, not locked)

    def _literal(self, value: Any, path: tuple[Any, ...]) -> bool:
        if not isinstance(value, str) or matches(path, QUOTED[self.kind]):
            return False
        return ("\n" in value or matches(path, PROSE[self.kind])) and literal_ok(value)

    def scalar(self, value: Any, path: tuple[Any, ...], allow_block: bool, flow: bool) -> Any:
        quoted = matches(path, QUOTED[self.kind])
        if self.repair and isinstance(value, Verbatim) and quoted:  # a number where text belongs
            return DoubleQuotedScalarString(value.text)  # its digits, quoted
        if not isinstance(value, str) or is_collection(value):
            return value
        text = without_trailing_blanks(str(value)) if self.repair else str(value)
        if quoted:
            return DoubleQuotedScalarString(text)
        if allow_block and self._literal(text, path):
            return LiteralScalarString(text)
        if is_block(value) and ("\n" in text or matches(path, PROSE[self.kind])) and text:
            raise FormatError(why_not_block(text, path, flow))  # never turn a block into a quoted scalar
        if plain_ok(text, flow):
            return PlainScalarString(text)
        return DoubleQuotedScalarString(text)

    def _order(self, node: CommentedMap, path: tuple[Any, ...]) -> list[Any]:
        known = self.orders.get(pattern_of(path))
        if known is None:
            return list(node)
        rank = {name: i for i, name in enumerate(known)}
        first = sorted((k for k in node if isinstance(k, str) and k in rank), key=lambda k: rank[k])
        return first + [k for k in node if not (isinstance(k, str) and k in rank)]

    def _reorder(self, node: CommentedMap, order: list[Any], trails: dict[Any, Trail], indent: int) -> None:
        """Reorder keys; full-line comments above a key move with it."""
        before: dict[Any, tuple[Any, list[str]]] = {}  # key -> (the key it followed, lines)
        old = list(node)
        for prev, key in itertools.pairwise(old):
            if trails[prev].lines and not is_collection(node[prev]):
                before[key] = (prev, trails[prev].lines)
                trails[prev].lines = []
        tail: list[str] = []
        if not is_collection(node[old[-1]]):
            tail, trails[old[-1]].lines = trails[old[-1]].lines, []
        for key in order:
            node.move_to_end(key)
        for i, key in enumerate(order):
            if key in before:
                prev, lines = before[key]
                self._place(node, order[i - 1] if i else None, lines, trails, indent, fallback=prev)
        if tail:
            self._place(node, order[-1], tail, trails, indent, fallback=old[-1])

    def _place(
        self,
        node: CommentedMap,
        after: Any,
        lines: list[str],
        trails: dict[Any, Trail],
        indent: int,
        fallback: Any,
    ) -> None:
        if after is None:  # above the first key: the mapping's own leading comments
            add_leading_lines(node, lines, indent)
            return
        if not is_collection(node[after]):
            trails[after].lines.extend(lines)
            return
        inner = last_scalar(node[after])
        if inner is not None:
            append_lines(*inner, lines, indent)
            return
        trails[fallback].lines.extend(lines)  # nowhere better: stay below the entry it followed


def _quote_keys(node: CommentedMap, flow: bool) -> None:
    """Keys are quoted where YAML 1.2 needs it (a claim's `where: {n: 1000}` stays as written:
    our loader reads every key as text). An equal quoted key keeps the key's comments."""
    keys = list(node)
    for key in keys:
        if not isinstance(key, str) or isinstance(key, DoubleQuotedScalarString):
            continue
        if not plain_ok(key, flow, yaml11=False):
            value = node[key]
            ordereddict.__delitem__(node, key)
            CommentedMap.__setitem__(node, DoubleQuotedScalarString(key), value)
    for key in keys:  # back in their order (the quoted key is equal to the old one)
        node.move_to_end(key)


def _set_style(node: Any, flow: bool) -> None:
    if not node:  # ruamel writes an empty collection as [] or {} whatever its style
        return
    if flow:
        node.fa.set_flow_style()
    else:
        node.fa.set_block_style()
