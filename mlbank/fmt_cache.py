"""Which bank files `mlbank fmt` already found canonical, remembered by content in `.mlbank_cache/`.

A file is canonical when formatting gives it back byte for byte. That depends only on its bytes and
its kind (bank, topics or question, from its name), not on where it lives: the schema line fmt would
add is used only by a file that has none, and such a file is never canonical. So the cache is one
set of digests, each the SHA-256 of a kind and a file's exact bytes, shared by every bank that uses
the same cache folder. A digest is added only for bytes that fmt itself verified canonical (a file it
left unchanged, or the text it has just written after checking it), never for a file that needs
changes or could not be formatted; a file is never trusted by its stat alone.

The set is valid only for the mlbank version and code that filled it (mlbank.cache.code_fingerprint),
the installed ruamel.yaml (by its __init__.py's path, size and mtime, which a reinstall changes) and
the Python version. The entry is JSON, never pickle, and is checked when read: anything corrupt,
truncated or foreign is discarded and the files are formatted again. Writes are atomic, and merge
with whatever another run wrote meanwhile; two runs that race may each lose the other's additions,
which costs a round trip later, never a wrong answer. The least recently confirmed digests beyond
LIMIT are dropped, so the file stays small however many edits it has seen.

This module must stay cheap to import: a run in which every file is a hit never imports ruamel.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path
from typing import Any

from mlbank import __version__
from mlbank.cache import code_fingerprint, read_json, write_json

FORMAT = 1
LIMIT = 20_000  # digests kept, besides those this run confirmed
_HEX = re.compile(r"[0-9a-f]*")


def digest(kind: str, blob: bytes) -> str:
    return hashlib.sha256(kind.encode() + b"\0" + blob).hexdigest()


def _ruamel_stamp() -> str:
    """The installed ruamel.yaml, its output being part of the result: the first ruamel/yaml on
    sys.path, as the import system finds it, but without importing even the `ruamel` namespace."""
    for entry in sys.path:
        origin = os.path.join(entry or os.curdir, "ruamel", "yaml", "__init__.py")
        try:
            st = os.stat(origin)
        except (OSError, ValueError):
            continue
        return f"{os.path.abspath(origin)}\0{st.st_size}\0{st.st_mtime_ns}"
    return "none"


def stamp() -> str:
    """What besides a file's bytes decides whether it is canonical: mlbank's code, ruamel, Python."""
    parts = (__version__, code_fingerprint(), _ruamel_stamp(), sys.version)
    return hashlib.sha256("\0\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class FmtCache:
    """The digests of contents already verified canonical, and those this run confirmed or added."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / f"fmt-v{FORMAT}.json"
        self.stamp = stamp()
        self.known = set(self._read())
        self.touched: dict[str, None] = {}  # confirmed or added this run, in order
        self.added = False

    def _read(self) -> list[str]:
        """The stored digests, oldest first; [] for a missing, corrupt or foreign entry."""
        entry = read_json(self.path)
        if not (
            isinstance(entry, dict)
            and entry.get("format") == FORMAT
            and entry.get("version") == __version__
            and entry.get("stamp") == self.stamp
            and isinstance(entry.get("canonical"), list)
        ):
            return []
        digests: list[Any] = entry["canonical"]
        if not all(type(d) is str for d in digests):
            return []
        joined = "".join(digests)
        if len(joined) != 64 * len(digests) or _HEX.fullmatch(joined) is None:
            return []
        return digests

    def hit(self, kind: str, blob: bytes) -> bool:
        key = digest(kind, blob)
        if key in self.known:
            self.touched[key] = None
            return True
        return False

    def add(self, kind: str, blob: bytes) -> None:
        """Remember bytes that fmt has just verified canonical."""
        key = digest(kind, blob)
        self.touched[key] = None
        if key not in self.known:
            self.known.add(key)
            self.added = True

    def save(self) -> None:
        """Write the set if this run added to it (a run of hits only writes nothing)."""
        if not self.added:
            return
        older = [d for d in dict.fromkeys(self._read()) if d not in self.touched]
        keep = older[max(0, len(older) - LIMIT) :] + list(self.touched)
        entry = {"format": FORMAT, "version": __version__, "stamp": self.stamp, "canonical": keep}
        write_json(self.path, entry, self.path.parent)
