"""check_claims: validate cheaply, answer from the cache, and compute the rest in one worker.

sympy is imported only by the worker, and the worker starts only when at least one valid claim has
no cached verdict, so a fully cached or fully invalid bank never pays for sympy. The two halves are
public for a caller that answers what it can at once and computes the rest later (a lint session):
``settled`` (no worker) and ``compute`` (the worker, then the cache).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlbank.claims.cache import read_cached, write_cached
from mlbank.claims.prepare import validate_claim
from mlbank.claims.spec import ClaimSpec, Verdict

if TYPE_CHECKING:
    from mlbank.claims.worker import Warm

DEFAULT_DEADLINE = 10.0  # seconds one batch of claims may take in the worker, in all


def check_claims(
    specs: Sequence[ClaimSpec],
    cache_dir: Path | None = None,
    deadline: float = DEFAULT_DEADLINE,
    *,
    claim_budget: float | None = None,
    warm: Warm | None = None,
) -> list[Verdict]:
    """A verdict per spec, in order; ``deadline`` bounds the whole worker run in seconds."""
    known: dict[ClaimSpec, Verdict] = {}
    unique = list(dict.fromkeys(specs))  # a bank repeats claims; validate and compute each once
    for spec in unique:
        verdict = settled(spec, cache_dir)
        if verdict is not None:
            known[spec] = verdict
    to_compute = [spec for spec in unique if spec not in known]
    if to_compute:
        known.update(
            zip(to_compute, compute(to_compute, cache_dir, deadline, claim_budget, warm), strict=True)
        )
    return [known[spec] for spec in specs]


def settled(spec: ClaimSpec, cache_dir: Path | None) -> Verdict | None:
    """The verdict known without the worker: invalid for a refused text, else the cached one."""
    problem = validate_claim(spec)
    if problem is not None:
        return Verdict("invalid", problem)
    return None if cache_dir is None else read_cached(cache_dir, spec)


def compute(
    specs: Sequence[ClaimSpec],
    cache_dir: Path | None,
    deadline: float = DEFAULT_DEADLINE,
    claim_budget: float | None = None,
    warm: Warm | None = None,
) -> list[Verdict]:
    """Valid specs' verdicts from the worker (on `warm`'s kept one when given), cached as settled."""
    from mlbank.claims.worker import run_batch  # only now: subprocess plumbing

    verdicts = run_batch(specs, deadline, claim_budget, warm)
    if cache_dir is not None:
        for spec, verdict in zip(specs, verdicts, strict=True):
            write_cached(cache_dir, spec, verdict)
    return verdicts
