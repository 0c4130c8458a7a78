"""Linting a large bank on every core: per-file rules in worker processes, bank-wide rules here.

Most rules judge one question file against bank.yaml and topics.yaml, so the question files are cut
into shards and each worker loads, validates and lints its shards. A worker sends back its findings
and, per question, a slim copy of the document (its text and the keys the bank-wide rules read: id,
topics, references) plus the facts those rules would otherwise derive from the full document
(suppression comments, near-duplicate fingerprints, claim specs); positions are parsed again from the
text only for a document that gets a bank-wide finding. The parent then runs the bank-wide rules (duplicate ids, references
between questions, unused topics, near duplicates, claims) over the slim copies and lints bank.yaml
and topics.yaml itself. The result is the same list of findings as mlbank.lint.lint_bank gives; the
parent never holds every full document, which keeps memory flat as the bank grows. What a worker
returns per file is also what mlbank.file_results remembers, so a later run lints only the files
that changed and takes the rest from there.

Workers are forked (Linux only): a fork shares the parent's imported modules, so a worker starts in
milliseconds instead of re-importing pydantic and ruamel. Fork happens before any thread exists
in the parent (the claims thread starts after the workers are done). Elsewhere, and for small banks, everything runs here.
"""

from __future__ import annotations

import gc
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlbank.bank import Bank, load_bank, load_meta, load_questions
from mlbank.file_results import FileResults, Remembered
from mlbank.finding import Finding
from mlbank.lint import Selection, finish, lint_bank, run_rules, uses_claims
from mlbank.loader import Document
from mlbank.paths import question_files
from mlbank.rules.base import Context, Rule, is_bank_wide

# What the bank-wide rules read of a question's data (MB203 topics, MB205 see and id, MB206 id, section
# and review, MB209 label); their other inputs come as DocFacts (claims, fingerprints, suppressions).
SLIM_KEYS = frozenset({"id", "topics", "see", "label", "section", "review"})
NEAR_DUPLICATE = "MB500"
MIN_FILES_PER_JOB = 250  # below this, forking and shipping results cost more than they save
SHARD_FILES = 250  # files per task: small shards even out the workers and bound their memory

_WORKER: dict[str, Any] = {}  # what a forked worker inherits: set before the pool starts


def lint_root(
    root: Path,
    selection: Selection,
    cache_dir: Path | None = None,
    jobs: int | None = None,
    remembered: FileResults | None = None,
) -> list[Finding]:
    """Every finding for the bank at `root`, sorted, using up to `jobs` processes (None: one per core).

    With `remembered`, question files whose results it holds are not linted again, and it is
    updated with this run's results."""
    files = question_files(root)
    if remembered is None and plan_jobs(len(files), jobs) <= 1:
        return lint_bank(load_bank(root), selection, cache_dir=cache_dir)
    from mlbank.claims import worker

    meta, topics = load_meta(root)
    reused = _recall(remembered, meta, topics, files) if remembered is not None else {}
    todo = [f for f in files if f not in reused]
    active = list(selection.active())
    _WORKER.update(root=root, meta=meta, topics=topics, selection=selection, cwd=Path.cwd())
    if todo and uses_claims(active) and _nothing_cached(cache_dir):
        worker.prestart()  # sympy imports on its own while the files are linted
    try:
        fresh = dict(zip(todo, _lint_files(todo, jobs), strict=True))
        if remembered is not None:
            for path, found in fresh.items():
                remembered.remember(path, found)
        ordered = [reused[f] if f in reused else fresh[f] for f in files]
        findings = _bank_stage(Bank(root, meta, topics, ()), ordered, selection, active, cache_dir)
        if remembered is not None:
            remembered.save()
        return findings
    finally:
        _WORKER.clear()
        worker.discard_spare()


def _recall(
    remembered: FileResults, meta: Document | None, topics: Document | None, files: list[Path]
) -> dict[Path, Remembered]:
    """The files whose stored results still hold: same bytes, same context."""
    remembered.bind(meta, topics)
    if not remembered.holds_any:
        return {}  # the first run, or the context changed: nothing to look up (or hash) per file
    found = {}
    for path in files:
        hit = remembered.recall(path)
        if hit is not None:
            found[path] = hit
    return found


def _lint_files(files: list[Path], jobs: int | None) -> list[Remembered]:
    """Each file's per-file results, in order: in worker processes when there are enough files."""
    workers = plan_jobs(len(files), jobs)
    if workers > 1:
        shards = split(files, max(workers, -(-len(files) // SHARD_FILES)))
        results = _run_workers(workers, shards)
        if results is not None:
            return [found for shard in results for found in shard]
    return _lint_shard(files) if files else []


def _bank_stage(
    meta_only: Bank,
    results: list[Remembered],
    selection: Selection,
    active: list[Rule],
    cache_dir: Path | None,
) -> list[Finding]:
    """In the parent: bank.yaml and topics.yaml, then the bank-wide rules over the slim questions."""
    findings = [f for found in results for f in found.findings]
    questions = tuple(r.doc for r in results)
    ctx = Context(replace(meta_only, questions=questions), cache_dir=cache_dir, options=selection.options)
    for found in results:
        ctx.prime(found.doc, found.facts)
    bank_wide = [r for r in active if is_bank_wide(r)]
    if uses_claims(bank_wide):
        ctx.start_claims()  # first: the claims worker computes while the rest runs
    findings += run_rules(
        Context(meta_only, options=selection.options), [r for r in active if not is_bank_wide(r)]
    )
    findings += run_rules(ctx, bank_wide)
    return finish(ctx, findings, selection)


def _nothing_cached(cache_dir: Path | None) -> bool:
    """No claim verdict can come from the cache, so the claims worker will surely be needed."""
    return cache_dir is None or not cache_dir.is_dir() or not any(cache_dir.iterdir())


def plan_jobs(files: int, jobs: int | None) -> int:
    """How many processes: one per core (or `jobs`), fewer when each would have little to do."""
    if not sys.platform.startswith("linux"):
        return 1  # fork is the only start method that starts workers without re-importing everything
    wanted = jobs if jobs is not None else len(os.sched_getaffinity(0))
    if jobs is None:
        wanted = min(wanted, files // MIN_FILES_PER_JOB)
    return max(1, min(wanted, files))


def split(files: list[Path], parts: int) -> list[list[Path]]:
    """Consecutive runs of files, so the slim documents come back in bank order."""
    size = -(-len(files) // max(1, parts))
    return [files[i : i + size] for i in range(0, len(files), size)]


def _run_workers(jobs: int, shards: list[list[Path]]) -> list[list[Remembered]] | None:
    """The shards' results in order, or None when this system cannot start worker processes."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # Workers inherit _WORKER (bank.yaml and topics.yaml as loaded, the selection) through fork.
    # Objects that exist now are never garbage to a worker: frozen, the cyclic collector skips them,
    # so it neither spends time on them nor touches (and copies) the pages the workers share.
    gc.freeze()
    try:
        try:
            context = multiprocessing.get_context("fork")
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


def _start_worker() -> None:
    # A worker lives for one lint run and its shards' data holds no reference cycles: reference
    # counting frees it, so the cyclic collector would only cost time (about a tenth, measured).
    gc.disable()


def _lint_shard(files: list[Path]) -> list[Remembered]:
    """Load question files and run the per-file rules over them (in a worker, or here): per file,
    its findings, its slim copy and the facts the bank-wide rules need."""
    w = _WORKER
    selection: Selection = w["selection"]
    docs = load_questions(files, w["cwd"])
    ctx = Context(
        Bank(w["root"], w["meta"], w["topics"], docs, questions_only=True), options=selection.options
    )
    active = list(selection.active())
    by_file: dict[str, list[Finding]] = {doc.display: [] for doc in docs}
    for finding in run_rules(ctx, [r for r in active if not is_bank_wide(r)]):
        by_file[finding.path].append(finding)
    prints = any(r.RULE.code == NEAR_DUPLICATE for r in active)
    claims = uses_claims(active)
    return [
        Remembered(
            by_file[doc.display],
            doc.slim(SLIM_KEYS),
            ctx.facts(doc, fingerprints=prints, claims=claims),
        )
        for doc in docs
    ]
