"""check_claims: validate cheaply, answer from the cache, and compute the rest in one worker.

sympy is imported only by the worker, and the worker starts only when at least one valid claim has
no cached verdict, so a fully cached or fully invalid bank never pays for sympy.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from mlbank.claims.cache import read_cached, write_cached
from mlbank.claims.prepare import validate_claim
from mlbank.claims.spec import ClaimSpec, Verdict


def check_claims(
    specs: Sequence[ClaimSpec],
    cache_dir: Path | None = None,
    deadline: float = 10.0,
    *,
    claim_budget: float | None = None,
) -> list[Verdict]:
    """A verdict per spec, in order; ``deadline`` bounds the whole worker run in seconds."""
    known: dict[ClaimSpec, Verdict] = {}
    unique = list(dict.fromkeys(specs))  # a bank repeats claims; validate and compute each once
    for spec in unique:
        verdict = _without_worker(spec, cache_dir)
        if verdict is not None:
            known[spec] = verdict
    to_compute = [spec for spec in unique if spec not in known]
    if to_compute:
        from mlbank.claims.worker import run_batch  # only now: subprocess plumbing

        for spec, verdict in zip(to_compute, run_batch(to_compute, deadline, claim_budget), strict=True):
            known[spec] = verdict
            if cache_dir is not None:
                write_cached(cache_dir, spec, verdict)
    return [known[spec] for spec in specs]


def _without_worker(spec: ClaimSpec, cache_dir: Path | None) -> Verdict | None:
    problem = validate_claim(spec)
    if problem is not None:
        return Verdict("invalid", problem)
    return None if cache_dir is None else read_cached(cache_dir, spec)
