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
space; long plain keys are folded; folded plain lines end in a space), `_Emitter` writes it instead.

Comments: an end-of-line comment stays on its value; full-line comments travel with the key they
stand above when keys are reordered. ruamel cannot keep a comment inside `[...]` or `{...}`: such
files are refused (as is any file whose result would lose a comment), and a flow collection with a
comment after it stays flow.
"""

from __future__ import annotations

import bisect
import io
import itertools
import math
import os
import re
import sys
import typing
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.compat import ordereddict
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    PlainScalarString,
)
from ruamel.yaml.tokens import CommentToken

from mlbank.loader import FieldPath, NodeInfo, parse_yaml, resolve_plain
from mlbank.paths import SCHEMA_DIR, project_root
from mlbank.tab_indent import untab
from mlbank.trailing_whitespace import without_trailing_blanks

WIDTH = 100
SCHEMA_FILES = {
    "question": "question.schema.json",
    "bank": "bank.schema.json",
    "topics": "topics.schema.json",
}
HEADER = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S")

Pattern = tuple[str, ...]  # a field path with "*" for any list index

PROSE: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("prompt",),
            ("answer",),
            ("rubric", "strong_hire"),
            ("rubric", "lean_hire"),
            ("rubric", "no_hire"),
            ("companies", "*", "expects"),
        }
    ),
    "topics": frozenset({("topics", "*", "summary")}),
    "bank": frozenset({("description",), ("sections", "*", "description")}),
}
QUOTED: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("level",),
            ("companies", "*", "level"),
            ("worked", "*", "says"),
            ("worked", "*", "tolerance"),
            ("settings", "*"),  # numbers as written, like says
        }
    ),
    "topics": frozenset(),
    "bank": frozenset({("levels", "*", "id")}),
}
FLOW: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("topics",),
            ("see",),
            ("worked", "*", "where"),
            ("worked", "*", "domain"),
            ("settings",),
            ("review", "*", "fields"),
        }
    ),
    "topics": frozenset(),
    "bank": frozenset(
        {
            ("practice", "plan", "*", "tasks", "*", "refs"),
            ("sections", "*", "round_minutes"),
            ("sections", "*", "questions_per_round"),
            ("sections", "*", "minutes_per_question"),
            ("companies", "*"),
            ("levels", "*"),
        }
    ),
}

# Characters YAML treats as line breaks or byte-order marks in some version: never left bare.
_BREAKLIKE = frozenset("\r\x85\u2028\u2029\ufeff")
_PLAIN_FIRST_BAD = frozenset("#,[]{}&*!|>'\"%@`?:")
_SINGLE_SPACE = re.compile(r"(?<! ) (?! )")  # where a plain scalar may fold: one space between words
_DIRECTIVE = re.compile(r"^%(?:YAML|TAG)\b", re.MULTILINE)
_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#[^\n]*", re.MULTILINE)


class FormatError(Exception):
    """The file cannot be formatted; the message says why (the file itself is left alone)."""


def schema_header(path: Path, kind: str, schema_dir: Path | None = None) -> str:
    """The editor hint line for a file: a path to <kind>.schema.json relative to the file.

    The schemas are the ones in `schema_dir`, or else the nearest `schema/<kind>.schema.json` that
    exists between the file and its project root (mlbank.paths.project_root), so the line resolves
    wherever the project keeps them. With none there yet, it names the project root's `schema/`,
    where `mlbank init` and `mlbank schema --write` put them: writing them makes the line resolve.
    """
    folder = path.resolve().parent
    name = SCHEMA_FILES[kind]
    target = schema_dir.resolve() / name if schema_dir is not None else _nearest_schema(folder, name)
    return "# yaml-language-server: $schema=" + Path(os.path.relpath(target, folder)).as_posix()


def _nearest_schema(folder: Path, name: str) -> Path:
    """Never above the project root: a schema/ folder there belongs to something else."""
    root = project_root(folder)
    for candidate in (folder, *folder.parents):
        if (candidate / SCHEMA_DIR / name).is_file():
            return candidate / SCHEMA_DIR / name
        if candidate == root:
            break
    return root / SCHEMA_DIR / name


# --- public entry points --------------------------------------------------------------------------


def format_text(text: str, kind: str, header: str | None = None) -> str:
    """The canonical text of a bank file; raises FormatError when it cannot be done safely.

    `header` is the schema line to add when the file has none (None: add nothing). A changed
    result is checked three ways before it is returned: it loads to the same data (less the
    repairs: see `intended`), it keeps every comment, and formatting it again changes nothing.
    """
    source = _without_tab_indentation(text)
    result, body = _format(source, kind, header)
    if result == text:
        return result
    problem = changed_data(source, result, kind)
    if problem is not None:
        raise FormatError(f"formatting would change the data ({problem}); please report this")
    lost = _lost_comment(body, result)
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
        lost = _lost_comment(result, again)
        why = f"ruamel loses the comment {lost!r} when it reads the result back: move it" if lost else ""
        raise FormatError(f"formatting is not stable here: {why or 'please report this'}")
    return result


def _without_tab_indentation(text: str) -> str:
    """The text with the tab indentation that keeps it from loading replaced, where that is safe."""
    repaired = untab(text)
    if repaired is None:
        return text
    if repaired.text is None:
        raise FormatError(repaired.describe())
    return repaired.text


def _format(text: str, kind: str, header: str | None) -> tuple[str, str]:
    """(the canonical text, the input without its schema line), unchecked."""
    data, _, problems = parse_yaml(text)
    if problems:
        first = problems[0]
        raise FormatError(f"line {first.position.line}: {first.message}")
    if not isinstance(data, dict):
        raise FormatError("the file does not hold a mapping of keys to values")
    if _DIRECTIVE.search(text):
        raise FormatError(
            "it starts with a %YAML or %TAG directive: remove it (bank files are plain YAML 1.2)"
        )
    own_header, body = _split_header(text)
    try:
        tree = _rt().load(body)
    except (YAMLError, ValueError, RecursionError) as exc:  # our loader accepted it, ruamel did not
        raise FormatError(f"ruamel cannot read it: {exc}") from None
    if not isinstance(tree, CommentedMap):
        raise FormatError("the file does not hold a mapping of keys to values")
    return _render(tree, kind, own_header or header), body


def render(data: dict[str, Any], kind: str, header: str | None = None) -> str:
    """Canonical text for new data (for `mlbank new` and `mlbank import`): the layout `format_text`
    gives, holding exactly `data` (the repairs are `format_text`'s, for files an author edited)."""
    return _render(_commented(data), kind, header, repair=False)


def changed_data(before: str, after: str, kind: str) -> str | None:
    """Why `after` does not load (by both loaders) to the data fmt means to write for `before`, or None."""
    old, nodes, _ = parse_yaml(before)
    new, _, problems = parse_yaml(after)
    if problems:
        return f"the result does not load: {problems[0].message}"
    where = _difference(intended(old, nodes, kind), new, ())
    if where is not None:
        return f"mlbank's loader reads {where} differently"
    try:
        safe = YAML(typ="safe")
        old_safe, new_safe = safe.load(before), safe.load(after)
    except YAMLError as exc:
        return f"ruamel's safe loader fails: {exc}"
    where = _difference(intended(old_safe, nodes, kind), new_safe, ())
    if where is not None:
        return f"ruamel's safe loader reads {where} differently"
    return None


def intended(value: Any, nodes: Mapping[FieldPath, NodeInfo], kind: str, path: FieldPath = ()) -> Any:
    """The data fmt writes for loaded data: every text without accidental trailing whitespace, and a
    number where text belongs (QUOTED) as the text it was written as (`nodes` hold that text)."""
    if isinstance(value, str):
        return without_trailing_blanks(value)
    if isinstance(value, dict):
        return {k: intended(v, nodes, kind, (*path, k)) for k, v in value.items()}
    if isinstance(value, list):
        return [intended(v, nodes, kind, (*path, i)) for i, v in enumerate(value)]
    info = nodes.get(path)
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and info is not None and info.style == "" and info.raw and _matches(path, QUOTED[kind]):
        return info.raw
    return value


def _lost_comment(before: str, after: str) -> str | None:
    """A comment of `before` that `after` no longer has, if any."""
    if "#" not in before:
        return None
    missing = Counter(_comments(before)) - Counter(_comments(after))
    return next(iter(missing), None)


def _comments(text: str) -> list[str]:
    """The comments of a YAML text: '#' at a line start or after a space, outside every token
    (a block scalar's token starts after its indicator line)."""
    spans = []
    for token in YAML(typ="safe", pure=True).scan(text):
        start, end = token.start_mark.index, token.end_mark.index
        if getattr(token, "style", None) in ("|", ">"):  # a comment may follow the indicator
            start = text.find("\n", start)
        if end > start >= 0:
            spans.append((start, end))
    starts = [start for start, _ in spans]
    found = []
    for match in _COMMENT.finditer(text):
        i = bisect.bisect_right(starts, match.start()) - 1
        if i < 0 or spans[i][1] <= match.start():
            found.append(match.group().rstrip())
    return found


# --- data comparison ------------------------------------------------------------------------------


def _difference(a: Any, b: Any, path: tuple[Any, ...]) -> str | None:
    """The first path where two loaded values differ, strictly (1, 1.0 and True are different)."""
    where = "/".join(str(p) for p in path) or "the document"
    if type(a) is not type(b):
        return where
    if isinstance(a, dict):
        if set(a) != set(b):
            return where
        return next((d for k in a if (d := _difference(a[k], b[k], (*path, k))) is not None), None)
    if isinstance(a, list):
        if len(a) != len(b):
            return where
        pairs = enumerate(zip(a, b, strict=True))
        return next((d for i, (x, y) in pairs if (d := _difference(x, y, (*path, i))) is not None), None)
    if isinstance(a, float):
        same = (math.isnan(a) and math.isnan(b)) or repr(a) == repr(b)
        return None if same else where
    return None if a == b else where


# --- ruamel plumbing ------------------------------------------------------------------------------


class _Verbatim:
    """A number written exactly as the source wrote it.

    ruamel re-renders numbers from its own width/precision bookkeeping and can lose digits
    (4.670519295999274e+51 came back as ...273e+51), so numbers keep their source text.
    """

    __slots__ = ("tag", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.tag = str(_resolvers()[1].resolve(ScalarNode, text, (True, False)))


class _Constructor(RoundTripConstructor):
    def construct_verbatim(self, node: Any) -> _Verbatim:
        return _Verbatim(str(node.value))


class _Representer(RoundTripRepresenter):
    def represent_verbatim(self, data: _Verbatim) -> Any:
        return self.represent_scalar(data.tag, data.text)


class _Emitter(RoundTripEmitter):
    def write_double_quoted(self, text: Any, split: Any = True) -> None:
        """A double-quoted scalar, folded at the width the way YAML reads it back.

        Every fold ends in an escaped line break, and a space that starts a continuation line is
        escaped too. ruamel's own version leaves the backslash out where it guesses a bare line
        break will do; after an escape sequence that guess is wrong and a space appears in the data.
        """
        self.write_indicator('"', True)
        start = end = 0
        while end <= len(text):
            ch = text[end] if end < len(text) else None
            if ch is None or ch in '"\\\x85\u2028\u2029\ufeff' or not self._printable(ch):
                if start < end:
                    self._put(text[start:end])
                    start = end
                if ch is not None:
                    self._put(self._escape(ch))
                    start = end + 1
            fold = 0 < end < len(text) - 1 and (ch == " " or start >= end)
            if fold and split and self.column + (end - start) > self.best_width:
                self._put(text[start:end] + "\\")
                start = max(start, end)
                self.write_indent()
                self.whitespace = self.indention = False
                if text[start] == " ":
                    self._put("\\")
            end += 1
        self.write_indicator('"', False)

    def write_plain(self, text: Any, split: Any = True) -> None:
        """A plain scalar, folded at single spaces so that lines stay within the width.

        ruamel's own version leaves a space at the end of each folded line, and folds inside simple
        keys, where a line break is not allowed. fmt never writes multi-line plain text; that (and
        keys) goes to ruamel unfolded.
        """
        if self.root_context or not text or not split or any(c in text for c in "\n\x85\u2028\u2029"):
            width, self.best_width = self.best_width, sys.maxsize
            try:
                super().write_plain(text, split)
            finally:
                self.best_width = width
            return
        if not self.whitespace:
            self._put(" ")
        self.whitespace = self.indention = False
        for i, word in enumerate(_SINGLE_SPACE.split(text)):
            if i == 0:
                pass
            elif self._fits(word) or word[0] in _PLAIN_FIRST_BAD or word[0] == "-":
                self._put(" ")
            else:
                self.write_indent()
                self.whitespace = self.indention = False
            self._put(word)

    def _fits(self, word: str) -> bool:
        return self.column + 1 + len(word) <= self.best_width or self.column <= (self.indent or 0)

    def _printable(self, ch: str) -> bool:
        return "\x20" <= ch <= "\x7e" or (bool(self.allow_unicode) and _yaml_printable(ch))

    def determine_block_hints(self, text: Any) -> Any:
        """A block whose text starts with a tab states its indentation (`|2`): libyaml reads a tab
        where it looks for the indentation as an error."""
        hints, indent, indicator = super().determine_block_hints(text)
        if text.startswith("\t"):
            return "2" + hints, 2, indicator
        return hints, indent, indicator

    def _escape(self, ch: str) -> str:
        if ch in self.ESCAPE_REPLACEMENTS:
            return "\\" + self.ESCAPE_REPLACEMENTS[ch]
        if ch <= "\xff":
            return f"\\x{ord(ch):02X}"
        return f"\\u{ord(ch):04X}" if ch <= "\uffff" else f"\\U{ord(ch):08X}"

    def _put(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_verbatim)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_verbatim)
_Representer.add_representer(_Verbatim, _Representer.represent_verbatim)


def _rt() -> YAML:
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Emitter = _Emitter
    yaml.Representer = _Representer
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml


def _split_header(text: str) -> tuple[str | None, str]:
    """The schema line among the leading comments (if any), and the text without it."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if HEADER.match(stripped):
            return stripped, "".join(lines[:i] + lines[i + 1 :])
        if stripped and not stripped.startswith("#"):
            break
    return None, text


def _render(tree: CommentedMap, kind: str, header: str | None, repair: bool = True) -> str:
    _Canon(kind, repair).mapping(tree, (), 0)
    out = io.StringIO()
    _rt().dump(tree, out)
    body = out.getvalue()
    return f"{header}\n{body}" if header else body


def _commented(value: Any) -> Any:
    if isinstance(value, dict):
        return CommentedMap((k, _commented(v)) for k, v in value.items())
    if isinstance(value, list):
        return CommentedSeq(_commented(v) for v in value)
    return value


# --- scalar styles --------------------------------------------------------------------------------


@cache
def _resolvers() -> tuple[VersionedResolver, VersionedResolver]:
    return VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2))


def _reads_as_string(text: str, yaml11: bool) -> bool:
    if resolve_plain(text) != text:
        return False
    resolvers = _resolvers() if yaml11 else _resolvers()[1:]
    return all(str(r.resolve(ScalarNode, text, (True, False))).endswith(":str") for r in resolvers)


def plain_ok(text: str, flow: bool = False, yaml11: bool = True) -> bool:
    """Whether `text` can be written unquoted (in flow context if `flow`) and read back as itself,
    by our loader, by ruamel (YAML 1.2) and, if `yaml11`, by YAML 1.1 loaders too (`yes`, `n`).

    Deliberately stricter than YAML: no ': ' or ' #', no leading indicator except '-' before a
    non-space, and in flow context no flow indicators, '?' or ':' anywhere (libyaml, which our
    loader uses, follows YAML 1.1 there).
    """
    if not text or text != text.strip(" ") or text[0] in _PLAIN_FIRST_BAD:
        return False
    if not all(ch == " " or (ch.isprintable() and ch not in _BREAKLIKE) for ch in text):
        return False
    if text[0] == "-" and (len(text) == 1 or text[1] == " "):
        return False
    if text.startswith(("---", "...")) or (flow and any(c in text for c in ",[]{}?:")):
        return False
    if ": " in text or text.endswith(":") or " #" in text or "\t" in text:
        return False
    return _reads_as_string(text, yaml11)


def literal_ok(text: str) -> bool:
    """Whether `text` can be a literal block scalar that reads back exactly.

    A block holds any character YAML calls printable, tabs and trailing spaces included (`_Emitter`
    writes them); not control characters, nor the line separators YAML 1.1 and 1.2 read differently.
    """
    return bool(text) and all(ch in "\t\n" or _yaml_printable(ch) for ch in text)


def _yaml_printable(ch: str) -> bool:
    """YAML's printable characters (c-printable), less line breaks, the byte-order mark and tab."""
    wide = "\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"
    return ("\x20" <= ch <= "\x7e" or wide) and ch not in _BREAKLIKE


def _no_block(text: str, path: tuple[Any, ...]) -> str:
    """Why a text written as a block cannot stay one."""
    from mlbank.rules.base import dotted

    char = next(ch for ch in text if not (ch in "\t\n" or _yaml_printable(ch)))
    return (
        f"{dotted(path)} holds U+{ord(char):04X} (a control character, line separator or byte-order "
        "mark), which a | block cannot hold: remove or replace it"
    )


def _matches(path: tuple[Any, ...], patterns: frozenset[Pattern]) -> bool:
    key = tuple("*" if isinstance(p, int) else str(p) for p in path)
    return key in patterns


def _is_block(value: Any) -> bool:
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def _is_collection(value: Any) -> bool:
    return isinstance(value, (dict, list))


# --- comments -------------------------------------------------------------------------------------


@dataclass
class _Trail:
    """The comments after one value: an end-of-line comment and the full lines below it."""

    eol: str | None = None
    eol_column: int = 0
    lines: list[str] = field(default_factory=list)
    header: str | None = None  # a comment on a block scalar's `|` or `>` line


def _split_token(token: Any, source_block: bool) -> _Trail:
    """ruamel's comment token after a scalar -> a _Trail (see `_token` for the reverse)."""
    if token is None:
        return _Trail()
    value: str = token.value
    column = getattr(token.start_mark, "column", 0) or 0
    if source_block:  # the block scalar ate the line break: the token is whole lines only
        lines = value.split("\n")
        if lines and lines[0].strip():
            lines[0] = " " * column + lines[0]
        return _Trail(lines=_drop_end(lines))
    if value.startswith("\n"):
        return _Trail(lines=_drop_end(value[1:].split("\n")))
    first, _, rest = value.partition("\n")
    return _Trail(first.strip(), column, _drop_end(rest.split("\n")))


def _drop_end(lines: list[str]) -> list[str]:
    return lines[:-1] if lines and lines[-1] == "" else lines


def _token(trail: _Trail, value: Any, indent: int) -> Any:
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


def _trail_of(container: Any, key: Any) -> _Trail:
    """The comments after the scalar at `key`, read before its style changes."""
    value = container[key]
    trail = _split_token(_get_slot(container, key, _AFTER), _is_block(value))
    header = _get_slot(container, key, _HEADER) if _is_block(value) else None
    if isinstance(header, list) and header and all(isinstance(h, str) for h in header):
        trail.header = " ".join(h.strip() for h in header)
    return trail


def _indent_before(container: Any, key: Any, indent: int) -> None:
    """Comments ruamel keeps before an entry (after a flow collection, say) get a fixed indentation:
    written at their old column they would be read back elsewhere and move on the next run."""
    tokens = _get_slot(container, key, _BEFORE)
    if isinstance(tokens, list) and tokens and all(isinstance(t, CommentToken) for t in tokens):
        _set_slot(container, key, _BEFORE, _full_lines(tokens, indent))


def _full_lines(tokens: list[Any], indent: int) -> list[Any]:
    """Whole-line comment tokens re-indented to at most `indent`, written exactly as they read."""
    fixed = []
    for token in tokens:
        lines = token.value.split("\n")
        lines[0] = " " * (getattr(token.start_mark, "column", 0) or 0) + lines[0]
        text = "\n".join(_cap(line, indent) for line in _drop_end(lines)) + "\n"
        fixed.append(CommentToken(text, CommentMark(0), None))
    return fixed


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


def _refuse_flow_comments(node: Any) -> None:
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


def _attach(container: Any, key: Any, trail: _Trail, indent: int) -> None:
    """Write `trail` back for the value's new style; a literal keeps its indicator-line comment."""
    value = container[key]
    # ruamel writes an indicator-line comment back only for a literal in a mapping; elsewhere the
    # comment goes to the end of the line (or, after a literal, onto the next line).
    if trail.header and (isinstance(container, CommentedSeq) or not isinstance(value, LiteralScalarString)):
        _set_slot(container, key, _HEADER, None)
        trail.eol, trail.header = trail.header, None
    _set_slot(container, key, _AFTER, _token(trail, value, indent))


def _last_scalar(value: Any) -> tuple[Any, Any] | None:
    """(container, key) of the last scalar written inside a block collection, where ruamel keeps
    the comments that follow the collection; None when there is no such place."""
    while _is_collection(value) and value and not value.fa.flow_style():
        key = next(reversed(value)) if isinstance(value, dict) else len(value) - 1
        if not _is_collection(value[key]):
            return value, key
        value = value[key]
    return None


def _append_lines(container: Any, key: Any, lines: list[str], indent: int) -> None:
    value = container[key]
    trail = _split_token(_get_slot(container, key, _AFTER), isinstance(value, LiteralScalarString))
    trail.lines.extend(lines)
    _set_slot(container, key, _AFTER, _token(trail, value, indent))


# --- the canonical walk ---------------------------------------------------------------------------


class _Canon:
    """Puts a round-trip tree into canonical form in place.

    A collection's style is settled before its scalars are styled, since a plain scalar that is
    fine in block context (`a, b`) must be quoted in flow context (`[a, b]`), and a literal block
    cannot stand in flow context at all.
    """

    def __init__(self, kind: str, repair: bool) -> None:
        self.kind = kind
        self.repair = repair  # make the repairs `intended` names, or keep the data exactly
        self.orders = _key_orders(kind)

    def mapping(self, node: CommentedMap, path: tuple[Any, ...], indent: int, free: bool = True) -> None:
        """Canonicalize a mapping whose keys sit at column `indent` (`free`: see `_children`)."""
        _refuse_flow_comments(node)
        flow = self._flow(node, path, free)
        trails = {k: _trail_of(node, k) for k in node}
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
            if not _is_collection(value):
                _attach(node, key, trails[key], indent)
            if not flow:
                _indent_before(node, key, indent)
        if node.ca.end:  # comments after the last entry that ruamel could not attach to a value
            node.ca.end = _full_lines(node.ca.end, indent)

    def sequence(self, node: CommentedSeq, path: tuple[Any, ...], indent: int, free: bool = True) -> None:
        """Canonicalize a sequence whose dashes sit at column `indent` (`free`: see `_children`)."""
        _refuse_flow_comments(node)
        flow = self._flow(node, path, free)
        trails = [_trail_of(node, i) for i in range(len(node))]
        self._children(node, range(len(node)), path, indent, free=not flow)
        _set_style(node, flow)
        for i, value in enumerate(node):
            styled = self.scalar(value, (*path, i), allow_block=not flow, flow=flow)
            list.__setitem__(node, i, _Verbatim("null") if value is None else styled)  # not `- `
        for i, value in enumerate(node):
            if not _is_collection(value):
                _attach(node, i, trails[i], indent)
            if not flow:
                _indent_before(node, i, indent)
        if node.ca.end:
            node.ca.end = _full_lines(node.ca.end, indent)

    def _flow(self, node: Any, path: tuple[Any, ...], free: bool) -> bool:
        """Flow style at the FLOW paths when the entries are plain values without comments; block
        everywhere else. Not `free`: flow, whatever the path."""
        if not free:
            return True
        return (
            _matches(path, FLOW[self.kind])
            and not node.ca.items
            and not any(node.ca.comment or ())
            and not any(_is_collection(v) for v in (node.values() if isinstance(node, dict) else node))
        )

    def _children(self, node: Any, keys: Any, path: tuple[Any, ...], indent: int, free: bool) -> None:
        """Canonicalize nested collections. Inside a flow collection everything is flow (not
        `free`); so is a flow collection with a comment after it, which ruamel would move on every
        run if it became a block."""
        for key in keys:
            value = node[key]
            if _is_collection(value):
                commented = isinstance(_get_slot(node, key, _AFTER), CommentToken)
                locked = not free or (bool(value.fa.flow_style()) and commented)
                walk = self.mapping if isinstance(value, CommentedMap) else self.sequence
                walk(value, (*path, key), indent + 2, not locked)

    def _literal(self, value: Any, path: tuple[Any, ...]) -> bool:
        if not isinstance(value, str) or _matches(path, QUOTED[self.kind]):
            return False
        return ("\n" in value or _matches(path, PROSE[self.kind])) and literal_ok(value)

    def scalar(self, value: Any, path: tuple[Any, ...], allow_block: bool, flow: bool) -> Any:
        quoted = _matches(path, QUOTED[self.kind])
        if self.repair and isinstance(value, _Verbatim) and quoted:  # a number where text belongs
            return DoubleQuotedScalarString(value.text)  # its digits, quoted
        if not isinstance(value, str) or _is_collection(value):
            return value
        text = without_trailing_blanks(str(value)) if self.repair else str(value)
        if quoted:
            return DoubleQuotedScalarString(text)
        if allow_block and self._literal(text, path):
            return LiteralScalarString(text)
        if _is_block(value) and ("\n" in text or _matches(path, PROSE[self.kind])) and text:
            raise FormatError(_no_block(text, path))  # never turn a block into a quoted scalar
        if plain_ok(text, flow):
            return PlainScalarString(text)
        return DoubleQuotedScalarString(text)

    def _order(self, node: CommentedMap, path: tuple[Any, ...]) -> list[Any]:
        known = self.orders.get(tuple("*" if isinstance(p, int) else str(p) for p in path))
        if known is None:
            return list(node)
        rank = {name: i for i, name in enumerate(known)}
        first = sorted((k for k in node if isinstance(k, str) and k in rank), key=lambda k: rank[k])
        return first + [k for k in node if not (isinstance(k, str) and k in rank)]

    def _reorder(self, node: CommentedMap, order: list[Any], trails: dict[Any, _Trail], indent: int) -> None:
        """Reorder keys; full-line comments above a key move with it."""
        before: dict[Any, tuple[Any, list[str]]] = {}  # key -> (the key it followed, lines)
        old = list(node)
        for prev, key in itertools.pairwise(old):
            if trails[prev].lines and not _is_collection(node[prev]):
                before[key] = (prev, trails[prev].lines)
                trails[prev].lines = []
        tail: list[str] = []
        if not _is_collection(node[old[-1]]):
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
        trails: dict[Any, _Trail],
        indent: int,
        fallback: Any,
    ) -> None:
        if after is None:  # above the first key: the mapping's own leading comments
            token = CommentToken("\n".join(_cap(x, indent) for x in lines) + "\n", CommentMark(0), None)
            if node.ca.comment is None:
                node.ca.comment = [None, None]
            if node.ca.comment[1] is None:
                node.ca.comment[1] = []
            node.ca.comment[1].append(token)  # in place: the parent may hold the same list
            return
        if not _is_collection(node[after]):
            trails[after].lines.extend(lines)
            return
        inner = _last_scalar(node[after])
        if inner is not None:
            _append_lines(*inner, lines, indent)
            return
        trails[fallback].lines.extend(lines)  # nowhere better: stay below the entry it followed


# --- canonical key order from the models ----------------------------------------------------------


@cache
def _key_orders(kind: str) -> dict[Pattern, list[str]]:
    from mlbank.model import MODELS

    orders: dict[Pattern, list[str]] = {}
    _collect(MODELS[kind], (), orders)
    return orders


def _collect(model: Any, prefix: Pattern, orders: dict[Pattern, list[str]]) -> None:
    orders[prefix] = list(model.model_fields)
    for name, info in model.model_fields.items():
        for sub, suffix in _submodels(info.annotation):
            _collect(sub, (*prefix, name, *suffix), orders)


def _submodels(annotation: Any, suffix: Pattern = ()) -> Iterator[tuple[Any, Pattern]]:
    """Pydantic models reachable through an annotation, with '*' for each list level."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation, suffix
        return
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is list:
        for arg in args:
            yield from _submodels(arg, (*suffix, "*"))
    elif origin is not dict:
        for arg in args:
            yield from _submodels(arg, suffix)
