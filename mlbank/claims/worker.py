"""Claims run in a separate process that is killed when it overruns; this module is both ends.

Why a process: with gmpy2 installed, sympy's ``factorial(10**8)`` ignores ``signal.alarm``, and
``exp(exp(exp(10)))`` hangs evalf. Static caps refuse what they can recognise; only killing a
process stops the rest. The worker also caps its own address space (RLIMIT_AS, 1 GiB) and CPU time,
so a runaway cannot exhaust the machine nor outlive a parent that died.

Why ``python -m mlbank.claims.worker`` and not multiprocessing: the "spawn" context re-imports the
parent's ``__main__`` (for the CLI that is click, pydantic and ruamel) and speaks pickle; "fork" is
unsafe with threads and not the default on macOS. A plain subprocess costs interpreter start-up plus
``import sympy`` and nothing else, speaks JSON (no pickle, so nothing on the pipe can run code), and
is killed by its pid. Measured on an idle 2-core machine (scripts/bench_claims.py, medians): Python
start 35 ms; a subprocess importing sympy 595 ms; multiprocessing "spawn" 700 ms even with a light
``__main__``; "fork" 470 ms but unsafe. Twelve bank claims take 0.65 s cold and 6 ms from the cache.

Protocol: the worker gets its CPU limit in seconds as its argument, sets its limits and imports sympy;
the parent writes one JSON object ``{"budget", "cpu", "claims"}`` per line to stdin; for each, the
worker allows itself ``cpu`` more seconds of CPU, prints ``{"ready": true}``, then one verdict per
line, in order, and reads the next request; the end of stdin ends it. Because the worker imports
sympy before it reads, lint can start it early (``Warm.prestart``) and hand it the claims later, and
a long-lived caller (an editor's session) keeps it warm between batches in a ``Warm`` it owns. The parent times each line: a claim whose verdict does not come within its
budget is killed with the worker and gets an "invalid" verdict; the claims after it go to a fresh
worker, so every claim still gets a verdict while the batch deadline lasts.
"""

from __future__ import annotations

import contextlib
import json
import math
import queue
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from mlbank.claims.spec import (
    ClaimSpec,
    Verdict,
    spec_from_json,
    spec_to_json,
    verdict_from_json,
    verdict_to_json,
)

MEMORY_LIMIT = 1 << 30  # bytes of address space for the worker
DEFAULT_CLAIM_BUDGET = 3.0  # seconds one claim may take
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder that holds mlbank/
_TIMEOUT = object()


def run_batch(
    specs: Sequence[ClaimSpec],
    deadline: float = 10.0,
    claim_budget: float | None = None,
    warm: Warm | None = None,
) -> list[Verdict]:
    """A verdict for every spec, in order, within ``deadline`` seconds of wall time in all. With
    ``warm``, the batch starts on its kept worker (if any) and leaves a worker that finished cleanly
    there for the next batch."""
    budget = min(DEFAULT_CLAIM_BUDGET if claim_budget is None else claim_budget, deadline)
    end = time.monotonic() + deadline
    verdicts: list[Verdict] = []
    while len(verdicts) < len(specs):
        pending = specs[len(verdicts) :]
        if time.monotonic() >= end:
            verdicts.extend(_not_reached(deadline) for _ in pending)
        elif warm is not None and warm.closed:
            verdicts.extend(_abandoned() for _ in pending)
        else:
            verdicts.extend(_Batch(pending, budget, end, deadline).run(warm))
    return verdicts


class _Process:
    """One started worker: its pipes and the temporary file its stderr goes to."""

    def __init__(self, cpu_seconds: int) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 - closed by kill()
        try:
            # cwd is the folder holding mlbank/: ``-m`` puts it first on sys.path, so the worker runs
            # this very copy of mlbank, and nothing in the user's own folder can shadow a module.
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "mlbank.claims.worker", str(cpu_seconds)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self.stderr,
                cwd=_PACKAGE_ROOT,
            )
        except BaseException:
            self.stderr.close()
            raise

    def ask(self, request: dict[str, Any], replies: int) -> tuple[queue.Queue[Any], threading.Thread]:
        """Send one request; a thread reads the `replies` lines it answers with, then ends (so no
        thread outlives a batch: the per-file stage forks, which must happen with no thread running)."""
        lines: queue.Queue[Any] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(self.popen.stdout, replies, lines), daemon=True)
        reader.start()
        assert self.popen.stdin is not None
        # The worker reads one line at a time and answers before it reads the next, so this cannot
        # deadlock (it may wait while a prestarted worker finishes importing sympy).
        with contextlib.suppress(OSError):
            self.popen.stdin.write(json.dumps(request).encode() + b"\n")
            self.popen.stdin.flush()
        return lines, reader

    def kill(self) -> None:
        self.popen.kill()
        self.popen.wait()
        for stream in (self.popen.stdin, self.popen.stdout, self.stderr):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class Warm:
    """At most one started worker, kept between batches by whoever owns this (a lint session keeps
    one for as long as it lives): passed to run_batch as an argument, never held in a module.
    Batches may take and keep it from several threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: _Process | None = None
        self._closed = False

    def prestart(self, deadline: float = 10.0) -> None:
        """Start a worker now so that it imports sympy while the caller does other work (lint's
        per-file stage); the next batch uses it. Call before forking: it starts no thread."""
        with self._lock:
            if self._kept is None and not self._closed:
                self._kept = _Process(math.ceil(deadline) + 2)

    @property
    def closed(self) -> bool:
        return self._closed

    def take(self) -> _Process | None:
        """The kept worker, if it is still alive (it may have died while it waited)."""
        with self._lock:
            kept, self._kept = self._kept, None
        if kept is not None and kept.popen.poll() is not None:
            kept.kill()  # reaps it and closes its pipes
            return None
        return kept

    def keep(self, process: _Process) -> None:
        """Keep a worker that finished a batch cleanly; one is enough, and a closed Warm keeps none."""
        with self._lock:
            kept = self._kept is None and not self._closed
            if kept:
                self._kept = process
        if not kept:
            process.kill()

    def close(self) -> None:
        """Kill the kept worker; from now on a batch handed this Warm starts no worker (its owner is
        gone: its claims get "not checked"). The owner hands later batches None instead."""
        with self._lock:
            self._closed = True
            kept, self._kept = self._kept, None
        if kept is not None:
            kept.kill()


class _Batch:
    """One worker process: feeds it the pending claims and collects verdicts until it stops."""

    def __init__(self, pending: Sequence[ClaimSpec], budget: float, end: float, deadline: float) -> None:
        self.pending = pending
        self.budget = budget
        self.end = end
        self.deadline = deadline

    def run(self, warm: Warm | None) -> list[Verdict]:
        cpu = math.ceil(self.deadline) + 2
        request = {"budget": self.budget, "cpu": cpu, "claims": [spec_to_json(spec) for spec in self.pending]}
        process = (warm.take() if warm is not None else None) or _Process(cpu)
        lines, reader = process.ask(request, 1 + len(self.pending))
        verdicts: list[Verdict] = []
        clean = False
        try:
            ready = _next_line(lines, self.end)
            if ready is _TIMEOUT:
                return [_not_reached(self.deadline) for _ in self.pending]
            if not isinstance(ready, dict) or ready.get("ready") is not True:
                return [_crashed(process.stderr) for _ in self.pending]
            clean = self._collect(lines, process.stderr, verdicts)
            return verdicts
        finally:
            if not clean:
                process.kill()  # stopped mid-claim, or dead: never reused
            reader.join(timeout=5)  # at once: it read every reply, or the kill ended its stream
            if clean and warm is not None:
                warm.keep(process)
            elif clean:
                process.kill()

    def _collect(self, lines: queue.Queue[Any], stderr: IO[bytes], verdicts: list[Verdict]) -> bool:
        """Append a verdict per pending claim; False when the worker had to stop (it is killed and
        the rest go to a fresh one)."""
        for _ in self.pending:
            claim_end = time.monotonic() + self.budget
            line = _next_line(lines, min(claim_end, self.end))
            if line is _TIMEOUT:
                verdicts.append(self._timed_out(claim_end))
                return False
            try:
                verdicts.append(verdict_from_json(line))
            except ValueError:
                verdicts.append(_crashed(stderr))
                return False
        return True

    def _timed_out(self, claim_end: float) -> Verdict:
        if claim_end <= self.end:
            return Verdict(
                "invalid",
                f"checking this claim took longer than {self.budget:g} s, so it was stopped: "
                "simplify the expression or use smaller numbers.",
            )
        return Verdict(
            "invalid",
            f"the {self.deadline:g} s deadline for checking all claims ran out during this claim: "
            "check fewer claims at once or simplify the slow ones.",
        )


def _not_reached(deadline: float) -> Verdict:
    return Verdict(
        "invalid",
        f"not checked: the {deadline:g} s deadline for checking all claims ran out before this "
        "claim's turn; rerun with a longer deadline.",
    )


def _abandoned() -> Verdict:
    return Verdict("invalid", "not checked: the lint session that asked for this claim was shut down.")


def _crashed(stderr: IO[bytes]) -> Verdict:
    stderr.seek(0)
    lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
    detail = f" ({lines[-1][:200]})" if lines else ""
    return Verdict(
        "invalid",
        f"the claim checker stopped unexpectedly on this claim{detail}: report this as a bug.",
    )


def _read_lines(stream: IO[bytes] | None, count: int, lines: queue.Queue[Any]) -> None:
    """Parse the `count` lines a request is answered with; None marks a worker that ended first,
    so a dead worker is seen at once."""
    for _ in range(count):
        raw = stream.readline() if stream is not None else b""
        if not raw:
            lines.put(None)
            return
        try:
            lines.put(json.loads(raw))
        except ValueError:
            lines.put({"unreadable": True})


def _next_line(lines: queue.Queue[Any], until: float) -> Any:
    try:
        return lines.get(timeout=max(0.0, until - time.monotonic()))
    except queue.Empty:
        return _TIMEOUT


# --- the worker's side ------------------------------------------------------------------------


def main() -> int:
    _limit_resources(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
    from mlbank.claims.evaluate import evaluate_claim, warm_up  # sympy: only here, in the worker

    warm_up()  # before reading a request: a prestarted worker gets ready while the parent works
    # One request per line, answered before the next is read; the end of stdin (the parent closed
    # it, or died) ends the worker.
    while line := sys.stdin.readline():
        request = json.loads(line)
        _allow_cpu(int(request.get("cpu", 12)))
        _emit({"ready": True})
        budget = float(request["budget"])
        for item in request["claims"]:
            _emit(verdict_to_json(_evaluate(evaluate_claim, item, budget)))
    return 0


def _evaluate(evaluate_claim: Any, item: Any, budget: float) -> Verdict:
    try:
        verdict: Verdict = evaluate_claim(spec_from_json(item), budget)
    except MemoryError:
        return Verdict(
            "invalid",
            f"checking this claim needed more than {MEMORY_LIMIT >> 20} MiB of memory: use smaller numbers.",
        )
    except RecursionError:
        return Verdict("invalid", "the claim is nested too deeply to evaluate: simplify it.")
    except Exception as err:  # one broken claim must not cost the others their verdicts
        return Verdict(
            "invalid",
            f"the claim checker failed on this claim ({type(err).__name__}: {err}): report this as a bug.",
        )
    return verdict


def _limit_resources(cpu_seconds: int) -> None:
    try:
        import resource
    except ImportError:  # not on Windows: the parent's kill is then the only limit
        return
    for limit, value in ((resource.RLIMIT_AS, MEMORY_LIMIT), (resource.RLIMIT_CPU, cpu_seconds)):
        _set_soft_limit(limit, value)


def _allow_cpu(cpu_seconds: int) -> None:
    """A kept worker answers many requests: each may use `cpu_seconds` more than those before (the
    CPU limit counts the process's whole life)."""
    try:
        import resource
    except ImportError:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    _set_soft_limit(resource.RLIMIT_CPU, math.ceil(used.ru_utime + used.ru_stime) + cpu_seconds)


def _set_soft_limit(limit: int, value: int) -> None:
    import resource

    _, hard = resource.getrlimit(limit)
    soft = value if hard == resource.RLIM_INFINITY else min(value, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(limit, (soft, hard))


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
