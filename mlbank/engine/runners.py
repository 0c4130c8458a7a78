"""Running the per-file stage over many question files: here, or in worker processes.

Question files are cut into shards and each worker loads, validates and lints its shards, sending
back one FileResult per file. Everything a worker needs travels with its task (the StageInput and
the shard's paths, plus any unsaved texts): no state is left in a module for workers to find, so two
sessions can run at once. The parent never holds every full document, which keeps memory flat as the
bank grows.

Workers are forked (Linux only): a fork shares the parent's imported modules, so a worker starts in
milliseconds instead of re-importing pydantic and ruamel. A fork copies only the forking thread, and
any lock another thread held at that moment stays held in the child for ever (seen: an editor
server's lint hung). So a process that runs other threads (the editor server, a CLI lint with a
claims batch in flight) starts its workers from a fork server instead: a clean single-threaded
process that imports this module once and forks the workers from there. Elsewhere, and for small
banks, everything runs here.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

from mlbank.bank import display_path, load_questions, validator
from mlbank.engine.record import FileResult
from mlbank.engine.stages import StageInput, file_stage
from mlbank.loader import Document, load_document
from mlbank.source import Source

MIN_FILES_PER_JOB = 250  # below this, forking and shipping results cost more than they save
SHARD_FILES = 250  # files per task: small shards even out the workers and bound their memory


class Shard(NamedTuple):
    """One task: question files to load and lint, where their paths are shown from, and the texts
    of those that are open in an editor (they win over the files on disk)."""

    given: StageInput
    files: list[Path]
    base: Path
    texts: Mapping[Path, Source]


def run_file_stage(
    given: StageInput,
    files: list[Path],
    base: Path,
    texts: Mapping[Path, Source] | None = None,
    jobs: int | None = None,
) -> list[FileResult]:
    """Each file's FileResult, in order: in worker processes when there are enough files."""
    texts = texts or {}
    workers = plan_jobs(len(files), jobs)
    if workers > 1:
        shards = [
            Shard(given, part, base, {p: texts[p] for p in part if p in texts})
            for part in split(files, max(workers, -(-len(files) // SHARD_FILES)))
        ]
        results = _run_workers(workers, shards)
        if results is not None:
            return [found for shard in results for found in shard]
    return _lint_shard(Shard(given, files, base, texts)) if files else []


def plan_jobs(files: int, jobs: int | None) -> int:
    """How many processes: one per core (or `jobs`), fewer when each would have little to do."""
    if not sys.platform.startswith("linux"):
        return 1  # fork is the only start method that starts workers without re-importing everything
    wanted = jobs if jobs is not None else len(os.sched_getaffinity(0))
    if jobs is None:
        wanted = min(wanted, files // MIN_FILES_PER_JOB)
    return max(1, min(wanted, files))


def split(files: list[Path], parts: int) -> list[list[Path]]:
    """Consecutive runs of files, so the results come back in bank order."""
    size = -(-len(files) // max(1, parts))
    return [files[i : i + size] for i in range(0, len(files), size)]


def _run_workers(jobs: int, shards: list[Shard]) -> list[list[FileResult]] | None:
    """The shards' results in order, or None when this system cannot start worker processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Objects that exist now are never garbage to a worker: frozen, the cyclic collector skips them,
    # so it neither spends time on them nor touches (and copies) the pages the workers share.
    gc.freeze()
    try:
        try:
            context = multiprocessing.get_context(_start_method())
            if context.get_start_method() == "forkserver":
                # imported once by the fork server, so each worker forked from it starts warm
                context.set_forkserver_preload(["mlbank.engine.runners"])
            pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start_worker)
        except (OSError, ValueError, ImportError):  # no fork, no semaphores (/dev/shm): one process then
            return None
        with pool:
            try:
                return list(pool.map(_lint_shard, shards))
            except BrokenProcessPool:
                raise RuntimeError(
                    "a lint worker process died (killed, or out of memory): "
                    "rerun with --jobs 1 to lint in one process"
                ) from None
    finally:
        gc.unfreeze()


def _start_method() -> str:
    """ "fork" while this is the process's only thread; else a fork server (see the docstring)."""
    import threading

    return "fork" if threading.active_count() == 1 else "forkserver"


def _start_worker() -> None:
    # A worker lives for one lint run and its shards' data holds no reference cycles: reference
    # counting frees it, so the cyclic collector would only cost time (about a tenth, measured).
    gc.disable()


def _lint_shard(shard: Shard) -> list[FileResult]:
    """Load a shard's question files (from disk, or the editor's text) and run the per-file stage."""
    on_disk = [p for p in shard.files if p not in shard.texts]
    loaded = dict(zip(on_disk, load_questions(on_disk, shard.base), strict=True)) if on_disk else {}
    docs = [loaded[p] if p in loaded else _from_text(p, shard.base, shard.texts[p]) for p in shard.files]
    return file_stage(shard.given, docs)


def _from_text(path: Path, base: Path, text: Source) -> Document:
    return load_document(path, display_path(path, base), validator("question"), text)
