"""Linting in worker processes gives exactly the findings of linting in one process."""

from __future__ import annotations

import os
import pickle
import shutil
import sys
from pathlib import Path

import pytest
from bank_edits import answer_of, edit, replace_answer
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.engine import runners, session, stages
from mlbank.lint import Selection, lint_bank
from mlbank.loader import load_document

ROOT = Path(__file__).parent.parent
QUESTIONS = "questions/screening"

needs_fork = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="workers are forked on Linux only"
)


@pytest.fixture(scope="module")
def broken_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real bank with one problem of each bank-wide and per-file kind planted in it."""
    root = tmp_path_factory.mktemp("parallel") / "bank"
    shutil.copytree(ROOT / "bank", root)
    q = root / QUESTIONS
    edit(
        q / "q02-loss-for-binary-classification.yaml",
        "see: [loss-functions, q23,",
        "see: [loss-functions, q99,",
    )
    edit(q / "q02-loss-for-binary-classification.yaml", 'says: "4.6"', 'says: "4.7"')
    edit(q / "q03-l1-vs-l2-regularization.yaml", "id: q03", "id: q02")
    edit(q / "q04-gradient-descent-and-variants.yaml", "topics: [", "topics: [optimisation, ")
    edit(q / _name(q, "q05-"), "section:", "# mlbank: ignore[MB200] kept from an old import\nsection:")
    (q / _name(q, "q06-")).write_text("id: q06\nsection: [unclosed\n", encoding="utf-8")
    edit(
        root / "topics.yaml",
        "topics:\n",
        "topics:\n  - id: orphan\n    title: Orphan\n    page: 12\n    summary: |\n      Nothing uses it.\n",
    )
    company = root / "questions" / "company"  # far from screening/ in bank order: another shard
    replace_answer(company / _name(company, "q33-"), answer_of(q / _name(q, "q08-")))
    return root


def lint_root(
    root: Path, selection: Selection, cache_dir: Path | None = None, jobs: int | None = None
) -> list:  # type: ignore[type-arg]
    """A one-shot session, paths shown from the working directory (as lint_bank(load_bank(root)))."""
    return session.lint_root(root, selection, cache_dir, jobs, display_base=Path.cwd())


def _name(folder: Path, prefix: str) -> str:
    return next(p.name for p in folder.iterdir() if p.name.startswith(prefix))


def _children() -> list[str]:
    """This process's live child processes (Linux), as pids."""
    return [
        pid for task in Path("/proc/self/task").iterdir() for pid in (task / "children").read_text().split()
    ]


def _lines(findings: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{f.path}:{f.line}:{f.column}: {f.code} {f.message}" for f in findings]


@needs_fork
def test_workers_find_exactly_what_one_process_finds(broken_bank: Path, tmp_path: Path) -> None:
    cache = tmp_path / "claims"
    serial = lint_bank(load_bank(broken_bank), Selection(), cache_dir=cache)
    codes = {f.code for f in serial}
    assert {"MB001", "MB200", "MB203", "MB205", "MB206", "MB400", "MB500", "MB503"} <= codes, codes
    for jobs, cache_dir in ((2, None), (3, cache)):  # None: the claims worker is prestarted
        assert _lines(lint_root(broken_bank, Selection(), cache_dir, jobs=jobs)) == _lines(serial)
    assert _children() == []  # a prestarted worker never outlives the run


@needs_fork
def test_selection_applies_in_the_workers(broken_bank: Path, tmp_path: Path) -> None:
    chosen = Selection(select=frozenset({"MB2"}), ignore=frozenset({"MB203"}))
    serial = lint_bank(load_bank(broken_bank), chosen)
    assert {f.code for f in serial} == {"MB200", "MB205", "MB206"}
    assert lint_root(broken_bank, chosen, jobs=2) == serial


@needs_fork
def test_a_system_without_worker_processes_lints_in_one(
    broken_bank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import concurrent.futures

    asked: list[int] = []

    def refuse(jobs: int, **kwargs: object) -> None:
        asked.append(jobs)
        raise OSError(38, "Function not implemented")  # as sem_open fails without /dev/shm

    serial = lint_bank(load_bank(broken_bank), Selection(ignore=frozenset({"MB4"})))
    monkeypatch.setattr(concurrent.futures, "ProcessPoolExecutor", refuse)
    assert lint_root(broken_bank, Selection(ignore=frozenset({"MB4"})), jobs=2) == serial
    assert asked == [2]


def _die(files: list[Path]) -> None:
    os._exit(9)  # as a worker killed by the OOM killer would end


@needs_fork
def test_a_dead_worker_is_reported_not_hung(broken_bank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runners, "_lint_shard", _die)
    with pytest.raises(RuntimeError, match=r"worker process died.*--jobs 1"):
        lint_root(broken_bank, Selection(), jobs=2)
    assert _children() == []


def test_small_banks_and_other_platforms_stay_in_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    assert runners.plan_jobs(65, None) == 1
    assert runners.plan_jobs(65, 2) == 2  # asked for explicitly
    assert runners.plan_jobs(3, 8) == 3  # never more workers than files
    monkeypatch.setattr(sys, "platform", "darwin")
    assert runners.plan_jobs(100_000, 4) == 1


def test_split_keeps_bank_order() -> None:
    files = [Path(f"q{i:03}.yaml") for i in range(10)]
    shards = runners.split(files, 4)
    assert [f for shard in shards for f in shard] == files
    assert len(shards) == 4


def test_a_slim_document_pickles_without_positions_yet_finds_them() -> None:
    path = ROOT / "bank" / QUESTIONS / "q02-loss-for-binary-classification.yaml"
    full = load_document(path, "q02.yaml", None)
    slim = full.slim(stages.plan(Selection()).keys)
    assert set(slim.data) == {"id", "topics", "see", "label", "section", "review"}
    restored = pickle.loads(pickle.dumps(slim))
    assert len(pickle.dumps(slim)) < len(full.text) + 2_000  # the text and a few keys, no nodes
    for path_ in [("id",), ("see", 1), ("worked", 0, "says"), ("answer",)]:
        assert restored.position(path_) == full.position(path_)
    assert restored.text_position(("worked", 0, "expr"), 2) == full.text_position(("worked", 0, "expr"), 2)


@needs_fork
def test_jobs_option(broken_bank: Path) -> None:
    one = invoke("lint", "--no-cache", "--jobs", "1", str(broken_bank))
    two = invoke("lint", "--no-cache", "--jobs", "2", str(broken_bank))
    assert one.exit_code == two.exit_code == 1
    assert one.output == two.output and "MB500" in two.output
    refused = invoke("lint", "--jobs", "0", str(broken_bank))
    assert refused.exit_code == 2 and "--jobs" in refused.output
