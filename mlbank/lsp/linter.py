"""The one thread that lints for the editor server, so that typing never waits for a lint.

Handlers on the server's event loop only queue work here and return. Work is keyed by document:
the newest text of a document replaces an older one still waiting, so a burst of keystrokes costs
one lint of its last text, and a single edit is linted at once (no fixed delay). After each batch
the files whose findings changed are handed to `publish`, in the order the work was done.

Claims never hold a lint up: the session lints without waiting for claim verdicts it does not know
yet (the claim rules judge the others), the findings are published at once, and a waiter thread
(one per bank at a time) waits for the verdicts without the bank's lock, then queues a "claims"
job that completes the findings and publishes again.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

from mlbank.lsp.diagnostics import Published, changed_files
from mlbank.lsp.state import BankState

log = logging.getLogger(__name__)

Publish = Callable[[BankState, Published], None]
Kind = Literal["edit", "close", "lint", "claims", "drop"]


class Job(NamedTuple):
    """One piece of work for a bank: lint a document's new text (edit), take it back from the disk
    (close), lint the whole bank (lint), complete the findings with new claim verdicts (claims), or
    let the bank go (drop: its diagnostics cleared, its claims worker stopped, nothing more done)."""

    state: BankState
    kind: Kind
    path: Path | None = None
    text: str | None = None

    def key(self) -> tuple[int, Path | str]:
        """Jobs with the same key supersede each other: only the newest one is done."""
        return (id(self.state), self.path if self.path is not None else self.kind)


class Linter:
    def __init__(self, publish: Publish, report: Callable[[str], None]) -> None:
        self._publish = publish
        self._report = report  # tells the user a lint failed (never a traceback on the wire)
        self._pending: dict[tuple[int, Path | str], Job] = {}
        self._waiting: set[int] = set()  # banks (by id) whose claims a waiter thread waits for
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mlbank-lint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue a job; a job with the same key still waiting is dropped (superseded)."""
        with self._wake:
            if self._stopping:
                return
            self._pending.pop(job.key(), None)  # re-inserted last: work runs in the order it came
            self._pending[job.key()] = job
            self._wake.notify()

    def stop(self) -> None:
        """Drop the jobs waiting and end the thread after the job under way (not waited for)."""
        with self._wake:
            self._stopping = True
            self._pending.clear()
            self._wake.notify()

    def _run(self) -> None:
        while True:
            with self._wake:
                while not self._pending and not self._stopping:
                    self._wake.wait()
                if self._stopping:
                    return
                batch = list(self._pending.values())
                self._pending.clear()
            for state in dict.fromkeys(job.state for job in batch):
                self._lint(state, [job for job in batch if job.state is state])

    def _lint(self, state: BankState, jobs: list[Job]) -> None:
        try:
            with state.lock:
                if state.dropped:
                    return
                if any(job.kind == "drop" for job in jobs):
                    changed, pending = _drop(state), False
                else:
                    for job in jobs:
                        _apply(state, job)
                    if state.dropped:  # let go while this lint ran (the server is shutting down)
                        state.session.shutdown()
                        return
                    changed = changed_files(state.published, state.session.findings())
                    pending = state.session.claims_pending()
        except Exception as exc:  # a bug in a rule must not end the server: say so, keep serving
            log.exception("lint failed")
            self._report(f"mlbank: linting {state.root} failed: {type(exc).__name__}: {exc}")
            return
        if changed:
            self._publish(state, changed)
        if pending:
            self._await_claims(state)
        if any(
            job.kind == "lint" or (job.path is not None and job.path.parent == state.root) for job in jobs
        ):
            _freeze()

    def _await_claims(self, state: BankState) -> None:
        """Start a waiter for the bank's claim verdicts, unless one is waiting already."""
        with self._wake:
            if id(state) in self._waiting or self._stopping:
                return
            self._waiting.add(id(state))

        def wait() -> None:
            state.session.wait_claims(None)  # the worker's deadlines bound this; no lock needed
            with self._wake:
                self._waiting.discard(id(state))
            self.submit(Job(state, "claims"))

        threading.Thread(target=wait, name="mlbank-claims-wait", daemon=True).start()


def _freeze() -> None:
    """After a whole-bank lint (the first, or bank.yaml or topics.yaml changed): what the sessions
    hold now lives until the next one, so it is moved out of the cyclic collector's sight (gc.freeze);
    otherwise every full collection walks all of it again, which doubled an edit's CPU time at 10k
    questions. Unfrozen and collected first, so what the last whole-bank lint left is freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _drop(state: BankState) -> Published:
    """Let a bank go: what to publish to clear its diagnostics."""
    state.dropped = True
    state.session.shutdown()
    cleared: Published = dict.fromkeys(state.published, ())
    state.published.clear()
    return cleared


def _apply(state: BankState, job: Job) -> None:
    session = state.session
    if job.kind == "edit":
        assert job.path is not None
        session.update(job.path, job.text, wait_claims=False)
    elif job.kind == "close":
        assert job.path is not None
        session.close(job.path, wait_claims=False)
    elif job.kind == "lint":
        session.lint(wait_claims=False)
    elif session.wait_claims(0):  # "claims": complete, unless a newer edit started more (then its
        session.finish_claims()  # own waiter comes back for them)
