"""A content-keyed cache of lint results in `.mlbank_cache/`, so an unchanged bank is not re-linted.

An entry is valid only for the same mlbank version, the same effective configuration and the same
file contents. File contents are identified by SHA-256; a file's (size, mtime_ns) is remembered with
its hash so that a warm run only stats the files (as git's index does) and re-hashes any whose stat
changed. As in git, a file modified shortly before its stat was taken is "racily clean" (a second
write within the same timestamp tick would keep its stat), so it is re-hashed until it has settled.
Entries are JSON, never pickle, and are checked when read: a corrupt, truncated or foreign entry is
discarded and the bank is linted again. Writes are atomic (temporary file + rename), so concurrent
runs see either the old entry or the new one.

An entry keeps the stamps as parallel columns, so that reading it and comparing it with a fresh
listing are a few C-level operations rather than a Python loop over the files:

    "paths":  the files, joined with NUL (no file name holds one): bank.yaml and topics.yaml,
              then each folder with files ("questions/screening/") followed by its files' names.
              Compared as one string; split into paths only when some file changed.
    "sizes":  [size, ...]        "mtimes": [mtime_ns, ...]
    "hashes": the files' SHA-256 hex digests, concatenated in path order
    "taken":  time.time_ns() just before the files were stat'ed
    "key":    SHA-256 of paths and hashes, checked on every hit

Column values are not type-checked one by one: a value of the wrong type never equals a fresh
stat, so its file is simply re-hashed, and the key then decides. A column of the wrong type or
length discards the whole entry.

This module must stay cheap to import: a cache hit needs no YAML parser, pydantic or sympy.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import time
from pathlib import Path
from stat import S_ISDIR, S_ISREG
from typing import Any, NamedTuple

from mlbank import __version__
from mlbank.finding import Finding, Severity

CACHE_DIR = ".mlbank_cache"
FORMAT = 2
DIGEST = 64  # characters in a SHA-256 hex digest
UNREADABLE = "-" * DIGEST  # the digest of a listed file that could not be read: never reused
SEP = "\0"
# A file modified less than this long before its stat was taken is re-hashed on the next run: a
# filesystem timestamp can be that coarse (FAT: 2 s), and a same-size rewrite in the same tick
# would otherwise go unseen.
RACY_NS = 2_000_000_000


class Stamps(NamedTuple):
    """Each file's path (relative to the bank root), size, mtime and SHA-256, as parallel columns."""

    listing: str  # the files, as described for the "paths" column
    sizes: list[int]
    mtimes: list[int]
    hashes: str  # one digest of DIGEST characters per file, concatenated
    taken: int  # time.time_ns() just before the stats were taken

    def digests(self) -> dict[str, str]:
        """Each readable file's SHA-256, by its path relative to the bank root."""
        found = zip(_paths(self.listing), range(0, len(self.hashes), DIGEST), strict=False)
        return {path: self.hashes[at : at + DIGEST] for path, at in found if self.hashes[at] != UNREADABLE[0]}

    def key(self) -> str:
        """The contents' fingerprint: which files, and what is in each."""
        h = hashlib.sha256()
        for text in (self.listing, SEP + SEP, self.hashes):
            for at in range(0, len(text), 1 << 16):  # in pieces: no megabyte-sized copies
                h.update(text[at : at + (1 << 16)].encode("utf-8", "surrogatepass"))
        return h.hexdigest()


def _digest(path: str) -> str:
    """The file's SHA-256 as mlbank.source reads it, or UNREADABLE for anything but a readable
    regular file (a FIFO in the bank must not hang the run: the loader reports it)."""
    from mlbank.source import file_digest

    return file_digest(path) or UNREADABLE


class Scan(NamedTuple):
    """The bank's files, the way load_bank finds them, and their stats, as found now."""

    top: str  # the bank root with a trailing separator
    taken: int  # time.time_ns() just before the stats were taken
    listing: str  # the files, as described for the "paths" column
    sizes: list[int]
    mtimes: list[int]


def scan(root: Path) -> Scan:
    """List and stat the bank's files in one pass: bank.yaml, topics.yaml, then questions/ depth first.

    On a warm run this is nearly all the work, so it does as little as it can per file: os.listdir
    (names, no DirEntry objects), a listing made of those very names, stats relative to an open
    folder (the kernel then resolves one path component, not the whole path, where dir_fd is
    supported), and each stat result dropped as soon as it is read. A file that cannot be stat'ed is
    listed with size and mtime -1, so that it still counts.
    """
    from mlbank.paths import BANK_FILE, QUESTIONS_DIR, TOPICS_FILE, YAML_SUFFIXES

    top = os.path.join(str(root), "")
    taken = time.time_ns()
    stat, listdir = os.stat, os.listdir
    relative = stat in os.supports_dir_fd and stat in os.supports_follow_symlinks
    items: list[str] = []
    sizes: list[int] = []
    mtimes: list[int] = []
    for name in (BANK_FILE, TOPICS_FILE):
        try:
            st = stat(top + name)
        except OSError:
            continue
        if S_ISREG(st.st_mode):
            items.append(name)
            sizes.append(st.st_size)
            mtimes.append(st.st_mtime_ns)
    pending = [QUESTIONS_DIR + "/"]
    while pending:
        folder = pending.pop()
        try:
            names = listdir(top + folder)
            fd = os.open(top + folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if relative else None
        except OSError:
            continue
        base = "" if relative else top + folder  # stat(base + name, dir_fd=fd)
        try:
            names.sort()
            items.append(folder)
            count = len(items)
            subfolders: list[str] = []
            for name in names:
                if name.startswith("."):
                    continue
                if name.endswith(YAML_SUFFIXES):
                    # A file, or a symlink to one (os.walk lists it with the files), or not stat-able.
                    try:
                        st = stat(base + name, dir_fd=fd)
                    except OSError:
                        items.append(name)
                        sizes.append(-1)
                        mtimes.append(-1)
                        continue
                    if not S_ISDIR(st.st_mode):
                        items.append(name)
                        sizes.append(st.st_size)
                        mtimes.append(st.st_mtime_ns)
                        continue
                try:  # a folder is walked unless it is a symlink (os.walk, followlinks=False)
                    if S_ISDIR(stat(base + name, dir_fd=fd, follow_symlinks=False).st_mode):
                        subfolders.append(folder + name + "/")
                except OSError:
                    continue
        finally:
            if fd is not None:
                os.close(fd)
        if len(items) == count:
            items.pop()  # no files here: an empty folder does not change the listing
        pending += reversed(subfolders)
    return Scan(top, taken, SEP.join(items), sizes, mtimes)


def _paths(listing: str) -> list[str]:
    """The files of a listing, as paths relative to the bank root."""
    paths: list[str] = []
    folder = ""
    for item in listing.split(SEP) if listing else ():
        if item.endswith("/"):
            folder = item
        else:
            paths.append(folder + item)
    return paths


def stamps(found: Scan, known: Stamps | None) -> Stamps:
    """Stamps for the files found, re-hashing those whose stat is not in `known`, is racily clean
    there, or that could not be read then."""
    where: dict[str, int] = {}
    if known is not None:
        old = _paths(known.listing)
        if len(old) == len(known.sizes):  # else a damaged entry: reuse nothing from it
            where = {path: i for i, path in enumerate(old)}
    settled = known.taken - RACY_NS if known is not None else 0
    sizes, mtimes = found.sizes, found.mtimes
    digests: list[str] = []
    for i, rel in enumerate(_paths(found.listing)):
        j = where.get(rel)
        if (
            known is not None
            and j is not None
            and known.sizes[j] == sizes[i]
            and known.mtimes[j] == mtimes[i]
            and mtimes[i] < settled
            and known.hashes[j * DIGEST] != UNREADABLE[0]
        ):
            digests.append(known.hashes[j * DIGEST : (j + 1) * DIGEST])
        else:
            digests.append(_digest(found.top + rel))
    return Stamps(found.listing, sizes, mtimes, "".join(digests), found.taken)


def _unchanged(known: Stamps, found: Scan) -> bool:
    """Nothing to re-hash: the same files, sizes and mtimes, none racily clean, each one read."""
    return (
        _same_stats(known, found)
        and _settled(found.mtimes, known.taken)
        and UNREADABLE[0] not in known.hashes
    )


def _same_stats(known: Stamps, found: Scan) -> bool:
    """The same files with the same sizes and mtimes (a value of the wrong type never compares equal)."""
    return found.listing == known.listing and found.sizes == known.sizes and found.mtimes == known.mtimes


def _settled(mtimes: list[int], taken: int) -> bool:
    """No file was modified so shortly before `taken` that a same-tick rewrite could hide."""
    return not mtimes or max(mtimes) < taken - RACY_NS


def _stamps_from(entry: dict[str, Any]) -> Stamps | None:
    """The stamps of a cache entry if its columns have the right types and lengths, else None.

    That the listing names as many files as there are sizes is checked only when it is split (the
    slow path); a listing equal to a fresh one has as many as the fresh sizes.
    """
    listing, sizes, mtimes = entry.get("paths"), entry.get("sizes"), entry.get("mtimes")
    hashes, taken = entry.get("hashes"), entry.get("taken")
    if not (
        isinstance(listing, str)
        and isinstance(sizes, list)
        and isinstance(mtimes, list)
        and isinstance(hashes, str)
        and type(taken) is int
        and len(sizes) == len(mtimes)
        and len(hashes) == DIGEST * len(sizes)
    ):
        return None
    return Stamps(listing, sizes, mtimes, hashes, taken)


@functools.cache  # read and written in one run: walk the package once
def code_fingerprint() -> str:
    """mlbank's own files by (path, size, mtime): an edited checkout must not reuse old results,
    even before its version number changes."""
    package = os.path.dirname(os.path.abspath(__file__))
    h = hashlib.sha256(__version__.encode())
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            st = os.stat(os.path.join(folder, name))
            h.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


class LintCache:
    """The lint result of one bank under one configuration."""

    def __init__(self, directory: Path, bank_root: Path, config_key: str, display_base: Path) -> None:
        self.bank_root = bank_root
        # Findings carry paths as shown from `display_base`, so that is part of the key too.
        where = f"{bank_root.resolve()}\0{display_base.resolve()}\0{config_key}"
        name = hashlib.sha256(where.encode()).hexdigest()[:24]
        self.path = directory / f"v{FORMAT}" / f"lint-{name}.json"
        self.config_key = config_key
        self._entry: dict[str, Any] = self._read()
        self.current: Stamps | None = None

    def _read(self) -> dict[str, Any]:
        entry = read_json(self.path)
        ok = (
            isinstance(entry, dict)
            and entry.get("format") == FORMAT
            and entry.get("version") == __version__
            and entry.get("config") == self.config_key
            and isinstance(entry.get("key"), str)
            and isinstance(entry.get("findings"), list)
            and entry.get("code") == code_fingerprint()
        )
        return entry if ok else {}

    def lookup(self) -> list[Finding] | None:
        """The cached findings if nothing changed, else None (and the current stamps are kept)."""
        known = _stamps_from(self._entry) if self._entry else None
        found = scan(self.bank_root)
        if known is not None and _unchanged(known, found):
            self.current = known  # the common case: a few list comparisons, nothing re-hashed
            refresh = False
        else:
            self.current = stamps(found, known)
            # On a hit, rewrite the entry if that makes the next run a plain comparison again: the
            # same contents under new stats (a checkout, a touch), or racily clean files that have
            # since settled.
            refresh = known is not None and (
                not _same_stats(known, found)
                or (not _settled(found.mtimes, known.taken) and _settled(found.mtimes, found.taken))
            )
        if known is None or self.current.key() != self._entry["key"]:
            return None
        try:
            findings = [finding_from(f) for f in self._entry["findings"]]
        except (TypeError, ValueError, KeyError):
            return None
        if refresh:
            self._write(self.current, self._entry["findings"])
        return findings

    def digests(self) -> dict[str, str] | None:
        """The files' SHA-256s as the last lookup() found them (None before one)."""
        return self.current.digests() if self.current is not None else None

    def store(self, findings: list[Finding]) -> None:
        if self.current is None:
            self.current = stamps(scan(self.bank_root), None)
        self._write(self.current, [f.as_dict() for f in findings])

    def _write(self, current: Stamps, findings: list[Any]) -> None:
        entry = {
            "format": FORMAT,
            "version": __version__,
            "code": code_fingerprint(),
            "config": self.config_key,
            "key": current.key(),
            "taken": current.taken,
            "paths": current.listing,
            "sizes": current.sizes,
            "mtimes": current.mtimes,
            "hashes": current.hashes,
            "findings": findings,
        }
        write_json(self.path, entry, self.path.parent.parent)


def finding_from(raw: dict[str, Any]) -> Finding:
    """A Finding from its as_dict() form, or ValueError/TypeError/KeyError when malformed."""
    fields = (raw["path"], raw["line"], raw["column"], raw["code"], raw["name"], raw["message"])
    if not all(isinstance(v, t) for v, t in zip(fields, (str, int, int, str, str, str), strict=True)):
        raise ValueError("malformed cached finding")
    return Finding(
        raw["path"],
        raw["line"],
        raw["column"],
        raw["code"],
        raw["name"],
        Severity(raw["severity"]),
        raw["message"],
    )


def read_json(path: Path) -> Any:
    """A cache entry as stored, or None when it is missing, unreadable or not JSON: the caller checks
    its shape and starts over from nothing rather than trust a damaged entry."""
    try:
        with open(path, "rb") as fh:
            return json.loads(fh.read())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None


def write_json(path: Path, entry: Any, top: Path) -> None:
    """Write a cache entry atomically, keeping the cache folder `top` out of git without asking users
    to edit .gitignore (as pytest and ruff do). A read-only checkout still works; it just cannot
    remember."""
    from mlbank.atomic import write_text

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        marker = top / ".gitignore"
        if not marker.exists():
            write_text(marker, "# created by mlbank\n*\n")
        write_text(path, json.dumps(entry, separators=(",", ":")))
    except OSError:
        pass


def clean(directory: Path) -> bool:
    import shutil

    if directory.is_dir():
        shutil.rmtree(directory)
        return True
    return False


def cache_dir_for(config_root: Path) -> Path:
    return Path(os.environ.get("MLBANK_CACHE_DIR", config_root / CACHE_DIR))
