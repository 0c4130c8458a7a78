"""Per-file lint results remembered between runs, so a commit that edits one question re-lints one.

The whole-bank cache (mlbank.cache) answers only when nothing changed. When something did, most
question files are still as they were, and a question file's per-file findings depend only on its
own text, its path, bank.yaml, topics.yaml, the configuration and mlbank itself. So this store keeps,
for each question file, what the lint workers produce (mlbank.parallel): its per-file findings
(before suppressions and severities are applied), the slim data the bank-wide rules read (id, topics,
see) and its DocFacts (suppression comments, near-duplicate fingerprints, claim specs). The next run
lints only the files whose text changed and runs the bank-wide rules over everything.

An entry is reused only for the same bytes (SHA-256 of what the worker read; on a run after a change
the whole-bank cache already knows every file's digest from its stats, so unchanged files are not
even read), under the same context: mlbank's version and code, the Python version (fingerprints are
int/tuple hashes), the configuration, the bank and working directory, and the exact text of
bank.yaml and topics.yaml. A different context discards every entry. Files that could not be read
as text are never remembered. The store is JSON (never pickle); every entry is checked when read and
one that does not have the expected shape is linted again, never trusted. Writes are atomic.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
import zlib
from pathlib import Path
from typing import Any, NamedTuple

from mlbank import __version__
from mlbank.finding import Finding
from mlbank.loader import Document, Reparsed
from mlbank.rules.base import ClaimSpecs, DocFacts

FORMAT = 1
BUCKETS = 64  # files the store is spread over: a one-file change rewrites about 1/64 of it


class Remembered(NamedTuple):
    """One question file's results, as a lint worker returned them."""

    findings: list[Finding]
    doc: Document  # the slim copy (Document.slim)
    facts: DocFacts


class FileResults:
    """The store for one bank under one configuration, seen from one working directory.

    Entries are spread over BUCKETS files by a hash of the file's path, so a run that re-lints one
    file rewrites one small bucket rather than every file's fingerprints."""

    def __init__(
        self, directory: Path, bank_root: Path, config_key: str, digests: dict[str, str] | None = None
    ) -> None:
        """`digests`: the files' SHA-256s by path relative to the bank root, when the caller has them
        (the whole-bank cache does, from stats); any other file is hashed when asked for."""
        from mlbank.cache import FORMAT as CACHE_FORMAT

        self.root = bank_root
        self.digests = digests
        where = f"{bank_root.resolve()}\0{Path.cwd()}\0{config_key}"
        name = hashlib.sha256(where.encode()).hexdigest()[:24]
        self.top = directory
        self.folder = directory / f"v{CACHE_FORMAT}" / f"files-{name}"
        self.config_key = config_key
        self.context = ""
        self._known: list[dict[str, Any]] = [{} for _ in range(BUCKETS)]  # as read, per bucket
        self._keep: list[dict[str, Any]] = [{} for _ in range(BUCKETS)]  # to write, per bucket
        self._stale: set[int] = set()  # buckets whose file must be written again

    def bind(self, meta: Document | None, topics: Document | None) -> None:
        """Fix the context (bank.yaml and topics.yaml as loaded) and read what is stored under it."""
        from mlbank.cache import code_fingerprint

        parts = [
            str(FORMAT),
            __version__,
            code_fingerprint(),
            sys.version,
            str(sys.maxsize),
            self.config_key,
            *(_doc_digest(d) for d in (meta, topics)),
        ]
        self.context = hashlib.sha256("\0".join(parts).encode()).hexdigest()
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

    def recall(self, path: Path) -> Remembered | None:
        """The results stored for this file as it is now, or None (not stored, changed, or malformed)."""
        key = self._key(path)
        bucket = _bucket(key)
        raw = self._known[bucket].get(key)
        if not isinstance(raw, list) or len(raw) != 7 or raw[0] != self._digest(key, path):
            return None
        try:
            found = _decode(path, raw)
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

    def _digest(self, key: str, path: Path) -> str:
        known = self.digests.get(key) if self.digests is not None else None
        if known is not None:
            return known
        from mlbank.loader import read_source

        return read_source(path)[1]

    def remember(self, path: Path, found: Remembered) -> None:
        """Store a freshly linted file's results under the digest of the bytes it was linted from
        (unless they could not be read as text, or its data would not come back from JSON exactly)."""
        doc = found.doc
        if not doc.digest or not _survives_json(doc.data):
            return
        key = self._key(path)
        bucket = _bucket(key)
        self._keep[bucket][key] = _encode(found)
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


def _doc_digest(doc: Document | None) -> str:
    if doc is None:
        return "absent"
    return doc.digest or "unread:" + repr(doc.problems)


# An entry: [digest, display, findings, data, suppressions, fingerprints, claims]


def _encode(found: Remembered) -> list[Any]:
    doc, facts = found.doc, found.facts
    return [
        doc.digest,
        doc.display,
        [f.as_dict() for f in found.findings],
        doc.data,
        [[s.line, s.column, list(s.codes), s.reason, s.first, s.last] for s in facts.suppressions],
        None if facts.fingerprints is None else [_b64(p) for p in facts.fingerprints],
        None if facts.claims is None else [_spec_row(i, spec) for i, spec in facts.claims],
    ]


def _decode(path: Path, raw: list[Any]) -> Remembered:
    from mlbank.cache import finding_from
    from mlbank.suppress import Suppression

    _, display, findings, data, sups, prints, claims = raw
    _expect(display, str)
    if data is not None:
        _expect(data, dict)
    facts = DocFacts(
        tuple(
            Suppression(display, _int(s[0]), _int(s[1]), _strs(s[2]), _str(s[3]), _int(s[4]), _int(s[5]))
            for s in _list(sups)
        ),
        None if prints is None else tuple(None if p is None else _unb64(p) for p in _list(prints)),
        None if claims is None else _specs(claims),
    )
    findings = [finding_from(f) for f in _list(findings)]
    if any(f.path != display for f in findings):
        raise ValueError("a remembered finding names another file")
    # No text: the file is read again only if a bank-wide rule reports on it and needs a position.
    nodes = Reparsed(path=path) if data is not None else {}
    return Remembered(findings, Document(path, display, "", data, nodes, digest=raw[0]), facts)


def _spec_row(item: int, spec: Any) -> list[Any]:
    return [
        item,
        spec.expr,
        spec.says,
        spec.equals,
        [list(w) for w in spec.where],
        [list(d) for d in spec.domain],
        spec.tolerance,
    ]


def _specs(rows: Any) -> ClaimSpecs:
    from mlbank.claims import ClaimSpec

    out = []
    for row in _list(rows):
        item, expr, says, equals, where, domain, tolerance = _list(row)
        spec = ClaimSpec(
            expr=_str(expr),
            says=_opt_str(says),
            equals=_opt_str(equals),
            where=tuple((_str(k), _str(v)) for k, v in map(_list, _list(where))),
            domain=tuple((_str(k), _str(v)) for k, v in map(_list, _list(domain))),
            tolerance=_opt_str(tolerance),
        )
        out.append((_int(item), spec))
    return tuple(out)


def _survives_json(data: Any) -> bool:
    """Slim data comes back from JSON unchanged: same types all the way down (NaN, infinity or a
    non-string key would not)."""
    try:
        return _same(json.loads(json.dumps(data, allow_nan=False)), data)
    except (TypeError, ValueError, RecursionError):
        return False


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def _b64(blob: bytes | None) -> str | None:
    return None if blob is None else base64.b64encode(blob).decode("ascii")


def _unb64(text: Any) -> bytes:
    blob = base64.b64decode(_str(text), validate=True)
    if len(blob) % 8:
        raise ValueError("a fingerprint is a whole number of 8-byte hashes")
    return blob


def _expect(value: Any, kind: type) -> Any:
    if type(value) is not kind:
        raise TypeError(f"expected {kind.__name__}")
    return value


def _int(value: Any) -> int:
    return int(_expect(value, int))


def _str(value: Any) -> str:
    return str(_expect(value, str))


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _list(value: Any) -> list[Any]:
    if type(value) is not list:
        raise TypeError("expected list")
    return value


def _strs(value: Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))
