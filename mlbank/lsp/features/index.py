"""The bank index the editor features answer from: where every id is declared and where it is used.

Declarations: question ids (the question file's `id` value, with its title and prompt), topic ids
(their entry in topics.yaml, with title and summary), and section, company and level ids (their
entries in bank.yaml). Uses: a question's `topics`, `see`, `section`, `level` and `companies`
(company and level), a level's `company` in bank.yaml, and the practice plan's `refs` (each end
of a `q01..q10` range on its own).

Each file is indexed from its text alone, with the loader's parser (nothing in it is constructed),
and the result is kept by content: an open buffer by its text, a file on disk by its size and
modification time, so after an edit only that file is indexed again. The index is built when a
feature first asks, never on the typing path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, NamedTuple, TypeVar

from mlbank.loader import LINE_BREAK, FieldPath, NodeInfo, parse_yaml
from mlbank.paths import BANK_FILE, TOPICS_FILE, kind_of, question_files
from mlbank.source import from_text

Kind = Literal["question", "topic", "section", "company", "level"]
# A `see` entry names a topic or a question; a plan ref a question, a section or a topic.
UseKind = Literal["question", "topic", "section", "company", "level", "see", "ref"]
RESOLVES: dict[UseKind, tuple[Kind, ...]] = {
    "question": ("question",),
    "topic": ("topic",),
    "section": ("section",),
    "company": ("company",),
    "level": ("level",),
    "see": ("topic", "question"),
    "ref": ("question", "section", "topic"),
}


class Place(NamedTuple):
    """Where a token sits: a file, a 0-based line and 0-based character columns [start, end), and
    whether its line is ASCII up to the token's end (then columns are the same in every unit)."""

    path: Path
    line: int
    start: int
    end: int
    ascii: bool = True

    def unquoted(self, value: str) -> Place:
        """The token of `value` without its quotes, when it is written quoted."""
        quote = 1 if self.end - self.start == len(value) + 2 else 0
        return self._replace(start=self.start + quote, end=self.end - quote)


class Entry(NamedTuple):
    """A declared id: where its `id` value is written, a title and a longer text to show."""

    kind: Kind
    id: str
    place: Place
    title: str
    text: str


class Use(NamedTuple):
    """A place that names an id; `field` is its field path in the file."""

    kind: UseKind
    id: str
    place: Place
    field: FieldPath


@dataclass(frozen=True)
class FileIndex:
    entries: tuple[Entry, ...] = ()
    uses: tuple[Use, ...] = ()


# --- one file -------------------------------------------------------------------------------------


def index_text(path: Path, text: str) -> FileIndex:
    """Index one bank file's text; text the loader refuses (too large, binary) or that does not
    load as a mapping gives nothing."""
    readable = from_text(text).text
    if readable is None:
        return FileIndex()
    data, nodes, _ = parse_yaml(readable)
    if not isinstance(data, dict):
        return FileIndex()
    reader = _Reader(path, nodes, LINE_BREAK.split(readable))
    kind = kind_of(path)
    if kind == "topics":
        reader.declare_all("topic", data, "topics", "title", "summary")
    elif kind == "bank":
        _index_bank(reader, data)
    else:
        _index_question(reader, data)
    return FileIndex(tuple(reader.entries), tuple(reader.uses))


def _index_question(reader: _Reader, data: dict[str, Any]) -> None:
    reader.declare("question", ("id",), data.get("id"), _text(data.get("title")), _text(data.get("prompt")))
    reader.use("section", ("section",), data.get("section"))
    reader.use("level", ("level",), data.get("level"))
    reader.use_items("topic", ("topics",), data.get("topics"))
    reader.use_items("see", ("see",), data.get("see"))
    for i, note in _mappings(data.get("companies")):
        reader.use("company", ("companies", i, "company"), note.get("company"))
        reader.use("level", ("companies", i, "level"), note.get("level"))


def _index_bank(reader: _Reader, data: dict[str, Any]) -> None:
    reader.declare_all("section", data, "sections", "title", "description")
    reader.declare_all("company", data, "companies", "name", "")
    reader.declare_all("level", data, "levels", "name", "")
    for i, level in _mappings(data.get("levels")):
        reader.use("company", ("levels", i, "company"), level.get("company"))
    practice = data.get("practice")
    plan = practice.get("plan") if isinstance(practice, dict) else None
    for d, day in _mappings(plan):
        for t, task in _mappings(day.get("tasks")):
            refs = task.get("refs")
            for r, ref in enumerate(refs if isinstance(refs, list) else []):
                reader.use_range(("practice", "plan", d, "tasks", t, "refs", r), ref)


@dataclass
class _Reader:
    path: Path
    nodes: dict[FieldPath, NodeInfo]
    lines: list[str]
    entries: list[Entry] = field(default_factory=list)
    uses: list[Use] = field(default_factory=list)

    def place(self, path: FieldPath) -> Place | None:
        """The token of a one-line scalar, quotes included (an id is never written over lines)."""
        info = self.nodes.get(path)
        if info is None or info.raw is None or info.style not in ("", "'", '"') or "\n" in info.raw:
            return None
        line, start = info.value.line - 1, info.value.column - 1
        end = start + len(info.raw) + (2 if info.style else 0)
        ascii = line < len(self.lines) and self.lines[line][:end].isascii()
        return Place(self.path, line, start, end, ascii)

    def declare(self, kind: Kind, path: FieldPath, value: Any, title: str, text: str) -> None:
        place = self.place(path)
        if isinstance(value, str) and place is not None:
            self.entries.append(Entry(kind, value, place, title, text))

    def declare_all(self, kind: Kind, data: dict[str, Any], key: str, title: str, text: str) -> None:
        for i, item in _mappings(data.get(key)):
            self.declare(kind, (key, i, "id"), item.get("id"), _text(item.get(title)), _text(item.get(text)))

    def use(self, kind: UseKind, path: FieldPath, value: Any) -> None:
        place = self.place(path)
        if isinstance(value, str) and value and place is not None:
            self.uses.append(Use(kind, value, place, path))

    def use_items(self, kind: UseKind, path: FieldPath, values: Any) -> None:
        for i, value in enumerate(values if isinstance(values, list) else []):
            self.use(kind, (*path, i), value)

    def use_range(self, path: FieldPath, value: Any) -> None:
        """A plan ref: an id, or `first..last` whose two ends are each a use of their own."""
        place = self.place(path)
        if not isinstance(value, str) or place is None:
            return
        inner = place.unquoted(value)
        offset = 0
        for end in value.split(".."):
            start = inner.start + offset
            if end:
                self.uses.append(Use("ref", end, place._replace(start=start, end=start + len(end)), path))
            offset += len(end) + 2


def _mappings(items: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    for i, item in enumerate(items if isinstance(items, list) else []):
        if isinstance(item, dict):
            yield i, item


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# --- the bank -------------------------------------------------------------------------------------

Stamp = tuple[int, int, int]  # a file on disk as last indexed: inode, size, mtime in nanoseconds
_K = TypeVar("_K")
_V = TypeVar("_V")


def _remove(table: dict[_K, list[_V]], key: _K, value: _V) -> None:
    found = table.get(key)
    if found is not None:
        found.remove(value)
        if not found:
            del table[key]


class BankIndex:
    """Every file's FileIndex, kept by content, and the lookups merged from them (a file indexed again
    replaces its own entries and uses only)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._files: dict[Path, tuple[str | Stamp, FileIndex]] = {}
        self._entries: dict[tuple[Kind, str], list[Entry]] = {}
        self._uses: dict[str, list[Use]] = {}
        self._buffered: set[Path] = set()  # the files last indexed from a buffer, not from disk
        # every declaration of a kind in file order, kept until a file is indexed again: a symbol
        # picker asks on every keystroke, and sorting 10,000 entries by path costs ~65 ms
        self._in_order: dict[Kind, list[Entry]] = {}

    def refresh(
        self, buffers: dict[Path, str], read: Callable[[Path], str | None], *, disk: bool = True
    ) -> int:
        """Bring the index up to date and say how many files were indexed again. `buffers` are the
        open files' texts, compared every time. With `disk`, the bank's folder is listed again and
        every other file read with `read` when its size or modification time changed; without it,
        only the files whose buffer was closed since are looked at on disk (listing and stating ten
        thousand files costs more than a request should)."""
        if disk or not self._files:
            paths = self._listing(buffers)
            for gone in self._files.keys() - set(paths):
                self._replace(gone, None)
        else:
            paths = sorted(self._buffered | buffers.keys())
        fresh = 0
        for path in paths:
            old = self._files.get(path)
            if path in buffers:
                key: str | Stamp = buffers[path]
            elif disk or old is None or isinstance(old[0], str):
                key = _stamp(path)
            else:
                continue
            if old is not None and old[0] == key:
                continue
            text = buffers[path] if path in buffers else read(path)
            self._replace(path, (key, index_text(path, text or "")))
            fresh += 1
        return fresh

    def _listing(self, buffers: dict[Path, str]) -> list[Path]:
        """bank.yaml, topics.yaml and the question files, on disk or only in a buffer."""
        paths = [p for p in (self.root / BANK_FILE, self.root / TOPICS_FILE) if p.exists() or p in buffers]
        listed = question_files(self.root)
        on_disk = set(listed)
        return paths + listed + sorted(p for p in buffers if p not in on_disk and _is_question(p, self.root))

    def _replace(self, path: Path, new: tuple[str | Stamp, FileIndex] | None) -> None:
        """Swap one file's entries and uses in the merged lookups (None: the file is gone)."""
        self._in_order.clear()
        old = self._files.pop(path, None)
        if old is not None:
            for entry in old[1].entries:
                _remove(self._entries, (entry.kind, entry.id), entry)
            for use in old[1].uses:
                _remove(self._uses, use.id, use)
        if new is None:
            self._buffered.discard(path)
            return
        self._files[path] = new
        if isinstance(new[0], str):
            self._buffered.add(path)
        else:
            self._buffered.discard(path)
        for entry in new[1].entries:
            self._entries.setdefault((entry.kind, entry.id), []).append(entry)
        for use in new[1].uses:
            self._uses.setdefault(use.id, []).append(use)

    # --- answers ----------------------------------------------------------------------------------

    def declared(self, kind: Kind, name: str) -> list[Entry]:
        """Where an id of this kind is declared (more than one place when it is duplicated)."""
        return sorted(self._entries.get((kind, name), []), key=_where)

    def resolve(self, use: Use) -> list[Entry]:
        """The declarations a use names: the first kind it can name that has one."""
        for kind in RESOLVES[use.kind]:
            found = self.declared(kind, use.id)
            if found:
                return found
        return []

    def uses_of(self, entry: Entry) -> list[Use]:
        """Every use that resolves to this declaration's id and kind."""
        return sorted((u for u in self._uses.get(entry.id, []) if entry in self.resolve(u)), key=_where)

    def ids(self, kind: Kind) -> list[Entry]:
        """One entry per declared id of this kind, sorted by id."""
        return sorted(
            (min(found, key=_where) for (k, _), found in self._entries.items() if k == kind),
            key=lambda e: e.id,
        )

    def every(self, kind: Kind) -> list[Entry]:
        """Every declaration of this kind, duplicates included, in file order."""
        found = self._in_order.get(kind)
        if found is None:
            declared = (e for (k, _), entries in self._entries.items() if k == kind for e in entries)
            found = self._in_order[kind] = sorted(declared, key=_where)
        return found

    def file(self, path: Path) -> FileIndex:
        found = self._files.get(path)
        return found[1] if found is not None else FileIndex()

    def at(self, path: Path, line: int, character: int) -> Entry | Use | None:
        """The declaration or use whose token covers this position of a file."""
        found = self.file(path)
        items: Iterable[Entry | Use] = (*found.entries, *found.uses)
        for item in items:
            place = item.place
            if place.line == line and place.start <= character <= place.end:
                return item
        return None


def _where(item: Entry | Use) -> tuple[Path, int, int]:
    """Declarations and uses in file order: by path, then line and column."""
    return item.place.path, item.place.line, item.place.start


def _stamp(path: Path) -> Stamp:
    try:
        st = os.stat(path)
    except OSError:
        return (0, 0, 0)  # gone or unreadable: read (and found empty) once, until it comes back
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _is_question(path: Path, root: Path) -> bool:
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return len(parts) > 1 and parts[0] == "questions" and path.suffix in (".yaml", ".yml")
