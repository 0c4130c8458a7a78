"""A content-keyed cache of lint results in `.mlbank_cache/`, so an unchanged bank is not re-linted.

An entry is valid only for the same mlbank version, the same effective configuration and the same
file contents. File contents are identified by SHA-256; a file's (size, mtime_ns) is remembered with
its hash so that a warm run only stats the files (as git's index does) and re-hashes any whose stat
changed. Entries are JSON, never pickle, and are checked field by field when read: a corrupt,
truncated or foreign entry is discarded and the bank is linted again. Writes are atomic (temporary
file + rename), so concurrent runs see either the old entry or the new one.

This module must stay cheap to import: a cache hit needs no YAML parser, pydantic or sympy.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from mlbank import __version__
from mlbank.finding import Finding, Severity

CACHE_DIR = ".mlbank_cache"
FORMAT = 1


def bank_files(root: Path) -> list[str]:
    """The bank's files as '/'-joined paths relative to root, the way load_bank finds them.

    Plain strings and os.scandir, not pathlib: on a warm run this listing is most of the work.
    """
    from mlbank.paths import BANK_FILE, QUESTIONS_DIR, TOPICS_FILE, YAML_SUFFIXES

    top = str(root)
    found = [name for name in (BANK_FILE, TOPICS_FILE) if os.path.isfile(os.path.join(top, name))]
    pending = [QUESTIONS_DIR]
    questions: list[str] = []
    while pending:
        rel = pending.pop()
        try:
            entries = list(os.scandir(os.path.join(top, rel)))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            if entry.is_dir(follow_symlinks=False):
                pending.append(f"{rel}/{entry.name}")
            elif entry.name.endswith(YAML_SUFFIXES):
                questions.append(f"{rel}/{entry.name}")
    return found + sorted(questions)


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def stamps(files: list[str], root: Path, known: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """Current (size, mtime_ns, sha256) per relative path, re-hashing only files whose stat changed."""
    out: dict[str, list[Any]] = {}
    top = str(root)
    for rel in files:
        full = os.path.join(top, rel)
        try:
            st = os.stat(full)
        except OSError:
            continue
        old = known.get(rel)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            out[rel] = old
        else:
            try:
                out[rel] = [st.st_size, st.st_mtime_ns, _digest(Path(full))]
            except OSError:
                continue
    return out


def code_fingerprint() -> str:
    """mlbank's own files by (path, size, mtime): an edited checkout must not reuse old results,
    even before its version number changes."""
    package = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for folder, dirs, files in os.walk(package):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(f for f in files if f.endswith(".py")):
            st = os.stat(os.path.join(folder, name))
            h.update(f"{folder}/{name}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def content_key(current: dict[str, list[Any]]) -> str:
    h = hashlib.sha256()
    for rel in sorted(current):
        h.update(f"{rel}\0{current[rel][2]}\n".encode())
    return h.hexdigest()


class LintCache:
    """The lint result of one bank under one configuration."""

    def __init__(self, directory: Path, bank_root: Path, config_key: str) -> None:
        self.bank_root = bank_root
        # Findings carry paths as shown from the working directory, so that is part of the key too.
        where = f"{bank_root.resolve()}\0{Path.cwd()}\0{config_key}"
        name = hashlib.sha256(where.encode()).hexdigest()[:24]
        self.path = directory / f"v{FORMAT}" / f"lint-{name}.json"
        self.config_key = config_key
        self._entry: dict[str, Any] = self._read()
        self.current: dict[str, list[Any]] = {}

    def _read(self) -> dict[str, Any]:
        try:
            entry = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, UnicodeDecodeError):
            return {}
        ok = (
            isinstance(entry, dict)
            and entry.get("format") == FORMAT
            and entry.get("version") == __version__
            and entry.get("code") == code_fingerprint()
            and entry.get("config") == self.config_key
            and isinstance(entry.get("files"), dict)
            and isinstance(entry.get("findings"), list)
            and all(_is_stamp(v) for v in entry["files"].values())
        )
        return entry if ok else {}

    def lookup(self) -> list[Finding] | None:
        """The cached findings if nothing changed, else None (and the current stamps are kept)."""
        self.current = stamps(bank_files(self.bank_root), self.bank_root, self._entry.get("files", {}))
        if not self._entry or self._entry.get("key") != content_key(self.current):
            return None
        try:
            return [_finding(f) for f in self._entry["findings"]]
        except (TypeError, ValueError, KeyError):
            return None

    def store(self, findings: list[Finding]) -> None:
        if not self.current:
            self.current = stamps(bank_files(self.bank_root), self.bank_root, {})
        entry = {
            "format": FORMAT,
            "version": __version__,
            "code": code_fingerprint(),
            "config": self.config_key,
            "key": content_key(self.current),
            "files": self.current,
            "findings": [f.as_dict() for f in findings],
        }
        try:
            from mlbank.atomic import write_text

            self.path.parent.mkdir(parents=True, exist_ok=True)
            _ignore_file(self.path.parent.parent)
            write_text(self.path, json.dumps(entry, separators=(",", ":")))
        except OSError:
            pass  # a read-only checkout still lints; it just cannot remember


def _is_stamp(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 3
        and isinstance(value[0], int)
        and isinstance(value[1], int)
        and isinstance(value[2], str)
        and len(value[2]) == 64
    )


def _finding(raw: dict[str, Any]) -> Finding:
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


def _ignore_file(directory: Path) -> None:
    """Keep the cache out of git without asking users to edit .gitignore (as pytest and ruff do)."""
    marker = directory / ".gitignore"
    if not marker.exists():
        from mlbank.atomic import write_text

        write_text(marker, "# created by mlbank\n*\n")


def clean(directory: Path) -> bool:
    if directory.is_dir():
        shutil.rmtree(directory)
        return True
    return False


def cache_dir_for(config_root: Path) -> Path:
    return Path(os.environ.get("MLBANK_CACHE_DIR", config_root / CACHE_DIR))
