"""`mlbank fmt`: rewrite bank files in canonical form, or report which ones are not.

Files already verified canonical are answered from mlbank.fmt_cache by their bytes; mlbank.formatter
(and so ruamel) is imported only when some file has to be formatted.
"""

from __future__ import annotations

import codecs
import difflib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mlbank.atomic import write_text
from mlbank.bank import BANK_FILE, TOPICS_FILE, display_path, find_bank, question_files
from mlbank.commands.lint import default_bank
from mlbank.config import ConfigError, find_config
from mlbank.fmt_cache import FmtCache
from mlbank.loader import MAX_BYTES, read_text
from mlbank.paths import kind_of


@dataclass(frozen=True)
class FmtOptions:
    check: bool = False  # report, write nothing
    diff: bool = False  # print a unified diff, write nothing
    cache: bool = True  # skip files whose exact bytes were verified canonical before


@dataclass
class Tally:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0


def bank_files(root: Path) -> list[Path]:
    """Every file of a bank that fmt owns: bank.yaml, topics.yaml and the question files."""
    own = [root / BANK_FILE, root / TOPICS_FILE]
    return [p for p in own if p.is_file()] + question_files(root)


def resolve_files(paths: list[Path]) -> list[Path]:
    """The files to format: whole banks for bank folders, bank files under other folders, files as given."""
    if not paths:
        return bank_files(default_bank(find_config(Path.cwd())))
    found: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise ConfigError(f"{path}: no such file or directory")
        for file in _files_of(path):
            found.setdefault(file.resolve(), None)
    return list(found)


def _files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / BANK_FILE).is_file():
        return bank_files(path)
    bank = find_bank(path)
    if bank is None:
        raise ConfigError(f"{path}: not inside a bank (no {BANK_FILE} in it or any folder above)")
    inside = path.resolve()
    return [f for f in bank_files(bank) if f.resolve().is_relative_to(inside)]


def run_fmt(paths: list[Path], options: FmtOptions) -> tuple[int, str]:
    cwd = Path.cwd()
    out: list[str] = []
    tally = Tally()
    files = resolve_files(paths)
    cache = _cache(cwd) if options.cache else None
    for path in files:
        out.extend(_format_one(path, cwd, options, tally, cache))
    if cache is not None:
        cache.save()
    dry = options.check or options.diff
    if not options.diff:
        out.append(_summary(tally, dry))
    code = 1 if tally.failed or (dry and tally.changed) else 0
    return code, "\n".join(out)


def _cache(cwd: Path) -> FmtCache | None:
    """The cache of the configuration in effect here; None when that configuration is unreadable."""
    from mlbank.cache import cache_dir_for

    try:
        return FmtCache(cache_dir_for(find_config(cwd).root))
    except ConfigError:
        return None  # files given by path are formatted without reading the configuration


def _read_bytes(path: Path) -> bytes | None:
    """The file's bytes, or None where read_text would refuse it or the read fails (it then reports)."""
    try:
        with open(path, "rb", opener=_nonblocking) as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                return None
            blob = fh.read(MAX_BYTES + 1)
    except OSError:
        return None
    return blob if len(blob) <= MAX_BYTES else None


def _nonblocking(path: str, flags: int) -> int:
    """Open without blocking on a FIFO (read_text refuses anything but a regular file)."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def _format_one(
    path: Path, cwd: Path, options: FmtOptions, tally: Tally, cache: FmtCache | None
) -> list[str]:
    kind = kind_of(path)
    blob = _read_bytes(path) if cache is not None else None
    if cache is not None and blob is not None and cache.hit(kind, blob):
        tally.unchanged += 1
        return []
    from mlbank.formatter import FormatError, format_text, schema_header

    display = display_path(path, cwd)
    text, problem = read_text(path)
    if text is None:
        assert problem is not None
        tally.failed += 1
        return [f"{display}: not formatted: {problem.message}"]
    try:
        new = format_text(text, kind, schema_header(path, kind))
    except FormatError as exc:
        tally.failed += 1
        return [f"{display}: not formatted: {exc}"]
    if new == text and not _has_bom(path):
        tally.unchanged += 1
        # Only if the bytes read above are the ones just verified (the file may have changed since).
        if cache is not None and blob == new.encode("utf-8"):
            _remember(cache, kind, new)
        return []
    if options.diff:
        tally.changed += 1
        diff = difflib.unified_diff(text.splitlines(), new.splitlines(), display, display, lineterm="")
        return list(diff) or [f"{display}: only line endings or the byte-order mark would change"]
    if options.check:
        tally.changed += 1
        return [f"would reformat {display}"]
    try:
        write_text(path, new)
    except OSError as exc:
        tally.failed += 1
        return [f"{display}: not formatted: cannot write the file: {exc.strerror or exc}"]
    if cache is not None:
        _remember(cache, kind, new)  # format_text checked it: formatting it again changes nothing
    tally.changed += 1
    return [f"reformatted {display}"]


def _remember(cache: FmtCache, kind: str, canonical: str) -> None:
    """Add text that format_text gives back unchanged, as the bytes a canonical file holds."""
    blob = canonical.encode("utf-8")
    if not blob.startswith(codecs.BOM_UTF8):  # read back, the mark would be dropped: not canonical
        cache.add(kind, blob)


def _has_bom(path: Path) -> bool:
    with path.open("rb") as fh:
        return fh.read(3) == codecs.BOM_UTF8


def _summary(tally: Tally, dry: bool) -> str:
    def files(n: int) -> str:
        return f"{n} file{'' if n == 1 else 's'}"

    if dry:
        parts = [
            f"{files(tally.changed)} would be reformatted",
            f"{files(tally.unchanged)} would be left unchanged",
        ]
    else:
        parts = [f"{files(tally.changed)} reformatted", f"{files(tally.unchanged)} left unchanged"]
    if tally.failed:
        parts.append(f"{files(tally.failed)} not formatted")
    return ", ".join(parts)
