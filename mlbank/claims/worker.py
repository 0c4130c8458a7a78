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
the parent writes one JSON object ``{"budget", "claims"}`` to stdin and closes it;
the worker prints ``{"ready": true}``, then one verdict per line, in order. Because the worker imports
sympy before it reads, lint can start it early (``prestart``) and hand it the claims later. The parent times each line: a claim whose verdict does not come within its
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
from collections.abc import Iterator, Sequence
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
    specs: Sequence[ClaimSpec], deadline: float = 10.0, claim_budget: float | None = None
) -> list[Verdict]:
    """A verdict for every spec, in order, within ``deadline`` seconds of wall time in all."""
    budget = min(DEFAULT_CLAIM_BUDGET if claim_budget is None else claim_budget, deadline)
    end = time.monotonic() + deadline
    verdicts: list[Verdict] = []
    while len(verdicts) < len(specs):
        pending = specs[len(verdicts) :]
        if time.monotonic() >= end:
            verdicts.extend(_not_reached(deadline) for _ in pending)
        else:
            verdicts.extend(_Session(pending, budget, end, deadline).run())
    return verdicts


class _Session:
    """One worker process: feeds it the pending claims and collects verdicts until it stops."""

    def __init__(self, pending: Sequence[ClaimSpec], budget: float, end: float, deadline: float) -> None:
        self.pending = pending
        self.budget = budget
        self.end = end
        self.deadline = deadline

    def run(self) -> list[Verdict]:
        request = {"budget": self.budget, "claims": [spec_to_json(spec) for spec in self.pending]}
        with _worker(request, math.ceil(self.deadline) + 2) as (lines, stderr):
            ready = _next_line(lines, self.end)
            if ready is _TIMEOUT:
                return [_not_reached(self.deadline) for _ in self.pending]
            if not isinstance(ready, dict) or ready.get("ready") is not True:
                return [_crashed(stderr) for _ in self.pending]
            return self._collect(lines, stderr)

    def _collect(self, lines: queue.Queue[Any], stderr: IO[bytes]) -> list[Verdict]:
        verdicts: list[Verdict] = []
        for _ in self.pending:
            claim_end = time.monotonic() + self.budget
            line = _next_line(lines, min(claim_end, self.end))
            if line is _TIMEOUT:
                verdicts.append(self._timed_out(claim_end))
                return verdicts  # the worker is killed; the rest go to a fresh one
            try:
                verdicts.append(verdict_from_json(line))
            except ValueError:
                verdicts.append(_crashed(stderr))
                return verdicts
        return verdicts

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


def _crashed(stderr: IO[bytes]) -> Verdict:
    stderr.seek(0)
    lines = stderr.read().decode("utf-8", "replace").strip().splitlines()
    detail = f" ({lines[-1][:200]})" if lines else ""
    return Verdict(
        "invalid",
        f"the claim checker stopped unexpectedly on this claim{detail}: report this as a bug.",
    )


_Started = tuple["subprocess.Popen[bytes]", IO[bytes]]
_spare: list[_Started] = []  # a worker started ahead of need by prestart(), taken by the next session


def prestart(deadline: float = 10.0) -> None:
    """Start a worker now so that it imports sympy while the caller does other work (lint's
    per-file stage); the next batch uses it. Call before forking: it starts no thread."""
    if not _spare:
        _spare.append(_spawn(math.ceil(deadline) + 2))


def discard_spare() -> None:
    """Kill a prestarted worker that no batch needed."""
    while (spare := _take_spare()) is not None:
        process, stderr = spare
        process.kill()
        process.wait()
        stderr.close()


def _take_spare() -> _Started | None:
    """The prestarted worker, if any; safe when two lint sessions run on two threads at once."""
    try:
        return _spare.pop()
    except IndexError:
        return None


def _spawn(cpu_seconds: int) -> _Started:
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 - the caller owns it (_worker or discard_spare)
    try:
        # cwd is the folder holding mlbank/: ``-m`` puts it first on sys.path, so the worker runs
        # this very copy of mlbank, and nothing in the user's own folder can shadow a module.
        process = subprocess.Popen(
            [sys.executable, "-m", "mlbank.claims.worker", str(cpu_seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            cwd=_PACKAGE_ROOT,
        )
    except BaseException:
        stderr.close()
        raise
    return process, stderr


@contextlib.contextmanager
def _worker(request: dict[str, Any], cpu_seconds: int) -> Iterator[tuple[queue.Queue[Any], IO[bytes]]]:
    """Start a worker (or take the prestarted one), hand it the request, always kill it after."""
    process, stderr = _take_spare() or _spawn(cpu_seconds)
    with stderr:
        lines: queue.Queue[Any] = queue.Queue()
        reader = threading.Thread(target=_read_lines, args=(process.stdout, lines), daemon=True)
        reader.start()
        try:
            _send(process, request)
            yield lines, stderr
        finally:
            process.kill()
            process.wait()
            reader.join(timeout=5)
            if process.stdout is not None:
                process.stdout.close()


def _send(process: subprocess.Popen[bytes], request: dict[str, Any]) -> None:
    assert process.stdin is not None
    # The worker reads all of stdin before it writes anything, so this cannot deadlock (it may wait
    # while a prestarted worker finishes importing sympy).
    with contextlib.suppress(OSError):
        process.stdin.write(json.dumps(request).encode())
        process.stdin.close()


def _read_lines(stream: IO[bytes] | None, lines: queue.Queue[Any]) -> None:
    """Parse each line the worker prints; None marks the end, so a dead worker is seen at once."""
    if stream is not None:
        for raw in stream:
            try:
                lines.put(json.loads(raw))
            except ValueError:
                lines.put({"unreadable": True})
    lines.put(None)


def _next_line(lines: queue.Queue[Any], until: float) -> Any:
    try:
        return lines.get(timeout=max(0.0, until - time.monotonic()))
    except queue.Empty:
        return _TIMEOUT


# --- the worker's side ------------------------------------------------------------------------


def main() -> int:
    _limit_resources(int(sys.argv[1]) if len(sys.argv) > 1 else 12)
    from mlbank.claims.evaluate import evaluate_claim, warm_up  # sympy: only here, in the worker

    warm_up()  # before reading the request: a prestarted worker gets ready while the parent works
    request = json.loads(sys.stdin.read())
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
        _, hard = resource.getrlimit(limit)
        soft = value if hard == resource.RLIM_INFINITY else min(value, hard)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(limit, (soft, hard))


def _emit(message: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
