"""The verdict cache: trusted only when intact and exactly matching; no worker when all is known."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

import mlbank
import mlbank.claims.worker
from mlbank.claims import ClaimSpec, Verdict, check_claims
from mlbank.claims.cache import cache_key, read_cached, write_cached

SPECS = [ClaimSpec("-log(0.01)", says="4.6"), ClaimSpec("50/500", says="0.2"), ClaimSpec("2", says="2")]


class FakeWorker:
    """Stands in for run_batch: records what it was asked and answers 'holds'."""

    def __init__(self) -> None:
        self.asked: list[ClaimSpec] = []

    def __call__(
        self, specs: Sequence[ClaimSpec], deadline: float, budget: float | None, warm: object = None
    ) -> list[Verdict]:
        self.asked += specs
        return [Verdict("holds", f"{spec.expr} computed.") for spec in specs]


@pytest.fixture
def worker(monkeypatch: pytest.MonkeyPatch) -> FakeWorker:
    fake = FakeWorker()
    monkeypatch.setattr(mlbank.claims.worker, "run_batch", fake)
    return fake


def test_second_run_is_answered_from_the_cache(tmp_path: Path, worker: FakeWorker) -> None:
    first = check_claims(SPECS, tmp_path)
    assert worker.asked == SPECS
    assert check_claims(SPECS, tmp_path) == first
    assert worker.asked == SPECS  # not asked again
    assert not list(tmp_path.glob("*.tmp"))  # atomic writes leave no temporaries


def test_invalid_claims_never_reach_the_worker(tmp_path: Path, worker: FakeWorker) -> None:
    verdicts = check_claims([ClaimSpec("x", says="1"), ClaimSpec("open('f')", says="1")], tmp_path)
    assert [v.status for v in verdicts] == ["invalid", "invalid"]
    assert worker.asked == []


def test_duplicates_are_computed_once(worker: FakeWorker) -> None:
    check_claims([SPECS[0], SPECS[0], SPECS[1]])
    assert worker.asked == SPECS[:2]


def test_only_settled_verdicts_are_stored(tmp_path: Path) -> None:
    write_cached(tmp_path, SPECS[0], Verdict("invalid", "took longer than 3 s."))
    assert read_cached(tmp_path, SPECS[0]) is None
    write_cached(tmp_path, SPECS[0], Verdict("fails", "no."))
    assert read_cached(tmp_path, SPECS[0]) == Verdict("fails", "no.")


@pytest.mark.parametrize(
    "damage",
    [
        lambda entry: "{not json",
        lambda entry: "",
        lambda entry: json.dumps([1, 2]),
        lambda entry: json.dumps({**entry, "spec": {**entry["spec"], "says": "9"}}),  # foreign entry
        lambda entry: json.dumps({**entry, "key": "0" * 64}),
        lambda entry: json.dumps({**entry, "verdict": {"status": "maybe", "message": "?"}}),
        lambda entry: json.dumps({**entry, "verdict": {"status": "invalid", "message": "x"}}),
        lambda entry: json.dumps({**entry, "verdict": {"status": "holds", "message": 5}}),
    ],
)
def test_a_damaged_entry_is_ignored_and_recomputed(
    tmp_path: Path, worker: FakeWorker, damage: object
) -> None:
    check_claims(SPECS, tmp_path)
    path = tmp_path / f"{cache_key(SPECS[1])}.json"
    entry = json.loads(path.read_text())
    path.write_text(damage(entry))  # type: ignore[operator]
    check_claims(SPECS, tmp_path)
    assert worker.asked == [*SPECS, SPECS[1]]


def test_an_unreadable_cache_dir_costs_only_speed(tmp_path: Path, worker: FakeWorker) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert [v.status for v in check_claims(SPECS, blocked)] == ["holds"] * 3


def test_the_key_changes_with_the_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache_key(SPECS[0])
    monkeypatch.setattr(mlbank, "__version__", "9.9.9")
    assert cache_key(SPECS[0]) != before


NO_SYMPY = """
import sys
from pathlib import Path
import mlbank.claims.worker
from mlbank.claims import ClaimSpec, check_claims
mlbank.claims.worker.run_batch = None  # starting a worker would now raise
specs = [ClaimSpec(expr, says=says) for expr, says in SPECS] + [ClaimSpec("x", says="1")]
verdicts = check_claims(specs, Path(FOLDER))
assert [v.status for v in verdicts] == ["holds", "holds", "holds", "invalid"], verdicts
assert "sympy" not in sys.modules
print("ok")
"""


def test_sympy_is_never_imported_when_all_is_cached_or_invalid(tmp_path: Path) -> None:
    for spec in SPECS:
        write_cached(tmp_path, spec, Verdict("holds", "ok."))
    pairs = [(spec.expr, spec.says) for spec in SPECS]
    script = f"SPECS = {pairs!r}\nFOLDER = {str(tmp_path)!r}\n" + NO_SYMPY
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.stdout.strip() == "ok", result.stderr
