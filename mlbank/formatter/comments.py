"""Comments through a round trip: read them off a value before its style changes, and write them
back where ruamel will put them after it.

An end-of-line comment stays on its value; full-line comments below a value travel with it (the
canonical walk moves them with the key they stand above). ruamel cannot keep a comment inside
`[...]` or `{...}`: `refuse_flow_comments` refuses such a collection rather than lose it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark
from ruamel.yaml.scalarstring import LiteralScalarString
from ruamel.yaml.tokens import CommentToken

from mlbank.formatter.errors import FormatError
from mlbank.formatter.scalars import is_block, is_collection


@dataclass
class Trail:
    """The comments after one value: an end-of-line comment and the full lines below it."""

    eol: str | None = None
    eol_column: int = 0
    lines: list[str] = field(default_factory=list)
    header: str | None = None  # a comment on a block scalar's `|` or `>` line


def _split_token(token: Any, source_block: bool) -> Trail:
    """ruamel's comment token after a scalar -> a Trail (see `_token` for the reverse)."""
    if token is None:
        return Trail()
    value: str = token.value
    column = getattr(token.start_mark, "column", 0) or 0
    if source_block:  # the block scalar ate the line break: the token is whole lines only
        lines = value.split("\n")
        if lines and lines[0].strip():
            lines[0] = " " * column + lines[0]
        return Trail(lines=_drop_end(lines))
    if value.startswith("\n"):
        return Trail(lines=_drop_end(value[1:].split("\n")))
    first, _, rest = value.partition("\n")
    return Trail(first.strip(), column, _drop_end(rest.split("\n")))


def _drop_end(lines: list[str]) -> list[str]:
    return lines[:-1] if lines and lines[-1] == "" else lines


def _token(trail: Trail, value: Any, indent: int) -> Any:
    """A comment token that puts `trail` after `value` once written; None when there is nothing."""
    lines = [_cap(line, indent) for line in trail.lines]
    if isinstance(value, LiteralScalarString):
        if trail.eol:
            lines.insert(0, " " * indent + trail.eol)
        if value.endswith("\n\n") or value == "\n":  # `|+` would swallow blank lines below it
            lines = [line for line in lines if line.strip()]
        if not lines:
            return None
        return CommentToken("\n".join(lines) + "\n", CommentMark(0), None)
    if trail.eol:
        return CommentToken("\n".join([trail.eol, *lines]) + "\n", CommentMark(trail.eol_column), None)
    if not lines:
        return None
    return CommentToken("\n" + "\n".join(lines) + "\n", CommentMark(0), None)


def _cap(line: str, indent: int) -> str:
    """A full-line comment no deeper than the entry it follows, so no block scalar can absorb it."""
    stripped = line.lstrip(" ")
    if not stripped:
        return ""
    return " " * min(len(line) - len(stripped), indent) + stripped


def _slot(container: Any, key: Any) -> list[Any] | None:
    items: dict[Any, list[Any]] = container.ca.items
    return items.get(key)


# Where ruamel keeps an entry's comments in its container's `ca.items[key]`: after the value, on a
# block scalar's indicator line, and (sometimes) above the entry. In a sequence the last two share a
# slot: strings for an indicator-line comment, tokens for comments above.
_AFTER: dict[type, int] = {CommentedMap: 2, CommentedSeq: 0}
_HEADER: dict[type, int] = {CommentedMap: 3, CommentedSeq: 1}
_BEFORE: dict[type, int] = {CommentedMap: 1, CommentedSeq: 1}  # comments above the entry


def _get_slot(container: Any, key: Any, where: dict[type, int]) -> Any:
    slot = _slot(container, key)
    index = where[type(container)]
    return slot[index] if slot is not None and len(slot) > index else None


def _set_slot(container: Any, key: Any, where: dict[type, int], value: Any) -> None:
    index = where[type(container)]
    slot = _slot(container, key)
    if slot is None:
        if value is None:
            return
        slot = container.ca.items.setdefault(key, [None, None, None, None])
    while len(slot) <= index:
        slot.append(None)
    slot[index] = value
    if all(t is None for t in slot):
        del container.ca.items[key]


def has_comment_after(container: Any, key: Any) -> bool:
    """Whether a comment follows the value at `key` (on its line or the lines below)."""
    return isinstance(_get_slot(container, key, _AFTER), CommentToken)


def trail_of(container: Any, key: Any) -> Trail:
    """The comments after the scalar at `key`, read before its style changes."""
    value = container[key]
    trail = _split_token(_get_slot(container, key, _AFTER), is_block(value))
    header = _get_slot(container, key, _HEADER) if is_block(value) else None
    if isinstance(header, list) and header and all(isinstance(h, str) for h in header):
        trail.header = " ".join(h.strip() for h in header)
    return trail


def indent_before(container: Any, key: Any, indent: int) -> None:
    """Comments ruamel keeps before an entry (after a flow collection, say) get a fixed indentation:
    written at their old column they would be read back elsewhere and move on the next run."""
    tokens = _get_slot(container, key, _BEFORE)
    if isinstance(tokens, list) and tokens and all(isinstance(t, CommentToken) for t in tokens):
        _set_slot(container, key, _BEFORE, _full_lines(tokens, indent))


def indent_end(node: Any, indent: int) -> None:
    """The same for comments after a collection's last entry that ruamel could not attach to a value."""
    if node.ca.end:
        node.ca.end = _full_lines(node.ca.end, indent)


def _full_lines(tokens: list[Any], indent: int) -> list[Any]:
    """Whole-line comment tokens re-indented to at most `indent`, written exactly as they read."""
    fixed = []
    for token in tokens:
        lines = token.value.split("\n")
        lines[0] = " " * (getattr(token.start_mark, "column", 0) or 0) + lines[0]
        text = "\n".join(_cap(line, indent) for line in _drop_end(lines)) + "\n"
        fixed.append(CommentToken(text, CommentMark(0), None))
    return fixed


def refuse_flow_comments(node: Any) -> None:
    """ruamel drops or misplaces comments written inside [...] and {...}: refuse, do not lose them."""
    if not node.fa.flow_style():
        return
    for slot in node.ca.items.values():
        for entry in slot:
            for token in entry if isinstance(entry, list) else [entry]:
                if isinstance(token, CommentToken):
                    line = getattr(token.start_mark, "line", None)
                    where = f" on line {line + 1}" if isinstance(line, int) else ""
                    raise FormatError(
                        f"a comment{where} is inside a [...] or {{...}} collection, where it would be "
                        "lost: move it above the collection"
                    )


def attach(container: Any, key: Any, trail: Trail, indent: int) -> None:
    """Write `trail` back for the value's new style; a literal keeps its indicator-line comment."""
    value = container[key]
    # ruamel writes an indicator-line comment back only for a literal in a mapping; elsewhere the
    # comment goes to the end of the line (or, after a literal, onto the next line).
    if trail.header and (isinstance(container, CommentedSeq) or not isinstance(value, LiteralScalarString)):
        _set_slot(container, key, _HEADER, None)
        trail.eol, trail.header = trail.header, None
    _set_slot(container, key, _AFTER, _token(trail, value, indent))


def add_leading_lines(node: CommentedMap, lines: list[str], indent: int) -> None:
    """Full-line comments above a mapping's first key: the mapping's own leading comments."""
    token = CommentToken("\n".join(_cap(x, indent) for x in lines) + "\n", CommentMark(0), None)
    if node.ca.comment is None:
        node.ca.comment = [None, None]
    if node.ca.comment[1] is None:
        node.ca.comment[1] = []
    node.ca.comment[1].append(token)  # in place: the parent may hold the same list


def last_scalar(value: Any) -> tuple[Any, Any] | None:
    """(container, key) of the last scalar written inside a block collection, where ruamel keeps
    the comments that follow the collection; None when there is no such place."""
    while is_collection(value) and value and not value.fa.flow_style():
        key = next(reversed(value)) if isinstance(value, dict) else len(value) - 1
        if not is_collection(value[key]):
            return value, key
        value = value[key]
    return None


def append_lines(container: Any, key: Any, lines: list[str], indent: int) -> None:
    """Full-line comments added below the scalar at `key`, after those it has."""
    value = container[key]
    trail = _split_token(_get_slot(container, key, _AFTER), isinstance(value, LiteralScalarString))
    trail.lines.extend(lines)
    _set_slot(container, key, _AFTER, _token(trail, value, indent))
