"""The one thread that lints for the editor server, so that typing never waits for a lint.

Handlers on the server's event loop only queue work here and return. Work is keyed by document:
the newest text of a document replaces an older one still waiting, so a burst of keystrokes costs
one lint of its last text, and a single edit is linted at once (no fixed delay). After each batch
the files whose findings changed are handed to `publish`, in the order the work was done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from mlbank.lsp.diagnostics import Published, changed_files
from mlbank.lsp.state import BankState

log = logging.getLogger(__name__)

Publish = Callable[[BankState, Published], None]


class Job(NamedTuple):
    """What to do for one document: lint its new `text`, or (text None) go back to the disk's.
    path None: lint the whole bank."""

    state: BankState
    path: Path | None
    text: str | None = None


class Linter:
    def __init__(self, publish: Publish, report: Callable[[str], None]) -> None:
        self._publish = publish
        self._report = report  # tells the user a lint failed (never a traceback on the wire)
        self._pending: dict[tuple[int, Path | None], Job] = {}
        self._wake = threading.Condition()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="mlbank-lint", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def submit(self, job: Job) -> None:
        """Queue a job; a job for the same document still waiting is dropped (superseded)."""
        with self._wake:
            key = (id(job.state), job.path)
            self._pending.pop(key, None)  # re-inserted last: work runs in the order it last changed
            self._pending[key] = job
            self._wake.notify()

    def stop(self, timeout: float = 30.0) -> None:
        """Finish the job under way, drop the rest, and end the thread."""
        with self._wake:
            self._stopping = True
            self._pending.clear()
            self._wake.notify()
        if self._thread.is_alive():
            self._thread.join(timeout)

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
                for job in jobs:
                    _apply(state, job)
                changed = changed_files(state.published, state.session.findings())
        except Exception as exc:  # a bug in a rule must not end the server: say so, keep serving
            log.exception("lint failed")
            self._report(f"mlbank: linting {state.root} failed: {type(exc).__name__}: {exc}")
            return
        if changed:
            self._publish(state, changed)


def _apply(state: BankState, job: Job) -> None:
    session = state.session
    if job.path is None:
        session.lint()
    elif job.text is None:
        session.close(job.path)
    else:
        session.update(job.path, job.text)
