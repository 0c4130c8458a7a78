"""The one reader: a bank file's bytes (from disk, or an editor's unsaved text) -> text and digest.

Every part of mlbank that reads a bank file goes through here: the loader, `mlbank fmt`, and the
caches (which identify a file by the SHA-256 of its bytes, so a file's digest is the same whoever
read it). A file is refused, never raised on, when it is not a regular file (a FIFO would block the
run, a device never end), larger than MAX_BYTES, binary (a NUL byte) or not UTF-8; a UTF-8
byte-order mark is dropped from the text. Opened without blocking and checked once open.

Standard library only: the warm lint path imports this.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import stat
from pathlib import Path
from typing import NamedTuple

MAX_BYTES = 1_000_000
TOO_LARGE = "too-large"
ENCODING = "encoding"


class Refusal(NamedTuple):
    """Why a file's text cannot be read, and where (1-based): the loader turns it into a finding."""

    kind: str  # ENCODING or TOO_LARGE
    line: int
    column: int
    message: str


class Source(NamedTuple):
    """A file's text and the SHA-256 of the bytes it was decoded from; text None on refusal."""

    text: str | None
    digest: str  # "" when refused
    refusal: Refusal | None = None


def read_bytes(path: Path) -> tuple[bytes | None, Refusal | None]:
    """At most MAX_BYTES of a regular file's bytes, or why not."""
    try:
        with open(path, "rb", opener=_nonblocking) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):  # a FIFO or device would block or never end
                return None, Refusal(ENCODING, 1, 1, "not a regular file: remove it from the bank")
            blob = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        return None, Refusal(ENCODING, 1, 1, f"cannot read the file: {exc.strerror}")
    if len(blob) > MAX_BYTES:
        return None, _too_large()
    return blob, None


def decode(blob: bytes) -> Source:
    """Bytes -> text (UTF-8, a byte-order mark dropped), refusing binary and undecodable bytes."""
    if b"\0" in blob:
        return Source(None, "", _encoding(blob, blob.index(b"\0"), "contains a NUL byte: it looks binary"))
    try:
        text = blob.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Source(None, "", _encoding(blob, exc.start, "is not valid UTF-8: save the file as UTF-8"))
    return Source(text, hashlib.sha256(blob).hexdigest())


def read_source(path: Path) -> Source:
    """A file on disk, read and decoded."""
    blob, refusal = read_bytes(path)
    return decode(blob) if blob is not None else Source(None, "", refusal)


def from_text(text: str) -> Source:
    """An editor's unsaved text, held to the same rules as the file it would be saved as."""
    blob = text.encode("utf-8", "surrogatepass")
    if len(blob) > MAX_BYTES:
        return Source(None, "", _too_large())
    return decode(blob)


def _too_large() -> Refusal:
    return Refusal(
        TOO_LARGE,
        1,
        1,
        f"file is larger than {MAX_BYTES:,} bytes; a question file should be a few kilobytes: split it",
    )


def has_bom(blob: bytes) -> bool:
    return blob.startswith(codecs.BOM_UTF8)


def file_digest(path: str) -> str | None:
    """The SHA-256 of a whole regular file (what a Source's digest is for a file under the cap), or
    None for anything else."""
    h = hashlib.sha256()
    try:
        with open(path, "rb", opener=_nonblocking) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    except OSError:
        return None
    return h.hexdigest()


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _encoding(blob: bytes, offset: int, what: str) -> Refusal:
    head = blob[:offset]
    line = head.count(b"\n") + 1
    column = offset - (head.rfind(b"\n") + 1) + 1
    return Refusal(ENCODING, line, column, f"byte {offset} {what}")
