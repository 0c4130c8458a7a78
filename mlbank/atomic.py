"""Atomic writes: a temporary file in the target's folder, then one rename.

A failed or interrupted write leaves the previous file untouched, and readers never see half a file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Write the chunks in order as the new `path`. They are written as they come (an exporter
    streams a large document without holding it); an exception while producing or writing them
    leaves `path` as it was."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            fh.flush()
            os.fsync(fh.fileno())
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_bytes(path: Path, data: bytes) -> None:
    write_chunks(path, (data,))


def write_text(path: Path, text: str) -> None:
    write_bytes(path, text.encode("utf-8"))
