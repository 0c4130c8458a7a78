"""`mlbank fmt`: rewrite bank files in canonical form, or report which ones are not.

Files already verified canonical are answered from mlbank.fmt_cache by their bytes; mlbank.formatter
(and so ruamel) is imported only when some file has to be formatted.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from mlbank import source
from mlbank.atomic import write_text
from mlbank.bank import display_path
from mlbank.config import ConfigError, find_config
from mlbank.fmt_cache import FmtCache
from mlbank.paths import kind_of
from mlbank.workspace import files_to_format


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


def resolve_files(paths: list[Path]) -> list[Path]:
    """The files to format (mlbank.workspace decides)."""
    return files_to_format(paths, find_config(Path.cwd()) if not paths else None)


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


def _format_one(
    path: Path, cwd: Path, options: FmtOptions, tally: Tally, cache: FmtCache | None
) -> list[str]:
    kind = kind_of(path)
    blob = source.read_bytes(path)[0] if cache is not None else None
    if cache is not None and blob is not None and cache.hit(kind, blob):
        tally.unchanged += 1
        return []
    from mlbank.formatter import FormatError, format_text, schema_header

    display = display_path(path, cwd)
    text, _, problem = source.read_source(path)
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
    if not source.has_bom(blob):  # read back, the mark would be dropped: not canonical
        cache.add(kind, blob)


def _has_bom(path: Path) -> bool:
    with path.open("rb") as fh:
        return source.has_bom(fh.read(3))


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
