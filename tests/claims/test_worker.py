"""The worker: a slow claim is killed at its budget, the rest of the batch still gets verdicts."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest

from mlbank.claims import ClaimSpec, check_claims, validate_claim
from mlbank.claims.worker import Warm

# Passes every static cap, yet sympy spends seconds proving 1000!+1 is not a perfect square (a
# primality test in pure Python), more than a second per term even where gmpy2 speeds that up.
SLOW = ClaimSpec(" + ".join(f"sqrt(factorial(1000) + {k})" for k in (1, 3, 7, 9, 11, 13)), says="1")
FAST = [ClaimSpec("1 + 1", says="2"), ClaimSpec("50/500", says="0.1")]


def test_the_slow_claim_passes_the_static_caps() -> None:
    assert validate_claim(SLOW) is None


def test_a_slow_claim_is_killed_and_the_rest_still_get_verdicts() -> None:
    started = time.monotonic()
    verdicts = check_claims([FAST[0], SLOW, FAST[1]], claim_budget=0.5)
    elapsed = time.monotonic() - started
    assert [v.status for v in verdicts] == ["holds", "invalid", "holds"]
    assert "took longer than 0.5 s" in verdicts[1].message
    assert elapsed < 6  # two worker start-ups and one 0.5 s budget, not the claim's seconds


def test_the_batch_deadline_bounds_the_whole_run() -> None:
    started = time.monotonic()
    verdicts = check_claims([SLOW, FAST[0]], deadline=2.0, claim_budget=30)
    assert time.monotonic() - started < 4
    assert [v.status for v in verdicts] == ["invalid", "invalid"]
    assert "deadline" in verdicts[0].message
    assert "not checked" in verdicts[1].message


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_AS is enforced on Linux")
def test_the_worker_caps_its_own_memory() -> None:
    code = (
        "from mlbank.claims.worker import _limit_resources\n"
        "_limit_resources(5)\n"
        "try:\n    block = bytearray(2 << 30)\nexcept MemoryError:\n    print('refused')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "refused", result.stderr


def test_a_kept_worker_answers_the_next_batch_and_a_dead_one_is_replaced() -> None:
    warm = Warm()
    try:
        assert [v.status for v in check_claims([FAST[0]], warm=warm)] == ["holds"]
        kept = warm.take()
        assert kept is not None and kept.popen.poll() is None  # alive, waiting for the next request
        warm.keep(kept)
        assert [v.status for v in check_claims([FAST[1]], warm=warm)] == ["holds"]
        again = warm.take()
        assert again is kept  # the same process answered
        again.popen.kill()  # dies while kept
        again.popen.wait()
        warm.keep(again)
        assert [v.status for v in check_claims([ClaimSpec("2 + 2", says="4")], warm=warm)] == ["holds"]
    finally:
        warm.close()
    assert warm.take() is None  # closed: keeps nothing


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_CPU is enforced on Linux")
def test_each_request_to_a_kept_worker_gets_its_own_cpu_allowance() -> None:
    burn = "end = time.process_time() + {0}\nwhile time.process_time() < end:\n    pass\n"
    code = (
        "import time\n"
        "from mlbank.claims.worker import _allow_cpu, _limit_resources\n"
        "_limit_resources(1)\n"
        + burn.format(0.6)
        + "_allow_cpu(2)\n"  # as for a second request: 2 s more than used so far
        + burn.format(1.2)
        + "print('alive')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "alive", result.returncode  # 1.8 s in all: over the first 1 s
