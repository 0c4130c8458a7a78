#!/usr/bin/env python3
"""Time the engine's in-memory re-lint of one edited file, the basis of an editor server.

Builds a synthetic bank (scripts/make_bank.py), opens a Session over it, lints it once, then makes
one-line edits of one question as unsaved text (`Session.update(path, text)`: that file again, then
the bank-wide stage) and prints the median and 95th percentile of those calls, in wall time and in
this process's CPU time (steadier on a loaded machine), with the cold and full-refresh times for
scale. No claim changes, so no verdict is computed again.

Usage: scripts/bench_session.py [--size 1000] [--edits 40] [--jobs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlbank.engine.policy import Selection
from mlbank.engine.session import Session

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bank = Path(tmp) / "bank"
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "make_bank.py"), str(args.size), str(bank)], check=True
        )
        session = Session(bank, Selection(), jobs=args.jobs, claims_cache=Path(tmp) / "claims")
        start = time.perf_counter()
        session.lint()
        cold = time.perf_counter() - start
        target = sorted((bank / "questions").rglob("*.yaml"))[len(session.findings()) % 7]
        text = target.read_text(encoding="utf-8")
        times, cpu = [], []
        for n in range(args.edits):
            start, start_cpu = time.perf_counter(), time.process_time()
            session.update(target, f"{text}# edit {n}\n")
            times.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        start = time.perf_counter()
        session.lint()
        refresh = time.perf_counter() - start
        session.shutdown()
    print(f"{args.size} questions: cold lint {cold:.2f} s, full refresh {refresh:.2f} s")
    print(
        f"one edited file (update with text), {args.edits} edits: wall {_spread(times)}; CPU {_spread(cpu)}"
    )


def _spread(times: list[float]) -> str:
    times = sorted(times)
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return f"median {statistics.median(times) * 1000:.1f} ms, p95 {p95 * 1000:.1f} ms"


if __name__ == "__main__":
    main()
