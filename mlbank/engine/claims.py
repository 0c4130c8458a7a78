"""A session's claim verdicts: settled ones kept by spec, the rest computed on a background thread.

A settled verdict (holds or fails, or a text refused by validation) is kept by spec for as long as
some file holds that spec, so an unchanged claim is never sent to the worker again (the claims
cache answers across sessions). Any other verdict says something about the machine, not the claim
(the deadline ran out, the claim took too long this time, the worker crashed or could not start):
it is shown, and asked again when its file changes or the whole bank is linted, as a cold lint
would (the claims cache keeps only holds and fails for the same reason).

A claim not known yet is queued; one consumer thread at a time runs the queue in the claims worker
this book keeps warm. Before each run it drops the specs no file holds any more (the text an editor
showed a keystroke ago), so the verdict of the text on screen never waits behind obsolete ones.

The bank-wide stage asks `judge(located, files, wait=...)` for the verdicts its claim rules see:
with `wait`, every verdict; without, only the known ones, so a claim whose verdict is still being
computed gets no finding yet. The session's thread and the consumer share the queue and the
computed verdicts under one lock; `wait` (for the server's other thread) only waits on it.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.claims.check import compute, settled
from mlbank.claims.spec import Verdict
from mlbank.claims.worker import Warm

if TYPE_CHECKING:
    from mlbank.claims.spec import ClaimSpec
    from mlbank.worked import Located

SETTLED = ("holds", "fails")  # the worker's verdicts that are about the claim itself
SPARE = 256  # verdicts of specs no file holds kept before the book forgets them (an undo is cheap)


class ClaimBook:
    """Claim verdicts by spec for one session, and the queue of those being computed."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.warm = Warm()
        self._known: dict[ClaimSpec, Verdict] = {}  # settled: kept while a file holds the spec
        self._passing: dict[ClaimSpec, Verdict] = {}  # not settled: asked again when retried
        self._held: dict[str, tuple[ClaimSpec, ...]] = {}  # each file's specs, by display path
        self._holders: Counter[ClaimSpec] = Counter()  # how many files hold each spec
        # shared with the consumer thread, under _lock:
        self._lock = threading.Condition()
        self._queue: dict[ClaimSpec, None] = {}  # waiting, in order
        self._running: tuple[ClaimSpec, ...] = ()
        self._arrived: dict[ClaimSpec, Verdict] = {}  # computed, not yet taken into the book
        self._consumer: threading.Thread | None = None
        self._consuming = False  # the consumer has not seen the queue empty yet
        self._closed = False

    def judge(self, located: Sequence[Located], files: Iterable[str] | None, *, wait: bool) -> Judged:
        """The claims `located` are now all that the files `files` hold (every file's, when None):
        queue those not known yet; the verdicts the rules will see."""
        self._hold(located, files)
        self.absorb()
        with self._lock:
            flying = {*self._queue, *self._running}
        new = [s for s in dict.fromkeys(c.spec for c in located) if not self._has(s) and s not in flying]
        todo = []
        for spec in new:
            verdict = settled(spec, self.cache_dir)
            if verdict is not None:
                self._known[spec] = verdict
            else:
                todo.append(spec)
        if todo:
            self._enqueue(todo)
        return Judged(self, located, wait)

    def retry(self, located: Iterable[Located] | None = None) -> None:
        """Forget the unsettled verdicts of `located`'s claims (all of them when None), so that they
        are asked again: their file changed, or the whole bank is linted again."""
        if located is None:
            self._passing.clear()
        else:
            for claim in located:
                self._passing.pop(claim.spec, None)

    def known(self, located: Sequence[Located]) -> list[tuple[Located, Verdict]]:
        return [(c, v) for c in located if (v := self._known.get(c.spec) or self._passing.get(c.spec))]

    def busy(self) -> bool:
        """A consumer thread is alive (the per-file stage must not fork now)."""
        consumer = self._consumer
        return self._consuming or (consumer is not None and consumer.is_alive())

    def wait(self, timeout: float | None) -> bool:
        """Block until nothing is queued or running (True), or `timeout` seconds pass (False).
        Changes nothing: safe on another thread than the session's."""
        with self._lock:
            return self._lock.wait_for(lambda: not self._queue and not self._running, timeout)

    def close(self) -> None:
        """Drop the queued claims and kill the warm worker; a batch already running is not started
        in a worker of its own (worker.Warm.close), and later batches each start one."""
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._lock.notify_all()
        self.warm.close()

    # --- parts ----------------------------------------------------------------------------------

    def _has(self, spec: ClaimSpec) -> bool:
        return spec in self._known or spec in self._passing

    def _hold(self, located: Sequence[Located], files: Iterable[str] | None) -> None:
        """Record which specs each file holds; forget verdicts no file needs once there are many."""
        now: dict[str, list[ClaimSpec]] = {display: [] for display in files or ()}
        for claim in located:
            now.setdefault(claim.doc.display, []).append(claim.spec)
        with self._lock:  # the consumer reads _holders to drop obsolete specs
            if files is None:
                self._held, self._holders = {}, Counter()
            for display, specs in now.items():
                self._holders.subtract(self._held.pop(display, ()))
                if specs:
                    self._held[display] = tuple(specs)
                    self._holders.update(specs)
            self._holders = +self._holders  # drop the zero counts
        if len(self._known) + len(self._passing) > len(self._holders) + SPARE:
            self._known = {s: v for s, v in self._known.items() if s in self._holders}
            self._passing = {s: v for s, v in self._passing.items() if s in self._holders}

    def absorb(self) -> None:
        """Take the verdicts computed meanwhile into the book."""
        with self._lock:
            arrived, self._arrived = self._arrived, {}
        for spec, verdict in arrived.items():
            (self._known if verdict.status in SETTLED else self._passing)[spec] = verdict

    def _enqueue(self, specs: list[ClaimSpec]) -> None:
        with self._lock:
            self._queue.update(dict.fromkeys(specs))
            if not self._consuming:
                if self._consumer is not None:
                    self._consumer.join()  # it left the lock for good: only its return is left
                self._consumer = threading.Thread(target=self._consume, name="mlbank-claims", daemon=True)
                try:
                    self._consumer.start()
                except RuntimeError as exc:  # no thread left: the claims say so, and the session goes on
                    self._arrived.update(dict.fromkeys(self._queue, _unstarted(exc)))
                    self._queue.clear()
                    self._consumer = None
                    return
                self._consuming = True

    def _consume(self) -> None:
        """Run the queue's live specs, batch after batch, until it is empty; then end (so that no
        thread is left when the per-file stage forks)."""
        while True:
            with self._lock:
                batch = tuple(s for s in self._queue if s in self._holders)
                self._queue.clear()
                self._running = batch
                warm = None if self._closed else self.warm  # after close: a worker per batch
                if not batch:
                    self._consuming = False
                    self._lock.notify_all()
                    return
            verdicts = _compute(list(batch), self.cache_dir, warm)
            with self._lock:
                self._arrived.update(zip(batch, verdicts, strict=True))
                self._running = ()
                self._lock.notify_all()


def _compute(specs: list[ClaimSpec], cache_dir: Path | None, warm: Warm | None) -> list[Verdict]:
    """The worker's verdicts; a worker that cannot start (no file descriptor, process or thread
    left) makes an unsettled verdict per claim instead of an error that would stop the session."""
    try:
        return compute(specs, cache_dir, warm=warm)
    except Exception as exc:
        return [_unstarted(exc) for _ in specs]


def _unstarted(exc: Exception) -> Verdict:
    return Verdict(
        "invalid",
        f"not checked: the claim checker could not start ({exc}); it is tried again when this file changes.",
    )


class Judged:
    """The claim verdicts one bank-wide stage's rules see (rules.base.ClaimVerdicts)."""

    def __init__(self, book: ClaimBook, located: Sequence[Located], wait: bool) -> None:
        self._book = book
        self._located = located
        self._wait = wait
        self._verdicts: list[tuple[Located, Verdict]] | None = None

    def result(self) -> list[tuple[Located, Verdict]]:
        if self._verdicts is None:
            if self._wait:
                self._book.wait(None)
            self._book.absorb()
            self._verdicts = self._book.known(self._located)
        return self._verdicts

    def missing(self) -> set[str]:
        """The files (display paths) with a claim whose verdict is still being computed."""
        judged = {id(c) for c, _ in self.result()}
        return {c.doc.display for c in self._located if id(c) not in judged}
