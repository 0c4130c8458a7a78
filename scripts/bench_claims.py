"""Measure the claims worker: start-up by each process strategy, and a bank-sized batch cold and cached.

    python scripts/bench_claims.py            # medians of 5 runs
    python scripts/bench_claims.py --cli      # the same with mlbank.cli imported by __main__,
                                              # which "spawn" re-imports in every child

Start-up is the time from asking for a worker to the worker having sympy imported and answering.
"""

from __future__ import annotations

import multiprocessing
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from mlbank.claims import ClaimSpec, check_claims

if "--cli" in sys.argv:  # module level on purpose: a spawned child re-runs it as __mp_main__
    import mlbank.cli  # noqa: F401

RUNS = 5
BANK = [
    ClaimSpec("-log(0.01)", says="4.6"),
    ClaimSpec("-log(0.4)", says="0.92"),
    ClaimSpec("1/(1 - 0.9)^2", says="100x"),
    ClaimSpec("0.9^2", says="0.81"),
    ClaimSpec("1 - (1 - 2*eps)^d", says="87%", where=(("eps", "0.01"), ("d", "100"))),
    ClaimSpec("1/0.002", says="500:1"),
    ClaimSpec("1000/10", says="100:1"),
    ClaimSpec("50/500", says="0.1"),
    ClaimSpec("99/1", says="99:1"),
    ClaimSpec(
        "rho*sigma^2 + (1 - rho)*sigma^2/M",
        equals="(M*sigma^2 + M*(M - 1)*rho*sigma^2)/M^2",
        domain=(("rho", "[0, 1]"), ("sigma", "(0, 10]"), ("M", "integer [1, 100]")),
    ),
    ClaimSpec("sigma2", equals="1/(2*lam)", where=(("sigma2", "1/(2*lam)"),), domain=(("lam", "(0, 10]"),)),
    ClaimSpec("(1 - eps) + K*(eps/K)", equals="1", domain=(("eps", "[0, 1]"), ("K", "integer [2, 1000]"))),
]


def _median_ms(action: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _subprocess_worker() -> None:
    code = "import sys, sympy; sys.stdout.write('ready\\n')"
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)


def _import_sympy(connection: Connection) -> None:
    import sympy  # type: ignore[import-untyped]  # noqa: F401

    connection.send("ready")


def _mp_worker(method: str) -> Callable[[], None]:
    def start() -> None:
        context: Any = multiprocessing.get_context(method)
        parent, child = context.Pipe()
        process = context.Process(target=_import_sympy, args=(child,))
        process.start()
        parent.recv()
        process.join()

    return start


def main() -> None:
    print(
        f"python start only        {_median_ms(lambda: subprocess.run([sys.executable, '-c', 'pass'])):7.0f} ms"
    )
    print(f"subprocess + sympy       {_median_ms(_subprocess_worker):7.0f} ms")
    print(f"multiprocessing spawn    {_median_ms(_mp_worker('spawn')):7.0f} ms  (this script as __main__)")
    print(f"multiprocessing fork     {_median_ms(_mp_worker('fork')):7.0f} ms  (not safe with threads)")
    one = [ClaimSpec("1", says="1")]
    print(
        f"worker, one claim        {_median_ms(lambda: check_claims(one)):7.0f} ms  (start, sympy, warm-up)"
    )
    print(f"{len(BANK)} bank claims cold      {_median_ms(lambda: check_claims(BANK)):7.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        check_claims(BANK, Path(folder))
        print(
            f"{len(BANK)} bank claims cached    {_median_ms(lambda: check_claims(BANK, Path(folder))):7.0f} ms"
        )


if __name__ == "__main__":
    main()
