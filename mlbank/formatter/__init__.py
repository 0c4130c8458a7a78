"""Canonical YAML for bank files: one layout for every question, data and comments kept.

Formatting goes through ruamel's round-trip mode so comments survive, and then proves itself: the
result is loaded back (by our own safe loader and by ruamel's safe loader) and must give exactly the
data the file held before, less the repairs below, or nothing is returned. The canonical form:

- keys in the order of the pydantic model's fields at every level, unknown keys after them in their
  own order (nothing is ever dropped);
- prose (prompt, answer, rubric levels, a company's `expects`, topic summaries, bank and section
  descriptions) and any other multi-line text as literal blocks `|`, whose chomping (`|-`, `|+`) keeps
  the string exactly; literal text is never rewrapped, and prose is never turned into a quoted
  scalar: a block holding what a block cannot (a control character, U+2028) is refused instead;
- a claim's `says` and `tolerance`, `settings` entries and level names double-quoted; other strings
  plain when every YAML loader (1.2 core, ruamel 1.2, YAML 1.1) reads them back as the same string,
  else double-quoted;
- flow style for `topics`, `see`, `settings`, a plan task's `refs`, a claim's `where` and `domain`,
  and bank.yaml's ranges, companies and levels (`[a, b]`, `{min: 2, max: 3}`); block style everywhere
  else, so that the layout follows from the data alone (`render` of loaded data gives the file back);
- numbers exactly as written (`2.50` stays `2.50`; ruamel would re-render them);
- the `# yaml-language-server: $schema=...` line first.

The repairs, the safe fixes `mlbank lint --fix` also makes: trailing whitespace is removed from every
text, except a Markdown line break of exactly two spaces (mlbank.trailing_whitespace); a number written
where text belongs (`says: 0.090`, a `tolerance`, a level) is quoted exactly as written, so its digits
survive; and tab indentation that keeps the file from loading is replaced with spaces where only one
reading exists (mlbank.tab_indent).

Where ruamel's own emitter gets YAML wrong (a folded double-quoted string after an escape gains a
space; long plain keys are folded; folded plain lines end in a space), mlbank.formatter.emitter
writes it instead.

Comments: an end-of-line comment stays on its value; full-line comments travel with the key they
stand above when keys are reordered. ruamel cannot keep a comment inside `[...]` or `{...}`: such
files are refused (as is any file whose result would lose a comment), and a flow collection with a
comment after it stays flow.

The parts, each depending only on those listed before it:
- `errors`: FormatError;
- `layout`: the layout as data (prose, quoted and flow paths, the width) and the schema line;
- `scalars`: which style a scalar can take and read back as itself; numbers kept as written;
- `key_order`: the canonical key order, from the models;
- `emitter`: ruamel's round trip set up for bank files, with the emitter fixes above;
- `comments`: reading comments off values and writing them back after restyling and reordering;
- `canon`: the canonical walk over a round-trip tree;
- `compare`: the proof a result must pass (the intended data, every comment);
- `direct`: the same text as `render` for the layouts bank files use, written without ruamel (or
  None: not decided there);
- this module: the entry points, `format_text` for files and `render` for new data, and
  `is_canonical`, which recognises a file already in canonical form without the round trip: its
  safely loaded data needs no repair and `render`s back to the file byte for byte (`direct` writes
  that text when it can).
"""

from __future__ import annotations

import io
import re
from typing import Any, NamedTuple

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from mlbank.formatter import direct
from mlbank.formatter.canon import canonicalize
from mlbank.formatter.compare import changed_data, difference, intended, lost_comment
from mlbank.formatter.emitter import round_trip
from mlbank.formatter.errors import FormatError
from mlbank.formatter.layout import schema_header, split_header
from mlbank.formatter.scalars import literal_ok, plain_ok
from mlbank.loader import FieldPath, NodeInfo, parse_yaml
from mlbank.tab_indent import untab

__all__ = [
    "FormatError",
    "changed_data",
    "format_text",
    "intended",
    "is_canonical",
    "literal_ok",
    "plain_ok",
    "render",
    "schema_header",
]

_DIRECTIVE = re.compile(r"^%(?:YAML|TAG)\b", re.MULTILINE)


def format_text(text: str, kind: str, header: str | None = None) -> str:
    """The canonical text of a bank file; raises FormatError when it cannot be done safely.

    `header` is the schema line to add when the file has none (None: add nothing). A file that
    `is_canonical` recognises is given back as it is, without the round trip. A changed result is
    checked three ways before it is returned: it loads to the same data (less the repairs: see
    `intended`), it keeps every comment, and formatting it again changes nothing.
    """
    if is_canonical(text, kind, header):
        return text
    return _round_trip_format(text, kind, header)


def is_canonical(text: str, kind: str, header: str | None = None) -> bool:
    """Whether `format_text` gives `text` back unchanged, decided without ruamel's round-trip load.

    True only when the data our safe loader reads from `text` needs no repair and `render`s to
    `text` byte for byte (the header being the file's own schema line, or else `header`). The
    canonical layout follows from the data alone, so the round trip writes that same text; a file
    holding a comment never renders back, so it always takes the round trip. False means "not
    shown here": the round trip decides, whatever it finds (a change, an error or nothing).
    """
    try:
        if _without_tab_indentation(text) != text:
            return False
        source = _read(text)
    except FormatError:
        return False
    if difference(intended(source.data, source.nodes, kind), source.data, ()) is not None:
        return False  # a repair would change it: trailing whitespace, a number where text belongs
    rendered = direct.render(source.data, kind, source.header or header)  # ruamel's text, quickly
    if rendered is None:
        try:
            rendered = render(source.data, kind, source.header or header)
        except (FormatError, YAMLError, RecursionError):
            return False
    return rendered == text


def _round_trip_format(text: str, kind: str, header: str | None) -> str:
    """`format_text` through ruamel's round trip, which keeps comments, and its checks."""
    source = _without_tab_indentation(text)
    result, body = _format(source, kind, header)
    if result == text:
        return result
    problem = changed_data(source, result, kind)
    if problem is not None:
        raise FormatError(f"formatting would change the data ({problem}); please report this")
    lost = lost_comment(body, result)
    if lost is not None:
        raise FormatError(
            f"formatting would drop the comment {lost!r} (ruamel loses comments inside or right after "
            "a [...] or {...} collection): move it"
        )
    try:
        again = _format(result, kind, header)[0]
    except FormatError as exc:
        raise FormatError(f"formatting is not stable here ({exc}); please report this") from None
    if again != result:
        lost = lost_comment(result, again)
        why = f"ruamel loses the comment {lost!r} when it reads the result back: move it" if lost else ""
        raise FormatError(f"formatting is not stable here: {why or 'please report this'}")
    return result


def render(data: dict[str, Any], kind: str, header: str | None = None) -> str:
    """Canonical text for new data (for `mlbank new` and `mlbank import`): the layout `format_text`
    gives, holding exactly `data` (the repairs are `format_text`'s, for files an author edited)."""
    return _write(_commented(data), kind, header, repair=False)


def _without_tab_indentation(text: str) -> str:
    """The text with the tab indentation that keeps it from loading replaced, where that is safe."""
    repaired = untab(text)
    if repaired is None:
        return text
    if repaired.text is None:
        raise FormatError(repaired.describe())
    return repaired.text


class _Source(NamedTuple):
    """A bank file as both ways of formatting start from it."""

    data: dict[str, Any]  # as mlbank's safe loader reads it
    nodes: dict[FieldPath, NodeInfo]
    header: str | None  # its own schema line
    body: str  # the text without that line


def _read(text: str) -> _Source:
    """The file read by mlbank's loader; FormatError for a file fmt does not format."""
    data, nodes, problems = parse_yaml(text)
    if problems:
        first = problems[0]
        raise FormatError(f"line {first.position.line}: {first.message}")
    if not isinstance(data, dict):
        raise FormatError("the file does not hold a mapping of keys to values")
    if _DIRECTIVE.search(text):
        raise FormatError(
            "it starts with a %YAML or %TAG directive: remove it (bank files are plain YAML 1.2)"
        )
    own_header, body = split_header(text)
    return _Source(data, nodes, own_header, body)


def _format(text: str, kind: str, header: str | None) -> tuple[str, str]:
    """(the canonical text, the input without its schema line), unchecked."""
    source = _read(text)
    try:
        tree = round_trip().load(source.body)
    except (YAMLError, ValueError, RecursionError) as exc:  # our loader accepted it, ruamel did not
        raise FormatError(f"ruamel cannot read it: {exc}") from None
    if not isinstance(tree, CommentedMap):
        raise FormatError("the file does not hold a mapping of keys to values")
    return _render(tree, kind, source.header or header), source.body


def _render(tree: CommentedMap, kind: str, header: str | None) -> str:
    """The round trip's canonical text of a tree ruamel read, with the repairs."""
    return _write(tree, kind, header, repair=True)


def _write(tree: CommentedMap, kind: str, header: str | None, repair: bool) -> str:
    canonicalize(tree, kind, repair)
    out = io.StringIO()
    round_trip().dump(tree, out)
    body = out.getvalue()
    return f"{header}\n{body}" if header else body


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(v) for v in value)
    return value
