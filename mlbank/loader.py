"""The only YAML code: a file's bytes -> a Document (plain data, positions, model) plus load problems.

Why events and not ruamel's constructor: files arrive in pull requests, so nothing in them may be
constructed. Walking the parser's event stream ourselves means no tag is ever resolved to a Python
object, anchors and aliases are refused before anything expands them, depth is capped without
recursion, duplicate keys are reported with their line, and every key and value keeps its position.
Plain scalars are resolved with the YAML 1.2 core schema (so `100:1` and `yes` stay strings) and their
source text is kept, so `4.60` never silently becomes 4.6.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from enum import Enum
from pathlib import Path
from typing import Any, NamedTuple

from mlbank import source
from mlbank.finding import Position
from mlbank.source import MAX_BYTES as MAX_BYTES

MAX_DEPTH = 32
MAX_NODES = 50_000

FieldPath = tuple[str | int, ...]

# The line breaks the parsers count (YAML 1.1: also NEL, LS, PS), and one-line quoted scalars as written.
LINE_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
_QUOTED = {'"': re.compile(r'"(?:[^"\\]|\\.)*"'), "'": re.compile(r"'(?:[^']|'')*'")}

CORE_TAGS = frozenset("tag:yaml.org,2002:" + t for t in ("str", "int", "float", "bool", "null", "map", "seq"))


class Problem(Enum):
    """Kinds of file-level trouble, each owned by one rule module (MB001..MB010)."""

    SYNTAX = "syntax"
    ENCODING = "encoding"
    TOO_LARGE = "too-large"
    TAG = "tag"
    ALIAS = "alias"
    DEPTH = "depth"
    DUPLICATE_KEY = "duplicate-key"
    EMPTY = "empty"
    MULTI_DOCUMENT = "multi-document"
    NOT_MAPPING = "not-mapping"


class LoadProblem(NamedTuple):
    kind: Problem
    position: Position
    message: str


class NodeInfo(NamedTuple):
    """Where a value sits in the file and how it was written."""

    value: Position
    key: Position | None = None
    style: str | None = None  # scalar style: "" plain, "'", '"', "|", ">"; None for collections
    raw: str | None = None  # a scalar's text as written (after unescaping)


class SchemaError(NamedTuple):
    """A pydantic validation error, kept as data so rules can decide which ones they own."""

    loc: FieldPath
    type: str
    message: str
    input: Any


@dataclass(frozen=True)
class Document:
    """One loaded file. `data` is None when the file could not be read safely."""

    path: Path
    display: str
    text: str
    data: Any
    nodes: Mapping[FieldPath, NodeInfo]
    problems: tuple[LoadProblem, ...] = ()
    model: Any = None
    schema_errors: tuple[SchemaError, ...] = ()
    digest: str = ""  # SHA-256 of the bytes the text was decoded from ("" when they were not read)
    _block_indent: dict[FieldPath, int] = field(default_factory=dict, compare=False, repr=False)

    def position(self, path: FieldPath, *, key: bool = False) -> Position:
        """Where the value (or its key) at `path` starts, falling back to the nearest ancestor."""
        for depth in range(len(path), -1, -1):
            info = self.nodes.get(path[:depth])
            if info is not None:
                if key and depth == len(path) and info.key is not None:
                    return info.key
                return info.value
        return Position(1, 1)

    def slim(self, keep: frozenset[str]) -> Document:
        """A copy with only the top-level keys `keep` and the source text; positions are recomputed
        from the text if a rule asks for one (rarely: only to report a finding). This is what a
        worker process sends back for a question, so it must pickle small and fast: no model, no
        per-node objects."""
        data = {k: v for k, v in self.data.items() if k in keep} if isinstance(self.data, dict) else None
        nodes = Reparsed(self.text) if self.nodes else {}
        return replace(self, data=data, nodes=nodes, model=None, schema_errors=(), _block_indent={})

    def source(self) -> str:
        """The file's text: a document recalled from the cache holds none, its positions read it."""
        return self.nodes.text if isinstance(self.nodes, Reparsed) else self.text

    def text_position(self, path: FieldPath, offset: int) -> Position:
        """Where character `offset` of the string at `path` sits in the file.

        Exact for literal block scalars and single-line scalars, which is how prose is written;
        for folded or multi-line flow scalars the value's start is the best honest answer.
        """
        info = self.nodes.get(path)
        if info is None or not isinstance(info.raw, str):
            return self.position(path)
        before = info.raw[:offset]
        line_no = before.count("\n")
        col = len(before) - (before.rfind("\n") + 1)
        if info.style == "|":
            indent = self._indent_of_block(path, info)
            return Position(info.value.line + 1 + line_no, indent + col + 1)
        if line_no == 0 and "\n" not in info.raw:
            quote = 1 if info.style in ("'", '"') else 0
            return Position(info.value.line, info.value.column + quote + col)
        return info.value

    def written(self, path: FieldPath) -> tuple[str, str] | None:
        """A scalar written on one line: its text as written (quotes included) and the rest of its
        line; None for block and multi-line scalars, collections and unknown paths."""
        info = self.nodes.get(path)
        if info is None or not isinstance(info.raw, str) or info.style not in ("", "'", '"'):
            return None
        lines = _source_lines(self.source())
        line = lines[info.value.line - 1] if info.value.line <= len(lines) else ""
        start = info.value.column - 1
        if info.style == "":
            shown = info.raw if line.startswith(info.raw, start) else None
        else:
            match = _QUOTED[info.style].match(line, start)
            shown = match[0] if match else None
        return None if shown is None else (shown, line[start + len(shown) :])

    def _indent_of_block(self, path: FieldPath, info: NodeInfo) -> int:
        if path not in self._block_indent:
            lines = self.source().splitlines()
            indent = 0
            for line in lines[info.value.line :]:  # lines after the "|" header
                if line.strip():
                    indent = len(line) - len(line.lstrip(" "))
                    break
            self._block_indent[path] = indent
        return self._block_indent[path]


@functools.lru_cache(maxsize=8)  # a rule asks for several values of one file in a row
def _source_lines(text: str) -> list[str]:
    return LINE_BREAK.split(text)


class Reparsed(Mapping[FieldPath, NodeInfo]):
    """A slim document's node positions, parsed again from its text on first use.

    Given a path instead of a text (a document recalled from the cache), the file is read then too:
    positions are needed only for a finding, and most recalled files get none."""

    def __init__(self, text: str | None = None, path: Path | None = None) -> None:
        self._text = text
        self._path = path
        self._nodes: dict[FieldPath, NodeInfo] | None = None

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = (read_text(self._path)[0] if self._path is not None else None) or ""
        return self._text

    def _all(self) -> dict[FieldPath, NodeInfo]:
        if self._nodes is None:
            self._nodes = parse_yaml(self.text)[1]
        return self._nodes

    def __getitem__(self, path: FieldPath) -> NodeInfo:
        return self._all()[path]

    def __iter__(self) -> Iterator[FieldPath]:
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())

    def __reduce__(self) -> tuple[Any, tuple[str | None, Path | None]]:
        return (Reparsed, (self._text, self._path))  # the text, never the parsed nodes


def node_extent(lines: list[str], number: int) -> int:
    """The last line (1-based) of the YAML node starting on line `number`: the lines indented deeper.

    Block YAML nests by indentation, so this is exact for block mappings, block sequences and block
    scalars, which is how bank files are written; a list item's keys sit one column past its dash.
    """
    line = lines[number - 1]
    indent = len(line) - len(line.lstrip(" "))
    if line.lstrip().startswith("- "):
        indent += 1
    last = number
    for later in range(number, len(lines)):
        text = lines[later]
        if text.strip() and len(text) - len(text.lstrip(" ")) <= indent:
            break
        if text.strip():
            last = later + 1
    return last


# --- reading bytes --------------------------------------------------------------------------------


def read_text(path: Path) -> tuple[str | None, LoadProblem | None]:
    """Read at most MAX_BYTES of UTF-8 text; refuse binary, oversize and undecodable files."""
    text, _, problem = read_source(path)
    return text, problem


def read_source(path: Path) -> tuple[str | None, str, LoadProblem | None]:
    """(text, SHA-256 of the bytes it was decoded from, problem); text None and digest "" on refusal."""
    return _as_tuple(source.read_source(path))


def _as_tuple(found: source.Source) -> tuple[str | None, str, LoadProblem | None]:
    refusal = found.refusal
    if refusal is None:
        return found.text, found.digest, None
    kind = Problem.TOO_LARGE if refusal.kind == source.TOO_LARGE else Problem.ENCODING
    return None, "", LoadProblem(kind, Position(refusal.line, refusal.column), refusal.message)


# --- scalars --------------------------------------------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT = re.compile(r"^[-+]?[0-9]+$", re.ASCII)
_OCT = re.compile(r"^0o[0-7]+$", re.ASCII)
_HEX = re.compile(r"^0x[0-9a-fA-F]+$", re.ASCII)
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$", re.ASCII)
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


_SPECIAL_WORDS = frozenset(
    [*_BOOL, "~", "null", "Null", "NULL", ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN"]
)
_NUMBER_START = frozenset("0123456789+-.")


def resolve_plain(text: str) -> Any:
    """YAML 1.2 core schema resolution of a plain scalar."""
    if not text:
        return None
    if text[0] not in _NUMBER_START and text not in _SPECIAL_WORDS:
        return text  # the common case, prose and keys: no regex needed
    if _NULL.match(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if _INT.match(text):
        return int(text)
    if _OCT.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    if _FLOAT.match(text):
        return float(text)
    if _INF.match(text):
        return float("-inf") if text.startswith("-") else float("inf")
    if _NAN.match(text):
        return float("nan")
    return text


# --- events -> data -------------------------------------------------------------------------------


class _Refused(Exception):
    def __init__(self, problem: LoadProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _pos(event: Any) -> Position:
    mark = event.start_mark
    return Position(mark.line + 1, mark.column + 1)


def _make_parser(text: str) -> Any:
    try:
        from ruamel.yaml.cyaml import CParser  # type: ignore[attr-defined]

        if CParser is not None:
            return CParser(text)
    except ImportError:  # pragma: no cover - depends on the platform's wheel
        pass
    from ruamel.yaml.main import YAML

    return _PureParser(YAML(typ="safe", pure=True).parse(text))


class _PureParser:
    """Adapts ruamel's pure-Python event generator to the C parser's get_event()."""

    def __init__(self, events: Iterator[Any]) -> None:
        self._events = events

    def get_event(self) -> Any:
        return next(self._events)


_NO_KEY = object()  # a mapping frame waiting for its next key


def _refuse(kind: Problem, event: Any, message: str) -> _Refused:
    return _Refused(LoadProblem(kind, _pos(event), message))


def _check_node(event: Any, depth: int, count: int, collection: bool) -> None:
    """Refuse what bank files may not contain, before anything is built from it."""
    if count > MAX_NODES:
        raise _refuse(Problem.TOO_LARGE, event, f"more than {MAX_NODES:,} YAML nodes")
    if event.anchor:
        raise _refuse(
            Problem.ALIAS, event, f"anchor '&{event.anchor}' refused: bank files may not use anchors"
        )
    tag = event.tag
    if tag is not None and tag != "!" and tag not in CORE_TAGS:
        raise _refuse(
            Problem.TAG, event, f"tag '{tag}' refused: only plain YAML data is allowed; remove the tag"
        )
    if collection and depth >= MAX_DEPTH:
        raise _refuse(Problem.DEPTH, event, f"nesting deeper than {MAX_DEPTH} levels refused")


class _Walk:
    """Events -> plain data with an explicit stack: no recursion, capped depth and size.

    This loop runs once per YAML node of every file, so it is written for speed: class identity
    dispatch, frames as small lists, positions only for nodes that get a path.
    """

    def __init__(self) -> None:
        self.nodes: dict[FieldPath, NodeInfo] = {}
        self.problems: list[LoadProblem] = []
        self.documents = 0

    def run(self, get_event: Any) -> Any:
        from ruamel.yaml import events as ev

        scalar_cls, map_cls, seq_cls = ev.ScalarEvent, ev.MappingStartEvent, ev.SequenceStartEvent
        nodes = self.nodes
        stack: list[list[Any]] = []
        path: FieldPath | None
        key_pos: Position | None
        data: Any = None
        count = 0
        while True:
            event = get_event()
            cls = event.__class__
            if cls is scalar_cls or cls is map_cls or cls is seq_cls:
                count += 1
                tag = event.tag
                if (
                    event.anchor
                    or count > MAX_NODES
                    or (tag is not None and tag != "!" and tag not in CORE_TAGS)
                ):
                    _check_node(event, len(stack), count, cls is not scalar_cls)  # raises with the reason
                if cls is scalar_cls:
                    raw = event.value
                    style = event.style or ""
                    value = (
                        resolve_plain(raw)
                        if (tag is None and style == "") or (tag in CORE_TAGS and not tag.endswith(":str"))
                        else raw
                    )
                else:
                    if len(stack) >= MAX_DEPTH:
                        _check_node(event, len(stack), count, True)
                    raw, style, value = None, None, ({} if cls is map_cls else [])
                if not stack:
                    data, path, key_pos = value, (), None
                else:
                    frame = stack[-1]
                    container = frame[0]
                    if container.__class__ is dict:
                        if frame[2] is _NO_KEY:
                            if cls is not scalar_cls:
                                raise _refuse(
                                    Problem.SYNTAX,
                                    event,
                                    "a mapping key must be plain text, not a collection",
                                )
                            frame[2], frame[3] = raw, _pos(event)
                            continue
                        path, key_pos = self._place(frame, value)
                    else:
                        container.append(value)
                        path, key_pos = (None if frame[1] is None else (*frame[1], len(container) - 1)), None
                if path is not None:
                    mark = event.start_mark
                    nodes[path] = NodeInfo(Position(mark.line + 1, mark.column + 1), key_pos, style, raw)
                if cls is not scalar_cls:
                    stack.append([value, path, _NO_KEY, None, {}])
            elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
                stack.pop()
            elif cls is ev.AliasEvent:
                raise _refuse(
                    Problem.ALIAS, event, f"alias '*{event.anchor}' refused: write the value out in full"
                )
            elif cls is ev.DocumentStartEvent:
                self.documents += 1
                if self.documents == 2:
                    self.problems.append(
                        LoadProblem(
                            Problem.MULTI_DOCUMENT,
                            _pos(event),
                            "a second YAML document ('---') found: one question per file",
                        )
                    )
                    return data
            elif cls is ev.StreamEndEvent:
                return data

    def _place(self, frame: list[Any], value: Any) -> tuple[FieldPath | None, Position | None]:
        """Put a mapping value under its pending key; a repeated key is reported and dropped."""
        key, key_pos = frame[2], frame[3]
        frame[2] = _NO_KEY
        first = frame[4].get(key)
        if first is not None:
            self.problems.append(
                LoadProblem(
                    Problem.DUPLICATE_KEY,
                    key_pos,
                    f"duplicate key '{key}' (first at line {first.line}): YAML keeps only one; merge them",
                )
            )
            return None, None  # keep the first value; the duplicate is reported, never silently used
        frame[4][key] = key_pos
        frame[0][key] = value
        return (None if frame[1] is None else (*frame[1], key)), key_pos


def parse_yaml(text: str) -> tuple[Any, dict[FieldPath, NodeInfo], list[LoadProblem]]:
    """Text -> (data, positions, problems). Data is None when the file was refused or is empty."""
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    walk = _Walk()
    try:
        data = walk.run(_make_parser(text).get_event)
    except _Refused as refused:
        return None, walk.nodes, [*walk.problems, _text_hint(refused.problem, text)]
    except MarkedYAMLError as exc:
        return None, walk.nodes, [*walk.problems, _syntax_problem(exc, text)]
    except (YAMLError, ValueError, AssertionError) as exc:  # the pure-Python parser asserts on `%YAML 1.3`
        problem = LoadProblem(Problem.SYNTAX, Position(1, 1), f"YAML syntax error: {exc}")
        return None, walk.nodes, [*walk.problems, problem]
    except (RecursionError, MemoryError) as exc:
        return None, walk.nodes, [*walk.problems, LoadProblem(Problem.SYNTAX, Position(1, 1), str(exc))]
    if walk.documents == 0 or data is None:
        walk.problems.append(LoadProblem(Problem.EMPTY, Position(1, 1), "the file holds no YAML document"))
    return data, walk.nodes, walk.problems


def _syntax_problem(exc: Any, text: str) -> LoadProblem:
    """The parser's complaint, plus the slip behind it and its fix when mlbank.yaml_hints knows it."""
    from mlbank.yaml_hints import Mark, explain

    mark = exc.problem_mark or exc.context_mark
    where = Position(mark.line + 1, mark.column + 1) if mark is not None else Position(1, 1)
    said = ": ".join(str(p) for p in (exc.context, exc.problem) if p)
    context = exc.context_mark
    hint = explain(
        text,
        said,
        Mark(where.line - 1, where.column - 1),
        Mark(context.line, context.column) if context is not None else None,
    )
    if hint is not None:
        # The hint may move the finding to where the fix goes; the parser's place stays in the text.
        moved = (hint.line, hint.column) != where
        at = f" at line {where.line}, column {where.column}" if moved else ""
        problem = exc.problem or exc.context
        text = hint.text[:1].upper() + hint.text[1:]
        return LoadProblem(
            Problem.SYNTAX, Position(hint.line, hint.column), f"YAML syntax error{at}: {problem}. {text}"
        )
    context_text = exc.context or ""
    if context_text and context is not None and context is not mark:
        context_text += f" (started at line {context.line + 1}, column {context.column + 1})"
    what = ": ".join(str(p) for p in (context_text, exc.problem) if p)
    return LoadProblem(Problem.SYNTAX, where, f"YAML syntax error: {what}")


def _text_hint(problem: LoadProblem, text: str) -> LoadProblem:
    """An alias, anchor or tag refused where a new author meant text (`title: *Note`): say so."""
    from mlbank.yaml_hints import quote_fix

    if problem.kind not in (Problem.ALIAS, Problem.TAG):
        return problem
    fix = quote_fix(text, problem.position.line, problem.position.column)
    return (
        problem._replace(message=f"{problem.message}; if it is text, quote the value: {fix}")
        if fix
        else problem
    )


# --- files -> documents ---------------------------------------------------------------------------

Validator = Callable[[Any], tuple[Any, tuple[SchemaError, ...]]]


def load_document(
    path: Path, display: str, validate: Validator | None, given: source.Source | None = None
) -> Document:
    """Read (or take `given`, e.g. an editor's unsaved text), parse and (when the data is a mapping)
    validate one file. Never raises for bad input."""
    text, digest, problem = _as_tuple(given) if given is not None else read_source(path)
    if text is None:
        assert problem is not None
        return Document(path, display, "", None, {}, (problem,))
    data, nodes, problems = parse_yaml(text)
    if data is not None and not isinstance(data, dict):
        problems.append(
            LoadProblem(
                Problem.NOT_MAPPING,
                nodes[()].value if () in nodes else Position(1, 1),
                f"the file holds a {_kind(data)}; a bank file must be a mapping of keys to values",
            )
        )
        data = None
    model, errors = (None, ()) if data is None or validate is None else validate(data)
    return Document(path, display, text, data, nodes, tuple(problems), model, errors, digest)


def _kind(data: Any) -> str:
    return "list" if isinstance(data, list) else "single value"
