#!/usr/bin/env python3
"""Time the editor features' bank index (mlbank/lsp/features/index.py) on a bank, in CPU time.

    scripts/make_bank.py 10000 /tmp/b10k && scripts/bench_features.py /tmp/b10k

Prints the first build (every file read and parsed), a disk check when nothing changed (the folder
listed, a stat per file: at most every DISK_CHECK_SECONDS), a request's refresh when nothing changed
(the open buffers compared), one after a buffer's edit (that file parsed again, its entries and uses
swapped in the lookups), and the lookups a request makes (a use at a position, its declaration, all
uses of a topic). CPU time (time.process_time), median of several rounds: the machine may be shared.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from mlbank.lsp.features.index import BankIndex
from mlbank.paths import question_files
from mlbank.source import read_source


def cpu_ms(run: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.process_time()
        run()
        times.append((time.process_time() - start) * 1000)
    return statistics.median(times)


def main(root: Path) -> None:
    def read(path: Path) -> str | None:
        return read_source(path).text

    files = question_files(root)
    first = cpu_ms(lambda: BankIndex(root).refresh({}, read), 3)
    index = BankIndex(root)
    index.refresh({}, read)
    path = files[len(files) // 2]
    text = read(path) or ""
    edits = iter(range(10**6))

    def edit() -> None:  # a keystroke in one open buffer: its title changes
        index.refresh({path: text.replace("title: ", f"title: {next(edits)} ", 1)}, read, disk=False)

    (use,) = [u for u in index.file(files[1]).uses if u.kind == "see"][:1]
    (topic,) = index.declared("topic", "loss-functions")
    rows = [
        ("first build", first),
        ("disk check, nothing changed", cpu_ms(lambda: index.refresh({path: text}, read), 9)),
        ("refresh, nothing changed", cpu_ms(lambda: index.refresh({path: text}, read, disk=False), 9)),
        ("refresh after one buffer edit", cpu_ms(edit, 9)),
        (
            "a use at a position and its declaration",
            cpu_ms(lambda: index.resolve(index.at(files[1], use.place.line, use.place.start)), 9),
        ),  # type: ignore[arg-type]
        (f"every use of a topic ({len(index.uses_of(topic))} uses)", cpu_ms(lambda: index.uses_of(topic), 9)),
    ]
    print(f"{len(files)} questions in {root}")
    for name, ms in rows:
        print(f"{name:<45} {ms:9.1f} ms")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
