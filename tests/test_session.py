"""The lint session (mlbank/engine/session.py): unsaved text, one file re-linted, any subset of paths,
several sessions at once, and findings that do not depend on the working directory."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from bank_edits import edit
from cli_runner import invoke

from mlbank.engine.policy import RuleOptions, Selection
from mlbank.engine.session import Session
from mlbank.finding import Finding

Q04 = "questions/screening/q04-gradient-descent-and-variants.yaml"
Q02 = "questions/screening/q02-loss-for-binary-classification.yaml"
Q03 = "questions/screening/q03-l1-vs-l2-regularization.yaml"


def cold(root: Path) -> list[dict[str, Any]]:
    """`mlbank lint --no-cache` run from the bank root: findings as JSON, paths from the root."""
    run = invoke("lint", "--no-cache", "--format", "json", ".", cwd=root)
    return list(json.loads(run.output[: run.output.rindex("]") + 1]))


def as_json(findings: list[Finding]) -> list[dict[str, Any]]:
    return [f.as_dict() for f in findings]


def test_a_session_finds_what_a_cold_lint_finds(bank: Path) -> None:
    edit(bank / Q04, "topics: [", "topics: [optimisation, ")
    assert as_json(Session(bank, Selection()).lint()) == cold(bank) != []


def test_unsaved_text_is_linted_and_the_disk_is_not_touched(bank: Path, tmp_path: Path) -> None:
    session = Session(bank, Selection())
    assert session.lint() == []
    before = (bank / Q04).read_bytes()
    text = before.decode().replace("topics: [", "topics: [optimisation, ", 1)
    found = session.update(bank / Q04, text)
    assert (bank / Q04).read_bytes() == before
    assert {(f.path, f.code) for f in found} >= {(Q04, "MB200")}
    truth = tmp_path / "truth"
    shutil.copytree(bank, truth)
    (truth / Q04).write_text(text, encoding="utf-8")
    assert as_json(found) == cold(truth)
    assert session.close(bank / Q04) == []  # the buffer dropped: the file as it is on disk


def test_an_unsaved_new_file_and_an_unsaved_bank_yaml(bank: Path, tmp_path: Path) -> None:
    session = Session(bank, Selection())
    session.lint()
    copy = "questions/screening/q99-new.yaml"
    text = (bank / Q03).read_text(encoding="utf-8")
    found = session.update(bank / copy, text)
    assert not (bank / copy).exists()
    assert "MB206" in {f.code for f in found}
    meta = (bank / "bank.yaml").read_text(encoding="utf-8").replace("  - id: screening", "  - id: screen", 1)
    found = session.update(bank / "bank.yaml", meta)
    truth = tmp_path / "truth"
    shutil.copytree(bank, truth)
    (truth / copy).write_text(text, encoding="utf-8")
    (truth / "bank.yaml").write_text(meta, encoding="utf-8")
    assert as_json(found) == cold(truth)
    assert {f.path for f in found} > {copy}


def test_one_changed_file_is_the_only_one_loaded_again(bank: Path, loaded: list[str]) -> None:
    session = Session(bank, Selection(), jobs=1)
    session.lint()
    assert len(loaded) == 65
    loaded.clear()
    edit(bank / Q03, "id: q03", "id: q02")
    found = session.update(bank / Q03)
    assert loaded == [Path(Q03).name]
    assert "MB206" in {f.code for f in found} and as_json(found) == cold(bank)
    loaded.clear()
    assert session.lint() == found  # a full refresh: only what changed on disk (nothing) is linted
    assert loaded == []


def test_findings_for_any_subset_of_paths(bank: Path) -> None:
    edit(bank / Q03, "id: q03", "id: q02")
    edit(bank / Q04, "topics: [", "topics: [optimisation, ")
    session = Session(bank, Selection())
    every = session.lint()
    assert {f.path for f in every} >= {Q03, Q04}
    assert session.findings([bank / Q04]) == [f for f in every if f.path == Q04] != []
    assert session.findings([bank / Q04, bank / Q03]) == [f for f in every if f.path in (Q03, Q04)]
    assert session.findings([bank / Q02]) == [f for f in every if f.path == Q02]
    assert session.findings() == every


def test_findings_do_not_depend_on_the_working_directory(
    bank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    edit(bank / Q04, "topics: [", "topics: [optimisation, ")
    monkeypatch.chdir(tmp_path)
    here = Session(bank, Selection()).lint()
    monkeypatch.chdir(bank / "questions")
    assert Session(Path(os.path.relpath(bank)), Selection()).lint() == here
    assert here[0].path == Q04


def test_two_sessions_at_once(bank: Path, tmp_path: Path) -> None:
    """No state outside a session: two banks linted side by side on two threads (in this process:
    forking while another thread runs is not safe), then interleaved with worker processes."""
    other = tmp_path / "other"
    shutil.copytree(bank, other)
    edit(other / Q03, "id: q03", "id: q02")
    first, second = Session(bank, Selection(), jobs=1), Session(other, Selection(), jobs=1)
    results: dict[str, list[Finding]] = {}

    def run(name: str, session: Session) -> None:
        results[name] = session.lint()

    threads = [threading.Thread(target=run, args=item) for item in (("a", first), ("b", second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results["a"] == [] and as_json(results["b"]) == cold(other) != []
    edit(bank / Q04, "topics: [", "topics: [optimisation, ")
    assert as_json(first.update(bank / Q04)) == cold(bank) != []
    assert second.findings() == results["b"]
    third, fourth = Session(bank, Selection(), jobs=2), Session(other, Selection(), jobs=2)
    assert third.lint() == first.findings() and fourth.lint() == results["b"]
    edit(other / Q04, "topics: [", "topics: [optimisation, ")
    assert as_json(fourth.lint()) == cold(other) and third.findings() == first.findings()


def test_the_selection_key_says_every_field() -> None:
    base = Selection()
    variants = [
        Selection(select=frozenset({"MB2"})),
        Selection(ignore=frozenset({"MB2"})),
        Selection(per_file_ignores=(("questions/*", frozenset({"MB200"})),)),
        Selection(root=Path("/elsewhere")),
        Selection(options=RuleOptions(review_max_age=30)),
    ]
    assert len({base.key(), *(v.key() for v in variants)}) == len(variants) + 1
    assert (
        Selection(select=frozenset({"MB2", "MB3"})).key() == Selection(select=frozenset({"MB3", "MB2"})).key()
    )


def test_a_file_under_a_hidden_folder_is_not_part_of_the_bank(bank: Path) -> None:
    session = Session(bank, Selection())
    before = session.lint()
    draft = bank / "questions" / ".drafts" / "q03-draft.yaml"
    draft.parent.mkdir()
    draft.write_text((bank / Q03).read_text(encoding="utf-8"), encoding="utf-8")
    assert session.update(draft) == before == session.update(draft, "id: [")
    assert session.lint() == before
    session.shutdown()


def test_a_deleted_file_leaves_the_sessions_store(bank: Path) -> None:
    from mlbank.engine.store import MemoryStore

    store = MemoryStore(Selection().key())
    session = Session(bank, Selection(), store=store)
    session.lint()
    held = dict(store._held)
    for k in range(3):  # an editor renaming a new file as its id changes
        path = bank / "questions" / "screening" / f"q9{k}-new.yaml"
        path.write_text(f"id: q9{k}\n", encoding="utf-8")
        session.update(path)
        path.unlink()
        session.update(path)
    assert store._held == held
    session.shutdown()


def test_a_deleted_file_leaves_the_disk_store(bank: Path, tmp_path: Path) -> None:
    from mlbank.engine.store import DiskStore

    store = DiskStore(tmp_path / "cache", bank, Selection().key())
    session = Session(bank, Selection(), store=store)
    session.lint()

    def stored() -> set[str]:
        return {
            key for bucket in store.folder.glob("*.json") for key in json.loads(bucket.read_text())["files"]
        }

    assert Q03 in stored()
    (bank / Q03).unlink()
    session.update(bank / Q03)
    assert Q03 not in stored() and Q02 in stored()
    session.shutdown()
