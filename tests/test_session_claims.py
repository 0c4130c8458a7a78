"""Claims that never block a session's caller: findings at once, claim verdicts when proven
(Session.update/lint with wait_claims=False, claims_pending, wait_claims, finish_claims), and the
claims worker a session keeps warm until shutdown."""

from __future__ import annotations

import shutil
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from bank_edits import edit
from test_session import Q02, Q03, as_json, cold

import mlbank.engine.claims
from mlbank.engine.policy import Selection
from mlbank.engine.session import Session
from mlbank.finding import Finding

SLOW = " + ".join(f"sqrt(factorial(1000) + {k})" for k in (1, 3, 7, 9, 11, 13))  # > 3 s in sympy
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def codes(findings: list[Finding], path: str = Q02) -> set[str]:
    return {f.code for f in findings if f.path == path}


def with_claim(text: str, expr: str) -> str:
    """The question's text with one more worked claim, first in the list."""
    return text.replace("worked:\n", f'worked:\n  - says: "1"\n    expr: {expr}\n', 1)


def children() -> list[str]:
    """This process's live child processes, as pids."""
    return [
        pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()
    ]


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> threading.Event:
    """Claim batches wait until the returned event is set, then compute as usual."""
    gate = threading.Event()
    real = mlbank.engine.claims.compute

    def compute(*args: Any, **kwargs: Any) -> Any:
        gate.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(mlbank.engine.claims, "compute", compute)
    return gate


def test_a_changed_claim_arrives_later_complete_as_a_cold_lint(
    bank: Path, tmp_path: Path, held: threading.Event
) -> None:
    session = Session(bank, Selection())
    held.set()
    assert session.lint() == []
    held.clear()
    text = (bank / Q02).read_text(encoding="utf-8").replace('says: "4.6"', 'says: "4.7"')
    found = session.update(bank / Q02, text, wait_claims=False)
    assert "MB400" not in codes(found)  # its verdict is being computed: no finding yet
    assert session.claims_pending()
    assert not session.wait_claims(0.05)
    held.set()
    assert session.wait_claims(60)
    full = session.finish_claims()
    assert not session.claims_pending()
    assert "MB400" in codes(full)
    truth = tmp_path / "truth"
    shutil.copytree(bank, truth)
    (truth / Q02).write_text(text, encoding="utf-8")
    assert as_json(full) == cold(truth)
    assert session.findings() == full == session.finish_claims()
    session.shutdown()


def test_finish_claims_answers_for_the_latest_update(bank: Path, held: threading.Event) -> None:
    session = Session(bank, Selection())
    held.set()
    session.lint()
    held.clear()
    original = (bank / Q02).read_text(encoding="utf-8")
    session.update(bank / Q02, original.replace('says: "4.6"', 'says: "4.7"'), wait_claims=False)
    latest = original.replace('says: "4.6"', 'says: "4.8"')
    assert "MB400" not in codes(session.update(bank / Q02, latest, wait_claims=False))
    held.set()
    full = session.finish_claims()  # waits for both batches
    reference = Session(bank, Selection())
    reference.lint()
    assert full == reference.update(bank / Q02, latest)
    assert any(f.code == "MB400" and "4.8" in f.message for f in full)
    for one in (session, reference):
        one.shutdown()


def test_an_unchanged_claim_keeps_its_finding_without_the_worker(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(bank / Q02, 'says: "4.6"', 'says: "4.7"')
    cache = tmp_path / "claims"
    first = Session(bank, Selection(), claims_cache=cache)
    found = first.lint()  # proves the claims for real
    assert "MB400" in codes(found)
    sent: list[object] = []
    monkeypatch.setattr(mlbank.engine.claims, "compute", _refuse(sent))
    # known in this session: an edit elsewhere and an edit of the claim's own file
    edited = first.update(
        bank / Q03, (bank / Q03).read_text(encoding="utf-8") + "# edit\n", wait_claims=False
    )
    assert edited == found and not first.claims_pending()
    again = first.update(bank / Q02, (bank / Q02).read_text(encoding="utf-8") + "# edit\n", wait_claims=False)
    assert "MB400" in codes(again) and not first.claims_pending()
    # known from the claims cache: a new session
    second = Session(bank, Selection(), claims_cache=cache)
    assert second.lint(wait_claims=False) == found and not second.claims_pending()
    assert sent == []
    for one in (first, second):
        one.shutdown()


def _refuse(sent: list[object]) -> Any:
    def compute(specs: object, *args: Any, **kwargs: Any) -> Any:
        sent.append(specs)
        raise AssertionError("a known claim was sent to the worker")

    return compute


def test_hostile_claims_stay_bounded_by_the_workers_deadline(bank: Path) -> None:
    session = Session(bank, Selection())
    session.lint()
    original = (bank / Q02).read_text(encoding="utf-8")
    text = with_claim(with_claim(original, SLOW), "2^2^2^2^2")
    started = time.monotonic()
    found = session.update(bank / Q02, text, wait_claims=False)
    assert time.monotonic() - started < 2.5  # well inside the slow claim's 3 s budget
    refused = [f for f in found if f.code == "MB402"]
    assert [f.line for f in refused] == [50]  # the power tower is refused at once, no worker needed
    assert session.claims_pending()
    assert session.wait_claims(30)
    full = session.finish_claims()
    assert time.monotonic() - started < 10 + 5  # the batch deadline, with room for a loaded machine
    slow = [f for f in full if f.code == "MB402" and f.line == 51]
    assert slow and "took longer than 3 s" in slow[0].message
    # the killed worker is replaced: the claims of the next edit still get their verdicts
    back = original.replace('says: "4.6"', 'says: "4.7"')
    assert "MB400" in codes(session.update(bank / Q02, back))
    session.shutdown()


@linux_only
def test_the_worker_stays_warm_until_shutdown(bank: Path) -> None:
    others = set(children())  # workers of other tests' sessions not collected yet
    session = Session(bank, Selection())
    session.lint()
    warm = set(children()) - others
    assert len(warm) == 1  # kept after the lint's batch
    original = (bank / Q02).read_text(encoding="utf-8")
    assert "MB400" in codes(session.update(bank / Q02, original.replace('says: "4.6"', 'says: "4.7"')))
    assert set(children()) - others == warm  # the same worker proved the new claim
    session.shutdown()
    assert set(children()) - others == set()
    assert "MB400" in codes(session.update(bank / Q02, original.replace('says: "4.6"', 'says: "4.5"')))
    assert set(children()) - others == set()  # after shutdown, a batch stops the worker it started
