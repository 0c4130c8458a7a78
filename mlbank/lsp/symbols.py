"""workspace/symbol: every question's id and title, found by a fuzzy query, located at its id.

The lint session keeps only what the rules need of each question (its title is not among it), so
this module keeps its own small index: per question file, the id, the title and where the id's
value starts, parsed with the loader's parser from the open buffer or the file on disk. An entry
is parsed again only when its source changed (the buffer's text, or the file's size and mtime).
A symbol picker asks again on every keystroke, and a walk over 10,000 files with a stat each costs
0.4 s: the files on disk are listed and checked again at most every RESCAN seconds; open buffers are
checked on every query.
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lsprotocol import types
from pygls.workspace import PositionCodec

from mlbank.loader import parse_yaml
from mlbank.paths import QUESTIONS_DIR, question_files

if TYPE_CHECKING:
    from mlbank.lsp.state import BankState

RESCAN = 2.0  # seconds the listing of the files on disk is trusted
Stamp = tuple[object, ...]  # what an entry was parsed from: ("buffer", text) or ("disk", size, mtime)


class Question(NamedTuple):
    id: str
    title: str
    line: int  # 0-based, the id's value
    start: str  # the text of that line before the value (for the client's column units)


class Symbols:
    """One bank's question index, safe to query from any thread."""

    def __init__(self) -> None:
        self._entries: dict[Path, tuple[Stamp, Question | None]] = {}
        self._paths: list[Path] = []  # the question files, in bank order, as last listed
        self._listed_until = 0.0  # time.monotonic() when the listing is due again
        self._lock = threading.Lock()

    def questions(self, state: BankState) -> list[tuple[Path, Question]]:
        """Every question of the bank with a string id, in bank order; the index brought up to date."""
        with self._lock:
            folder = state.root / QUESTIONS_DIR
            buffers = [p for p in state.open_paths() if p.is_relative_to(folder)]
            if time.monotonic() >= self._listed_until:
                listed = question_files(state.root)
                self._paths = [*listed, *sorted(set(buffers) - set(listed))]
                for gone in self._entries.keys() - set(self._paths):
                    del self._entries[gone]
                for path in self._paths:
                    self._refresh(state, path)
                self._listed_until = time.monotonic() + RESCAN
            else:
                self._paths += [p for p in buffers if p not in self._entries]  # new, unsaved
                for path in buffers:
                    self._refresh(state, path)
            found = [(path, self._entries[path][1]) for path in self._paths]
            return [(path, question) for path, question in found if question is not None]

    def _refresh(self, state: BankState, path: Path) -> Question | None:
        stamp = _stamp(state, path)
        known = self._entries.get(path)
        if known is not None and known[0] == stamp:
            return known[1]
        text = state.text(path)
        question = _question(text) if text is not None else None
        self._entries[path] = (stamp, question)
        return question


def _stamp(state: BankState, path: Path) -> Stamp:
    text = state.buffer(path)
    if text is not None:
        return ("buffer", text)
    try:
        info = os.stat(path)
    except OSError:
        return ("gone",)
    return ("disk", info.st_size, info.st_mtime_ns)


def _question(text: str) -> Question | None:
    data, nodes, _ = parse_yaml(text)
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    title = data.get("title")
    where = nodes[("id",)].value
    line = text.split("\n", where.line)[where.line - 1]
    column = where.column - 1
    if line[column : column + 1] in ('"', "'"):  # the range covers the id itself, not its quotes
        column += 1
    return Question(data["id"], title if isinstance(title, str) else "", where.line - 1, line[:column])


def rank(query: str, question: Question) -> int | None:
    """How well a question matches a symbol query, best first: 0 its id starts with the query, 1 the
    query occurs in its id and title, 2 the query's characters occur there in order (fuzzy, as
    editors match symbols); None: no match. Any case; blanks in the query are ignored."""
    wanted = "".join(query.split()).casefold()
    haystack = f"{question.id}{question.title}".replace(" ", "").casefold()
    if question.id.casefold().startswith(wanted):
        return 0
    if wanted in haystack:
        return 1
    at = 0
    for char in wanted:
        at = haystack.find(char, at) + 1
        if at == 0:
            return None
    return 2


def search(query: str, questions: list[tuple[Path, Question]]) -> list[tuple[Path, Question]]:
    """The questions that match `query`, best matches first, in bank order within each rank."""
    ranked = [(r, i) for i, (_, q) in enumerate(questions) if (r := rank(query, q)) is not None]
    return [questions[i] for _, i in sorted(ranked)]


def to_symbol(uri: str, question: Question, codec: PositionCodec) -> types.WorkspaceSymbol:
    column = codec.client_num_units(question.start)
    start = types.Position(line=question.line, character=column)
    end = types.Position(line=question.line, character=column + codec.client_num_units(question.id))
    return types.WorkspaceSymbol(
        name=f"{question.id} {question.title}".strip(),
        kind=types.SymbolKind.Key,
        location=types.Location(uri=uri, range=types.Range(start=start, end=end)),
        container_name=uri.rsplit("/", 2)[-2] if "/" in uri else None,
    )
