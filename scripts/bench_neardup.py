#!/usr/bin/env python3
"""Memory and CPU of the near-duplicate search (mlbank.similarity) on synthetic answers.

Each answer is about 500 words drawn from a Zipf-like vocabulary (so common phrases recur across
texts, as in real prose), about 490 distinct shingles. With --copies, every answer has a near copy
(a few words replaced: Jaccard about 0.85), the case where almost every shingle is shared and every
text survives to the candidate stage. Each case runs in a fresh process, which builds the
fingerprints and then measures one call: CPU time (time.process_time) and how much the call grew the
process (its peak resident size during the call, VmHWM, minus its resident size before it). --trace also reports
tracemalloc's peak and the lines that held the most at that peak (slower: CPU is not comparable).

Usage: scripts/bench_neardup.py [--sizes 1000 10000] [--rounds 3] [--trace]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time
import tracemalloc
from typing import Any

from mlbank.similarity import PairIndex, fingerprint, similar_pairs

THRESHOLD = 0.5  # the rule's (mlbank.rules.mb500_near_duplicate.THRESHOLD)
WORDS = 500
VOCABULARY = [f"w{i}" for i in range(20_000)]
WEIGHTS = [1 / (rank + 1) for rank in range(len(VOCABULARY))]


def prints(size: int, copies: bool) -> list[bytes]:
    """`size` fingerprints, made one text at a time so that no text outlives its fingerprint."""
    rng = random.Random(size * 2 + copies)
    found = []
    for _ in range(size // 2 if copies else size):
        words = rng.choices(VOCABULARY, WEIGHTS, k=WORDS)
        found.append(fingerprint(" ".join(words)))
        if copies:
            for at in rng.sample(range(WORDS), WORDS // 40):
                words[at] = rng.choice(VOCABULARY)
            found.append(fingerprint(" ".join(words)))
    rng.shuffle(found)
    return found


def resident(field: str) -> int:
    """This process's VmRSS (resident now) or VmHWM (the most resident since the last reset), in KB."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def reset_peak() -> None:
    """Start VmHWM again from the resident size now (Linux: proc(5), /proc/pid/clear_refs)."""
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")


def measure(what: str, size: int, copies: bool, trace: bool) -> dict[str, object]:
    texts = prints(size, copies)
    keyed = {f"k{i}": p for i, p in enumerate(texts)}
    index = PairIndex(THRESHOLD)
    if what == "change":  # one changed answer in a session's index (the masks are made beforehand)
        index.update(keyed)
        index.change("k0", texts[1])
    reset_peak()
    before = resident("VmRSS")
    if trace:
        tracemalloc.start(1)
    start = time.process_time()
    if what == "similar_pairs":
        found = len(similar_pairs(texts, THRESHOLD))
    elif what == "PairIndex.update":
        index.update(keyed)
        found = len(index.pairs(list(keyed)))
    else:
        found = len(index.change("k0", texts[2]))
    cpu = time.process_time() - start
    result: dict[str, object] = {
        "cpu_s": round(cpu, 3),
        "growth_mb": round((resident("VmHWM") - before) / 1024, 1),
        "pairs": found,
        "shingles": sum(len(p) for p in texts) // 8,
    }
    if trace:
        snapshot = tracemalloc.take_snapshot()
        result["traced_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        result["top"] = [str(stat) for stat in snapshot.statistics("lineno")[:5]]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--calls", nargs="+", default=["similar_pairs", "PairIndex.update", "change"])
    parser.add_argument("--rounds", type=int, default=3, help="fresh processes per case (medians)")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--one", nargs=3, help=argparse.SUPPRESS)  # in the child: call size copies
    args = parser.parse_args()
    if args.one:
        what, size, copies = args.one
        print(json.dumps(measure(what, int(size), copies == "1", args.trace)))
        return
    for size in args.sizes:
        for copies in (False, True):
            for what in args.calls:
                command = [sys.executable, __file__, "--one", what, str(size), str(int(copies))]
                runs = [_child([*command, *(["--trace"] if args.trace else [])]) for _ in range(args.rounds)]
                cpu = statistics.median(run.pop("cpu_s") for run in runs)
                growth = statistics.median(run.pop("growth_mb") for run in runs)
                label = f"{size} answers, {'every one with a near copy' if copies else 'no near copies'}"
                print(f"{label}: {what}: {cpu} s CPU, +{growth} MB (medians of {args.rounds})", runs[-1])


def _child(command: list[str]) -> dict[str, Any]:
    run = subprocess.run(command, capture_output=True)
    if run.returncode:
        sys.exit(run.stderr.decode())
    result: dict[str, Any] = json.loads(run.stdout)
    return result


if __name__ == "__main__":
    main()
