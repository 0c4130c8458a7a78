"""A session's claim verdicts: known ones by spec, the rest computed on a background thread.

An unchanged claim is never sent to the worker again: its verdict is kept here by spec (or read
from the claims cache). A claim not yet known goes to a batch that runs on its own thread, in the
claims worker this book keeps warm for the session's life. Batches take turns on that worker.

The bank-wide stage asks `judge(located, wait=...)` for the verdicts its claim rules see: with
`wait`, every verdict (the rules wait for the batch, which has run meanwhile); without, only the
known ones, so a claim whose verdict is still being computed gets no finding yet. Only the session's
thread changes the book; `wait` (for the server's other thread) only joins batches.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.claims.check import compute, settled
from mlbank.claims.worker import Warm

if TYPE_CHECKING:
    from mlbank.claims import ClaimSpec, Verdict
    from mlbank.worked import Located


class _Batch:
    """Verdicts of new claims, computed on a thread (the work happens in the claims worker)."""

    def __init__(
        self, specs: list[ClaimSpec], cache_dir: Path | None, warm: Warm, turn: threading.Lock
    ) -> None:
        self.specs = specs
        self._cache_dir = cache_dir
        self._warm = warm
        self._turn = turn
        self._verdicts: list[Verdict] = []
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._compute, daemon=True)
        self._thread.start()

    def _compute(self) -> None:
        try:
            with self._turn:  # one batch at a time on the one warm worker
                self._verdicts = compute(self.specs, self._cache_dir, warm=self._warm)
        except BaseException as exc:  # re-raised on the session's thread by result()
            self._error = exc

    def done(self) -> bool:
        return not self._thread.is_alive()

    def join(self, timeout: float | None = None) -> bool:
        self._thread.join(timeout)
        return self.done()

    def result(self) -> list[Verdict]:
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._verdicts


class ClaimBook:
    """Claim verdicts by spec for one session, and the batches computing the ones not known yet."""

    def __init__(self, cache_dir: Path | None) -> None:
        self.cache_dir = cache_dir
        self.warm = Warm()
        self._known: dict[ClaimSpec, Verdict] = {}
        self._batches: tuple[_Batch, ...] = ()  # replaced whole, so another thread reads it safely
        self._turn = threading.Lock()

    def judge(self, located: Sequence[Located], *, wait: bool) -> Judged:
        """Start computing the claims not known yet; the verdicts the rules will see."""
        self.absorb(wait=False)
        flying = {spec for batch in self._batches for spec in batch.specs}
        new = [s for s in dict.fromkeys(c.spec for c in located) if s not in self._known and s not in flying]
        for spec in new:
            verdict = settled(spec, self.cache_dir)
            if verdict is not None:
                self._known[spec] = verdict
        todo = [spec for spec in new if spec not in self._known]
        if todo:
            self._batches = (*self._batches, _Batch(todo, self.cache_dir, self.warm, self._turn))
        return Judged(self, located, wait)

    def known(self, located: Sequence[Located]) -> list[tuple[Located, Verdict]]:
        return [(c, self._known[c.spec]) for c in located if c.spec in self._known]

    def busy(self) -> bool:
        """A batch is still computing."""
        return not all(batch.done() for batch in self._batches)

    def wait(self, timeout: float | None) -> bool:
        """Block until every batch started so far is done (True), or `timeout` seconds pass (False).
        Changes nothing: safe on another thread than the session's."""
        end = None if timeout is None else time.monotonic() + timeout
        for batch in self._batches:
            if not batch.join(None if end is None else max(0.0, end - time.monotonic())):
                return False
        return True

    def absorb(self, *, wait: bool) -> None:
        """Move finished batches' verdicts into the book (all batches' when `wait`)."""
        finished = [b for b in self._batches if wait or b.done()]
        for batch in finished:
            self._known.update(zip(batch.specs, batch.result(), strict=True))
        self._batches = tuple(b for b in self._batches if b not in finished)

    def close(self) -> None:
        """Kill the warm worker; a batch still running finishes within its deadline."""
        self.warm.close()


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
                self._book.absorb(wait=True)
            self._verdicts = self._book.known(self._located)
        return self._verdicts

    def missing(self) -> set[str]:
        """The files (display paths) with a claim whose verdict is still being computed."""
        judged = {id(c) for c, _ in self.result()}
        return {c.doc.display for c in self._located if id(c) not in judged}
