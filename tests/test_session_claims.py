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


# --- review 16: failed batches, unsettled verdicts, pending suppressions, obsolete batches --------

KEEP = (Q02, Q03, "questions/screening/q04-gradient-descent-and-variants.yaml")


@pytest.fixture
def small(bank: Path) -> Path:
    """The bank with three screening questions only: each session test takes a second or two."""
    for path in (bank / "questions").rglob("*.yaml"):
        if path.relative_to(bank).as_posix() not in KEEP:
            path.unlink()
    return bank


def says(text: str, number: str) -> str:
    return text.replace('says: "4.6"', f'says: "{number}"')


def truth_of(small: Path, tmp_path: Path, path: str, text: str) -> list[dict[str, Any]]:
    """A cold lint of the bank with `path` holding `text`."""
    truth = tmp_path / "truth"
    shutil.copytree(small, truth)
    (truth / path).write_text(text, encoding="utf-8")
    return cold(truth)


def test_a_batch_that_cannot_start_gives_its_claims_a_verdict_not_the_session_an_error(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(small, Selection())
    session.lint()
    real = mlbank.engine.claims.compute
    calls: list[object] = []

    def once_out_of_files(*args: Any, **kwargs: Any) -> Any:
        calls.append(args)
        if len(calls) == 1:
            raise OSError(24, "Too many open files")
        return real(*args, **kwargs)

    monkeypatch.setattr(mlbank.engine.claims, "compute", once_out_of_files)
    text = says((small / Q02).read_text(encoding="utf-8"), "4.7")
    failed = [f for f in session.update(small / Q02, text) if f.path == Q02 and f.code == "MB402"]
    assert len(failed) == 1 and "could not start ([Errno 24] Too many open files)" in failed[0].message
    # the session goes on: an edit elsewhere, and the claim asked again once its file changes
    q03 = (small / Q03).read_text(encoding="utf-8") + "# edited\n"
    assert codes(session.update(small / Q03, q03), Q03) == codes(session.lint(), Q03)
    (small / Q03).write_text(q03, encoding="utf-8")
    text += "# edited\n"
    assert as_json(session.update(small / Q02, text)) == truth_of(small, tmp_path, Q02, text)
    session.shutdown()


def test_no_thread_left_for_the_claims_gives_them_a_verdict_not_the_session_an_error(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import types

    class NoThread(threading.Thread):
        def start(self) -> None:
            raise RuntimeError("can't start new thread")

    session = Session(small, Selection())
    session.lint()
    text = says((small / Q02).read_text(encoding="utf-8"), "4.7")
    with monkeypatch.context() as patch:
        patch.setattr(mlbank.engine.claims, "threading", types.SimpleNamespace(Thread=NoThread))
        found = session.update(small / Q02, text, wait_claims=False)
    failed = [f for f in found if f.path == Q02 and f.code == "MB402"]
    assert len(failed) == 1 and "could not start (can't start new thread)" in failed[0].message
    assert not session.claims_pending()
    text += "# edited\n"  # threads again: the claim is asked again when its file changes
    assert as_json(session.update(small / Q02, text)) == truth_of(small, tmp_path, Q02, text)
    session.shutdown()


def test_a_verdict_about_the_machine_is_asked_again_by_a_full_lint_and_an_edit(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import mlbank.claims.worker as worker

    session = Session(small, Selection())
    session.lint()
    real = worker.run_batch
    calls: list[object] = []

    def busy_once(specs: Any, deadline: float = 10.0, claim_budget: Any = None, warm: Any = None) -> Any:
        calls.append(specs)  # the first batch runs on a machine too busy to reach the claim in time
        return real(specs, 0.0 if len(calls) == 1 else deadline, claim_budget, warm)

    monkeypatch.setattr(worker, "run_batch", busy_once)
    text = says((small / Q02).read_text(encoding="utf-8"), "4.61")
    (small / Q02).write_text(text, encoding="utf-8")
    assert "MB402" in codes(session.update(small / Q02))  # "the 0 s deadline ... ran out"
    truth = truth_of(small, tmp_path, Q02, text)
    assert "MB402" not in {f["code"] for f in truth}
    assert as_json(session.lint()) == truth  # the full re-lint judges the claim again
    calls.clear()
    text = says(text.replace('says: "4.61"', 'says: "4.6"'), "4.62")
    assert "MB402" in codes(session.update(small / Q02, text))  # a new claim, unlucky too
    assert "MB402" not in codes(session.update(small / Q02, text + "# edited\n"))  # asked again
    session.shutdown()


def test_a_pending_claim_does_not_make_its_suppression_look_unused(
    small: Path, tmp_path: Path, held: threading.Event
) -> None:
    suppressed = (
        (small / Q02)
        .read_text(encoding="utf-8")
        .replace('  - says: "4.6"\n', '  - says: "9.9" # mlbank: ignore[MB400] known\n', 1)
    )
    (small / Q02).write_text(suppressed, encoding="utf-8")
    session = Session(small, Selection())
    held.set()
    session.lint()
    held.clear()
    edited = suppressed.replace('says: "9.9"', 'says: "9.8"')
    found = session.update(small / Q02, edited, wait_claims=False)
    assert session.claims_pending()
    assert not codes(found) & {"MB400", "MB503"}
    held.set()
    assert as_json(session.finish_claims()) == truth_of(small, tmp_path, Q02, edited)
    # a suppression that stays unused is reported once its claim's verdict is in
    useless = edited.replace('says: "9.8"', 'says: "4.6"')
    session.update(small / Q02, useless, wait_claims=False)
    assert "MB503" in codes(session.finish_claims())
    session.shutdown()


def claim_threads() -> int:
    return sum(t.name == "mlbank-claims" for t in threading.enumerate())


def test_obsolete_claims_are_dropped_and_one_thread_computes_them(
    small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session = Session(small, Selection())
    session.lint()
    gate = threading.Event()
    batches: list[list[str | None]] = []
    real = mlbank.engine.claims.compute

    def recorded(specs: Any, *args: Any, **kwargs: Any) -> Any:
        batches.append([s.says for s in specs])
        gate.wait(60)
        return real(specs, *args, **kwargs)

    monkeypatch.setattr(mlbank.engine.claims, "compute", recorded)
    original = (small / Q02).read_text(encoding="utf-8")
    for typed in ["4.5", "4.60", "4.605", "4.6052", "4.61", "4.62"]:  # typing, one update a keystroke
        session.update(small / Q02, says(original, typed), wait_claims=False)
        assert claim_threads() == 1
    gate.set()
    full = session.finish_claims()
    assert batches[1:] == [["4.62"]]  # after the one already running, only the text on screen
    assert as_json(full) == truth_of(small, tmp_path, Q02, says(original, "4.62"))
    session.shutdown()
    assert claim_threads() == 0


def test_after_shutdown_no_queued_claim_starts_a_worker(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlbank.claims.worker as worker

    session = Session(small, Selection())
    session.lint()
    started: list[object] = []
    real_start = worker._Process.__init__

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        started.append(self)
        real_start(self, *args, **kwargs)

    monkeypatch.setattr(worker._Process, "__init__", counting)
    gate = threading.Event()
    real = mlbank.engine.claims.compute
    monkeypatch.setattr(mlbank.engine.claims, "compute", lambda *a, **k: (gate.wait(60), real(*a, **k))[1])
    original = (small / Q02).read_text(encoding="utf-8")
    session.update(small / Q02, says(original, "4.7"), wait_claims=False)  # running
    session.update(
        small / Q03, with_claim((small / Q03).read_text(encoding="utf-8"), "2 + 2"), wait_claims=False
    )
    session.shutdown()  # the editor let the bank go
    gate.set()
    assert session.wait_claims(60)
    assert started == []  # neither the running batch nor the queued one started a worker


def test_verdicts_of_claims_no_file_holds_are_forgotten(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mlbank.engine.claims, "SPARE", 2)
    session = Session(small, Selection())
    session.lint()
    book = session._claims
    held = len(book._known) + len(book._passing)
    original = (small / Q02).read_text(encoding="utf-8")
    for k in range(8):
        session.update(small / Q02, says(original, f"4.{k}"))
    assert len(book._known) + len(book._passing) <= held + 2
    session.shutdown()


def test_close_need_not_wait_for_claims(small: Path, tmp_path: Path, held: threading.Event) -> None:
    session = Session(small, Selection())
    held.set()
    session.lint()
    held.clear()
    original = (small / Q02).read_text(encoding="utf-8")
    session.update(small / Q02, says(original, "4.7"), wait_claims=False)  # typing
    (small / Q02).write_text(says(original, "4.8"), encoding="utf-8")  # saved another version
    started = time.monotonic()
    session.close(small / Q02, wait_claims=False)
    assert time.monotonic() - started < 30  # held claims would keep it 60 s
    assert session.claims_pending()
    held.set()
    assert as_json(session.finish_claims()) == truth_of(small, tmp_path, Q02, says(original, "4.8"))
    session.shutdown()


def test_a_bank_yaml_edit_with_worker_processes_need_not_wait_for_claims(
    small: Path, tmp_path: Path, held: threading.Event
) -> None:
    session = Session(small, Selection(), jobs=2)  # as a large bank plans it: the per-file stage forks
    held.set()
    session.lint()
    held.clear()
    text = says((small / Q02).read_text(encoding="utf-8"), "4.7")
    session.update(small / Q02, text, wait_claims=False)
    bank_yaml = (small / "bank.yaml").read_text(encoding="utf-8") + "\n"
    started = time.monotonic()
    session.update(small / "bank.yaml", bank_yaml, wait_claims=False)
    assert time.monotonic() - started < 30  # held claims would keep it 60 s
    held.set()
    (small / "bank.yaml").write_text(bank_yaml, encoding="utf-8")
    assert as_json(session.finish_claims()) == truth_of(small, tmp_path, Q02, text)
    session.shutdown()
