"""An export's questions turned into text part by part, in bank order: here, or in worker processes.

Rendering prose to HTML is most of an export's CPU (about 2 ms a question with markdown-it), so a
large export spreads it over the cores. Each part is a run of consecutive questions; the caller
writes each part's text as it arrives and drops it, so neither the parent nor a worker ever holds
the whole output.

Workers are forked (Linux), as the lint workers are: the function that renders a part is handed to
them when they start, with the view it reads, and a fork copies nothing until it is written to, so
nothing but the part's bounds and its text crosses between processes. Elsewhere, for small exports,
or when workers cannot be started, every part is rendered here, with the same text.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator

from mlbank.engine.runners import plan_jobs

PART_SIZE = 100  # questions per part: about 0.2 s of work, and text of about 1 MB to hold at once

RenderPart = Callable[[int, int], str]  # (start, stop) -> the text of questions start..stop-1

_render_part: RenderPart | None = None  # a worker's own: set once when it starts, never in the parent


def rendered(render_part: RenderPart, count: int, jobs: int | None = None) -> Iterator[str]:
    """render_part(start, stop) for consecutive parts covering range(count), in order."""
    bounds = [(start, min(start + PART_SIZE, count)) for start in range(0, count, PART_SIZE)]
    workers = plan_jobs(count, jobs)
    if workers > 1:
        yield from _in_workers(render_part, bounds, workers)
    else:
        yield from (render_part(start, stop) for start, stop in bounds)


def _in_workers(render_part: RenderPart, bounds: list[tuple[int, int]], workers: int) -> Iterator[str]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # As for the lint workers: what exists now is frozen, so neither side's cyclic collector walks
    # (and so copies) the pages they share.
    gc.freeze()
    try:
        context = multiprocessing.get_context("fork")
        pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_start, initargs=(render_part,))
    except (OSError, ValueError, ImportError):  # no fork, no semaphores (/dev/shm): here, then
        gc.unfreeze()
        yield from (render_part(start, stop) for start, stop in bounds)
        return
    try:
        yield from pool.map(_part, *zip(*bounds, strict=True))
    except BrokenProcessPool:
        raise RuntimeError("an export worker process died (killed, or out of memory)") from None
    finally:
        # A caller that stops early (a write failed) does not wait for the parts it will not use.
        pool.shutdown(wait=True, cancel_futures=True)
        gc.unfreeze()


def _start(render_part: RenderPart) -> None:
    global _render_part
    _render_part = render_part  # forked: this process's copy, the only one it will ever render with
    gc.disable()  # short-lived, and its data holds no cycles worth collecting (see the lint workers)


def _part(start: int, stop: int) -> str:
    assert _render_part is not None, "a part is only rendered in a started worker"
    return _render_part(start, stop)
