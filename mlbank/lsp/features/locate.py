"""What is under the cursor in a bank file: the YAML field path and the token, read line by line.

An author's buffer is broken YAML half the time (`see: [q0` while they type), so this does not
parse: it reads the block structure from indentation, the way YAML nests block mappings and
sequences, and the flow collections (`[a, b]`, `{id: x}`) of the cursor's own line. Block scalars
(`answer: |`) are found first, so prose that looks like a key (`Note: ...`) is never read as one.
Positions are 0-based lines and characters (code points); the LSP edge converts units.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from mlbank.loader import LINE_BREAK, FieldPath

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ \t]*:(?=[ \t]|$)")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_WORD = re.compile(r"[A-Za-z0-9_+-]")


class Spot(NamedTuple):
    """The cursor's place: the field path of the value (or of the key being written, `on_key`), the
    word under the cursor and its columns [start, end) on the line. List indexes are in the path
    where the line structure gives them."""

    path: FieldPath
    token: str
    start: int
    end: int
    on_key: bool = False
    prose: bool = False  # inside a block scalar


class _Line(NamedTuple):
    """One line's structure: its sequence dashes' columns, its key and the key's columns."""

    dashes: tuple[int, ...]
    key: str | None
    key_start: int
    after_colon: int  # the column just past the key's colon (or where content starts)


def split_lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


def locate(text: str, line: int, character: int) -> Spot:
    """The spot at a 0-based line and character of `text`, whatever state the text is in."""
    lines = split_lines(text)
    if line >= len(lines):
        return Spot((), "", character, character, on_key=True)
    current = lines[line]
    character = max(0, min(character, len(current)))
    blocks = block_lines(lines)
    start, end = _word(current, character)
    token = current[start:end]
    if line in blocks:
        header = blocks[line]
        return Spot(_header_path(lines, header, blocks), token, start, end, prose=True)
    shape = _shape(current)
    indent = shape.dashes[0] if shape.dashes else (shape.key_start if shape.key else _indent(current))
    if not current.strip():
        indent = character  # an empty line: the cursor's column is where the next node goes
    parents = _parents(lines, line, indent, blocks)
    own: list[str | int] = [_item_index(lines, line, shape.dashes[0], blocks)] if shape.dashes else []
    own += [0] * (len(shape.dashes) - 1)  # `- - x`: an inner sequence's first item
    path: FieldPath = (*parents, *own)
    if shape.key is None:
        if shape.dashes and current[shape.after_colon :].lstrip().startswith("{"):
            return _in_flow(current, shape.after_colon, character, path, start, end)
        # A word with no colon: a key being typed, unless it is a sequence item's value.
        return Spot(path, token, start, end, on_key=not shape.dashes)
    if character <= shape.key_start + len(shape.key):
        return Spot(path, token, start, end, on_key=True)
    return _in_flow(current, shape.after_colon, character, (*path, shape.key), start, end)


def _in_flow(current: str, at: int, character: int, path: FieldPath, start: int, end: int) -> Spot:
    """A value on the key's line: a plain scalar, or an item or key of a flow `[...]` or `{...}`."""
    value = current[at:].lstrip()
    opened = len(current) - len(value)
    if character <= opened or not value or value[0] not in "[{":
        return Spot(path, current[start:end], start, end)
    inner = _outside_quotes(current[opened + 1 : character])
    if value[0] == "[":
        return Spot((*path, inner.count(",")), current[start:end], start, end)
    segment = inner[inner.rfind(",") + 1 :]
    key = _KEY.search(segment + " ")
    if key is None:
        return Spot(path, current[start:end], start, end, on_key=True)
    return Spot((*path, key.group(1)), current[start:end], start, end)


def _outside_quotes(text: str) -> str:
    """`text` with quoted parts blanked, so a comma inside quotes does not count."""
    return re.sub(r"\"(?:[^\"\\]|\\.)*\"?|'(?:[^']|'')*'?", lambda m: "_" * len(m.group()), text)


def _word(line: str, character: int) -> tuple[int, int]:
    start = character
    while start > 0 and _WORD.match(line[start - 1]):
        start -= 1
    end = character
    while end < len(line) and _WORD.match(line[end]):
        end += 1
    return start, end


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _shape(line: str) -> _Line:
    pos = _indent(line)
    dashes: list[int] = []
    while line.startswith("-", pos) and (pos + 1 == len(line) or line[pos + 1] in " \t"):
        dashes.append(pos)
        pos += 1
        while pos < len(line) and line[pos] in " \t":
            pos += 1
    key = _KEY.match(line, pos)
    if key is None or line.startswith("#", pos):
        return _Line(tuple(dashes), None, pos, pos)
    return _Line(tuple(dashes), key.group(1), pos, key.end())


def _significant(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def block_lines(lines: list[str]) -> dict[int, int]:
    """Each line inside a block scalar (`key: |`, `- >`), mapped to its header line."""
    inside: dict[int, int] = {}
    number = 0
    while number < len(lines):
        shape = _shape(lines[number])
        header = lines[number][shape.after_colon :].strip()
        number += 1
        if not _BLOCK_HEADER.match(header) or header.startswith("#"):
            continue
        column = shape.key_start if shape.key else (shape.dashes[-1] if shape.dashes else -1)
        header_line = number - 1
        while number < len(lines) and (not lines[number].strip() or _indent(lines[number]) > column):
            inside[number] = header_line
            number += 1
    return inside


def _header_path(lines: list[str], header: int, blocks: dict[int, int]) -> FieldPath:
    """The field path of a block scalar's value, from its header line."""
    shape = _shape(lines[header])
    indent = shape.dashes[0] if shape.dashes else shape.key_start
    path: FieldPath = _parents(lines, header, indent, blocks)
    if shape.dashes:
        path = (*path, _item_index(lines, header, shape.dashes[0], blocks))
    return (*path, shape.key) if shape.key else path


def _parents(lines: list[str], line: int, target: int, blocks: dict[int, int]) -> FieldPath:
    """The path of the collection a node at column `target` of `line` belongs to, read upward."""
    path: list[str | int] = []
    number = line - 1
    while target > 0 and number >= 0:
        text = lines[number]
        if number in blocks or not _significant(text):
            number -= 1
            continue
        shape = _shape(text)
        columns = [*((d, None) for d in shape.dashes), *([(shape.key_start, shape.key)] if shape.key else [])]
        for column, key in reversed(columns):
            if column >= target:
                continue
            if key is not None:
                path.append(key)
            else:
                path.append(_item_index(lines, number, column, blocks))
            target = column
        number -= 1
    return tuple(reversed(path))


def _item_index(lines: list[str], line: int, column: int, blocks: dict[int, int]) -> int:
    """Which item of its sequence the dash at `column` of `line` opens: the dashes above it at that
    column, up to the line that holds the sequence."""
    count = 0
    for number in range(line - 1, -1, -1):
        text = lines[number]
        if number in blocks or not _significant(text):
            continue
        indent = _indent(text)
        if indent < column:
            break
        if indent == column and _shape(text).dashes[:1] == (column,):
            count += 1
    return count


def present_keys(text: str, line: int, column: int) -> set[str]:
    """The keys already written in the block mapping whose keys sit at `column`, around `line` (for
    key completion: offer only the keys not there yet). Reads up and down from the line to the
    lines that close the mapping: one less indented, or the dash that opens its list item."""
    lines = split_lines(text)
    blocks = block_lines(lines)
    found: set[str] = set()
    for step in (-1, 1):
        number = line + step
        while 0 <= number < len(lines):
            current = lines[number]
            number += step
            if number - step in blocks or not _significant(current):
                continue
            shape = _shape(current)
            first = shape.dashes[0] if shape.dashes else shape.key_start
            if shape.key is not None and shape.key_start == column and (first == column or step < 0):
                found.add(shape.key)  # a sibling, or (above) the item's first key after its dash
            if first < column or (first == column and shape.dashes):
                break
    return found
