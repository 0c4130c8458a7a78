"""`mlbank fmt`: rewrite bank files in canonical form, or report which ones are not.

Files already verified canonical are answered from mlbank.fmt_cache by their bytes; mlbank.formatter
(and so ruamel) is imported only when some file has to be formatted. The formatter recognises a file
that is already canonical without ruamel's round trip (mlbank.formatter.is_canonical); the files left
to format are spread over worker processes when there are many, with lint's job plan
(mlbank.engine.runners.plan_jobs), and reported in the order of the files, whichever process formatted them.
"""

from __future__ import annotations

import difflib
import functools
import gc
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, NamedTuple

from mlbank import exit_codes, source
from mlbank.atomic import write_text
from mlbank.bank import display_path
from mlbank.commands import CommandResult
from mlbank.config import ConfigError, find_config
from mlbank.fmt_cache import FmtCache
from mlbank.paths import kind_of
from mlbank.workspace import files_to_format


@dataclass(frozen=True)
class FmtOptions:
    check: bool = False  # report, write nothing
    diff: bool = False  # print a unified diff, write nothing
    cache: bool = True  # skip files whose exact bytes were verified canonical before
    jobs: int | None = None  # processes for many files; None: lint's plan (mlbank.engine.runners.plan_jobs)


Status = Literal["changed", "unchanged", "failed"]  # a Tally field


class Outcome(NamedTuple):
    """What formatting one file came to."""

    status: Status
    lines: list[str]  # what to print for it
    verified: bool = False  # the file now holds text fmt verified canonical (for the cache): `written`,
    # or else the bytes the cache was asked about (the worker need not send those back)
    written: str | None = None


Job = tuple[Path, bytes | None]  # a file to format, and the bytes the cache was asked about


@dataclass
class Tally:
    changed: int = 0
    unchanged: int = 0
    failed: int = 0

    def count(self, status: Status) -> None:
        setattr(self, status, getattr(self, status) + 1)


def resolve_files(paths: list[Path]) -> list[Path]:
    """The files to format (mlbank.workspace decides)."""
    return files_to_format(paths, find_config(Path.cwd()) if not paths else None)


def run_fmt(paths: list[Path], options: FmtOptions) -> CommandResult:
    cwd = Path.cwd()
    files = resolve_files(paths)
    cache = _cache(cwd) if options.cache else None
    outcomes: list[Outcome | None] = []
    blobs: list[bytes | None] = []
    todo: list[Job] = []
    for path in files:
        blob = source.read_bytes(path)[0] if cache is not None else None
        if cache is not None and blob is not None and cache.hit(kind_of(path), blob):
            outcomes.append(Outcome("unchanged", []))
            blob = None  # nothing to add
        else:
            outcomes.append(None)
            todo.append((path, blob))
        blobs.append(blob)
    formatted = iter(_format_all(todo, cwd, options))
    out: list[str] = []
    tally = Tally()
    for path, known, blob in zip(files, outcomes, blobs, strict=True):
        outcome = known if known is not None else next(formatted)
        tally.count(outcome.status)
        out.extend(outcome.lines)
        if cache is not None and outcome.verified:
            canonical = outcome.written.encode("utf-8") if outcome.written is not None else blob
            assert canonical is not None
            _remember(cache, kind_of(path), canonical)
    if cache is not None:
        cache.save()
    dry = options.check or options.diff
    if not options.diff:
        out.append(_summary(tally, dry))
    failed = tally.failed or (dry and tally.changed)
    return CommandResult(exit_codes.FINDINGS if failed else exit_codes.OK, "\n".join(out))


def _format_all(todo: list[Job], cwd: Path, options: FmtOptions) -> list[Outcome]:
    """Each file's outcome, in order: in worker processes for many files, as lint plans them
    (mlbank.engine.runners.plan_jobs), else here."""
    if not todo:
        return []
    from mlbank.engine.runners import SHARD_FILES, plan_jobs

    workers = plan_jobs(len(todo), options.jobs)
    if workers > 1:
        size = -(-len(todo) // max(workers, -(-len(todo) // SHARD_FILES)))
        shards = [todo[i : i + size] for i in range(0, len(todo), size)]
        done = _in_workers(workers, shards, cwd, options)
        if done is not None:
            return done
    return _format_shard(todo, cwd, options)


def _in_workers(
    workers: int, shards: list[list[Job]], cwd: Path, options: FmtOptions
) -> list[Outcome] | None:
    """The shards' outcomes in order, or None when this system cannot start worker processes.

    Workers are forked, as lint's are (mlbank.engine.runners): they share the formatter imported here, and
    objects that exist now are frozen so that the cyclic collector does not touch (and copy) them.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from mlbank.formatter.key_order import key_orders

    for kind in ("bank", "topics", "question"):
        key_orders(kind)  # imports the models once, before the fork
    gc.freeze()
    try:
        try:
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
        except (OSError, ValueError, ImportError):  # no fork, no semaphores (/dev/shm): one process then
            return None
        with pool:
            try:
                done = pool.map(functools.partial(_format_shard, cwd=cwd, options=options), shards)
                return [outcome for shard in done for outcome in shard]
            except BrokenProcessPool:
                raise RuntimeError(
                    "an fmt worker process died (killed, or out of memory): "
                    "rerun with --jobs 1 to format in one process"
                ) from None
    finally:
        gc.unfreeze()


def _format_shard(jobs: list[Job], cwd: Path, options: FmtOptions) -> list[Outcome]:
    from mlbank.formatter import schema_header

    # The schema line depends only on the folder (finding it stats every folder up to the project
    # root: a quarter of a canonical file's time when done per file), so it is looked up once each.
    headers: dict[tuple[Path, str], str] = {}
    outcomes = []
    for path, blob in jobs:
        kind = kind_of(path)
        if (path.parent, kind) not in headers:
            headers[path.parent, kind] = schema_header(path, kind)
        outcomes.append(_format_one(path, blob, cwd, options, headers[path.parent, kind]))
    return outcomes


def _cache(cwd: Path) -> FmtCache | None:
    """The cache of the configuration in effect here; None when that configuration is unreadable."""
    from mlbank.cache import cache_dir_for

    try:
        return FmtCache(cache_dir_for(find_config(cwd).root))
    except ConfigError:
        return None  # files given by path are formatted without reading the configuration


def _format_one(path: Path, blob: bytes | None, cwd: Path, options: FmtOptions, header: str) -> Outcome:
    """Format one file (`blob`: the bytes the cache was asked about, None without a cache), adding
    the schema line `header` if it has none."""
    from mlbank.formatter import FormatError, format_text

    kind = kind_of(path)
    display = display_path(path, cwd)
    text, _, problem = source.read_source(path)
    if text is None:
        assert problem is not None
        return Outcome("failed", [f"{display}: not formatted: {problem.message}"])
    try:
        new = format_text(text, kind, header)
    except FormatError as exc:
        return Outcome("failed", [f"{display}: not formatted: {exc}"])
    if new == text and not _has_bom(path):
        # Only if the bytes read above are the ones just verified (the file may have changed since).
        return Outcome("unchanged", [], verified=blob == new.encode("utf-8"))
    if options.diff:
        diff = difflib.unified_diff(text.splitlines(), new.splitlines(), display, display, lineterm="")
        return Outcome(
            "changed", list(diff) or [f"{display}: only line endings or the byte-order mark would change"]
        )
    if options.check:
        return Outcome("changed", [f"would reformat {display}"])
    try:
        write_text(path, new)
    except OSError as exc:
        return Outcome("failed", [f"{display}: not formatted: cannot write the file: {exc.strerror or exc}"])
    # format_text checked it: formatting it again changes nothing
    return Outcome("changed", [f"reformatted {display}"], options.cache, new if options.cache else None)


def _remember(cache: FmtCache, kind: str, blob: bytes) -> None:
    """Add the bytes of text that format_text gives back unchanged."""
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
