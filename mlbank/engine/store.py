"""Where FileResults are kept between lints: in memory (a session that lives, e.g. an editor
server) or on disk (the CLI, one process per run), so that an edit re-lints only what changed.

A question file's per-file results depend only on its own text, its path, bank.yaml, topics.yaml,
the selection and mlbank itself. So a result is reused only for the same bytes (SHA-256 of what was
read; the caller may know the digests already, as the whole-bank cache does from its stats) under the
same context: mlbank's version and code, the Python version (fingerprints are int/tuple hashes), the
selection's key, the bank, where paths are shown from, and the exact text of bank.yaml and
topics.yaml. A different context discards every entry. Files that could not be read as text are
never remembered.

On disk the store is JSON (never pickle), spread over BUCKETS files by a hash of the path, so a
run that re-lints one file rewrites one small bucket; every entry is checked when read (FileResult
.from_json) and one that does not have the expected shape is linted again, never trusted. Writes
are atomic.
"""

from __future__ import annotations

import hashlib
import sys
import zlib
from pathlib import Path
from typing import Any, Protocol

from mlbank import __version__
from mlbank.engine.record import FileResult, survives_json
from mlbank.loader import Document

BUCKETS = 64  # files the disk store is spread over: a one-file change rewrites about 1/64 of it
FORMAT = 2


class Store(Protocol):
    """Per-file results of one bank under one selection."""

    def bind(self, meta: Document | None, topics: Document | None) -> None:
        """Fix the context (bank.yaml and topics.yaml as loaded): results from another are dropped."""

    @property
    def holds_any(self) -> bool: ...

    def digest(self, path: Path) -> str:
        """The SHA-256 of the file on disk ("" when it cannot be read as text)."""
        ...

    def recall(self, path: Path, digest: str, text: str | None = None) -> FileResult | None:
        """The result stored for the file with these bytes, or None. `text`: the file's text when it
        is held in memory (an editor's buffer), for positions."""
        ...

    def remember(self, path: Path, found: FileResult) -> None: ...

    def forget(self, path: Path) -> None:
        """Drop the result of a file that is gone."""
        ...

    def save(self) -> None: ...


def context_of(selection_key: str, meta: Document | None, topics: Document | None) -> str:
    from mlbank.cache import code_fingerprint

    parts = [
        str(FORMAT),
        __version__,
        code_fingerprint(),
        sys.version,
        str(sys.maxsize),
        selection_key,
        *(_doc_digest(d) for d in (meta, topics)),
    ]
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _doc_digest(doc: Document | None) -> str:
    if doc is None:
        return "absent"
    return doc.digest or "unread:" + repr(doc.problems)


def read_digest(path: Path) -> str:
    from mlbank.source import read_source

    return read_source(path).digest


class MemoryStore:
    """Results held in this process, by path (as the session lists it)."""

    def __init__(self, selection_key: str) -> None:
        self.selection_key = selection_key
        self.context = ""
        self._held: dict[Path, FileResult] = {}

    def bind(self, meta: Document | None, topics: Document | None) -> None:
        context = context_of(self.selection_key, meta, topics)
        if context != self.context:
            self._held.clear()
        self.context = context

    @property
    def holds_any(self) -> bool:
        return bool(self._held)

    def digest(self, path: Path) -> str:
        return read_digest(path)

    def recall(self, path: Path, digest: str, text: str | None = None) -> FileResult | None:
        found = self._held.get(path)
        return found if found is not None and digest and found.doc.digest == digest else None

    def remember(self, path: Path, found: FileResult) -> None:
        if found.doc.digest:
            self._held[path] = found

    def forget(self, path: Path) -> None:
        self._held.pop(path, None)

    def save(self) -> None:
        pass


class DiskStore:
    """Results in the cache folder, for one bank under one selection, shown from one folder."""

    def __init__(
        self,
        directory: Path,
        bank_root: Path,
        config_key: str,
        digests: dict[str, str] | None = None,
        display_base: Path | None = None,
    ) -> None:
        """`digests`: the files' SHA-256s by path relative to the bank root, when the caller has them
        (the whole-bank cache does, from stats); any other file is hashed when asked for.
        `display_base`: where findings' paths are shown from (None: the bank root)."""
        from mlbank.cache import FORMAT as CACHE_FORMAT

        self.root = bank_root
        self.digests = digests
        base = bank_root.resolve() if display_base is None else display_base.resolve()
        where = f"{bank_root.resolve()}\0{base}\0{config_key}"
        name = hashlib.sha256(where.encode()).hexdigest()[:24]
        self.top = directory
        self.folder = directory / f"v{CACHE_FORMAT}" / f"files-{name}"
        self.config_key = config_key
        self.context = ""
        self._known: list[dict[str, Any]] = [{} for _ in range(BUCKETS)]  # as read, per bucket
        self._keep: list[dict[str, Any]] = [{} for _ in range(BUCKETS)]  # to write, per bucket
        self._stale: set[int] = set()  # buckets whose file must be written again

    def bind(self, meta: Document | None, topics: Document | None) -> None:
        """Fix the context and read what is stored under it."""
        self.context = context_of(self.config_key, meta, topics)
        for bucket in range(BUCKETS):
            self._known[bucket] = self._read(bucket)

    def _read(self, bucket: int) -> dict[str, Any]:
        from mlbank.cache import read_json

        stored = read_json(self._bucket_file(bucket))
        files = (
            stored.get("files")
            if isinstance(stored, dict) and stored.get("context") == self.context
            else None
        )
        if not isinstance(files, dict):
            self._stale.add(bucket)  # missing, damaged, or from another context: (re)write it
            return {}
        return files

    def _bucket_file(self, bucket: int) -> Path:
        return self.folder / f"{bucket:02x}.json"

    @property
    def holds_any(self) -> bool:
        return any(self._known)

    def digest(self, path: Path) -> str:
        known = self.digests.get(self._key(path)) if self.digests is not None else None
        return known if known is not None else read_digest(path)

    def recall(self, path: Path, digest: str, text: str | None = None) -> FileResult | None:
        key = self._key(path)
        bucket = _bucket(key)
        raw = self._known[bucket].get(key)
        if not digest or not isinstance(raw, dict) or raw.get("digest") != digest:
            return None
        try:
            found = FileResult.from_json(path, raw, text)
        except (TypeError, ValueError, KeyError, IndexError):
            return None
        self._keep[bucket][key] = raw
        return found

    def _key(self, path: Path) -> str:
        """The file's path relative to the bank root: the same however the root was spelt."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def remember(self, path: Path, found: FileResult) -> None:
        """Store a freshly linted file's results (unless its bytes could not be read as text, or its
        data would not come back from JSON exactly)."""
        doc = found.doc
        if not doc.digest or not survives_json(doc.data):
            return
        key = self._key(path)
        bucket = _bucket(key)
        self._keep[bucket][key] = found.to_json()
        self._stale.add(bucket)

    def forget(self, path: Path) -> None:
        key = self._key(path)
        bucket = _bucket(key)
        if self._keep[bucket].pop(key, None) is not None:
            self._stale.add(bucket)

    def save(self) -> None:
        """Write the buckets this run changed: new entries, and entries of files gone or changed
        dropped. A run that only recalled writes nothing."""
        if not self.context:
            return
        from mlbank.cache import write_json

        for bucket in range(BUCKETS):
            stale = bucket in self._stale and (self._keep[bucket] or self._bucket_file(bucket).exists())
            if stale or self._keep[bucket].keys() != self._known[bucket].keys():
                entry = {"context": self.context, "files": self._keep[bucket]}
                write_json(self._bucket_file(bucket), entry, self.top)


def _bucket(key: str) -> int:
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) % BUCKETS
