"""Per-file results: after an edit only the changed files are linted again, and the findings are
exactly those of a cold run; a damaged or foreign store is never trusted."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bank_edits import answer_of, edit, replace_answer

from mlbank.bank import load_bank
from mlbank.engine.session import lint_root
from mlbank.engine.store import DiskStore, _bucket
from mlbank.finding import Finding
from mlbank.lint import Selection, lint_bank

SCREENING = "questions/screening"


def incremental(root: Path, jobs: int | None = None) -> list[Finding]:
    """A lint as `mlbank lint` runs it after a change: a new store object, as in a new process."""
    cache = root.parent / "cache"
    store = DiskStore(cache, root, "config", display_base=Path.cwd())
    return lint_root(
        root, Selection(), cache_dir=cache / "claims", jobs=jobs, store=store, display_base=Path.cwd()
    )


def cold(root: Path) -> list[Finding]:
    return lint_bank(load_bank(root), Selection(), cache_dir=root.parent / "cache" / "claims")


def question(root: Path, prefix: str) -> Path:
    return next((root / "questions").rglob(f"{prefix}-*.yaml"))


def copy_answer(root: Path) -> None:  # a near duplicate of a file that did not change
    replace_answer(question(root, "q33"), answer_of(question(root, "q08")))


EDITS: dict[str, Callable[[Path], None]] = {
    "per-file finding": lambda r: edit(question(r, "q04"), "topics: [", "topics: [optimisation, "),
    "claim fails": lambda r: edit(question(r, "q02"), 'says: "4.6"', 'says: "4.7"'),
    "claim invalid": lambda r: edit(question(r, "q02"), "expr: -log(0.4)", "expr: -log(0.4))"),
    "duplicate id": lambda r: edit(question(r, "q03"), "id: q03", "id: q02"),
    "reference to a deleted question": lambda r: question(r, "q23").unlink(),
    "near duplicate of an unchanged file": copy_answer,
    "suppression": lambda r: edit(question(r, "q05"), "section:", "# mlbank: ignore[MB200] old\nsection:"),
    "broken YAML": lambda r: question(r, "q06").write_text("id: q06\nsection: [unclosed\n"),
    "not UTF-8": lambda r: question(r, "q07").write_bytes(b"id: q07\nanswer: caf\xe9\n"),
    "new file": lambda r: shutil.copy(question(r, "q09"), r / SCREENING / "q99-copy.yaml"),
    "topic removed from topics.yaml": lambda r: edit(
        r / "topics.yaml", "  - id: bias-variance", "  - id: bias"
    ),
    "bank.yaml changed": lambda r: edit(r / "bank.yaml", "  - id: screening", "  - id: screen"),
}


@pytest.mark.parametrize("change", EDITS)
def test_a_run_after_an_edit_finds_what_a_cold_run_finds(bank: Path, change: str) -> None:
    assert incremental(bank) == cold(bank)
    EDITS[change](bank)
    expected = cold(bank)
    assert expected, "each edit plants a finding"
    assert incremental(bank) == expected
    assert incremental(bank) == expected  # and again, now from the store


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_worker_processes_fill_and_use_the_store(bank: Path, loaded: list[str]) -> None:
    assert incremental(bank, jobs=2) == cold(bank)  # the store is filled by two workers
    for change in ("near duplicate of an unchanged file", "duplicate id", "broken YAML"):
        EDITS[change](bank)
    expected = cold(bank)
    assert incremental(bank, jobs=2) == expected  # the three edited files, linted by two workers
    loaded.clear()  # (what forked workers load is not seen here)
    assert incremental(bank, jobs=1) == expected
    assert loaded == []  # every file came from the store the workers filled


def test_only_the_changed_file_is_linted_again(bank: Path, loaded: list[str]) -> None:
    incremental(bank)
    assert len(loaded) == 65
    loaded.clear()
    edit(question(bank, "q04"), "topics: [", "topics: [optimisation, ")
    assert any(f.code == "MB200" for f in incremental(bank))
    assert loaded == [question(bank, "q04").name]
    loaded.clear()
    edit(bank / "bank.yaml", "title: ML interview", "title: An ML interview")
    incremental(bank)
    assert len(loaded) == 65  # every question is judged against bank.yaml: all of them again


def test_the_store_serves_any_spelling_of_the_bank_path(
    bank: Path, loaded: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`mlbank lint` may get the bank as an absolute path and pre-commit as a relative one: both
    must find the same entries, or they would undo each other's work on every run."""
    monkeypatch.chdir(bank.parent)
    cache = bank.parent / "cache"
    expected = lint_root(
        bank,
        Selection(),
        display_base=Path.cwd(),
        store=DiskStore(cache, bank, "config", display_base=Path.cwd()),
    )
    loaded.clear()
    for spelling in (Path("bank"), Path("./bank/../bank")):
        assert (
            lint_root(
                spelling,
                Selection(),
                display_base=Path.cwd(),
                store=DiskStore(cache, spelling, "config", display_base=Path.cwd()),
            )
            == expected
        )
    assert loaded == []


def test_a_store_from_another_configuration_is_not_used(bank: Path, loaded: list[str]) -> None:
    cache = bank.parent / "cache"
    lint_root(
        bank,
        Selection(),
        display_base=Path.cwd(),
        store=DiskStore(cache, bank, "config", display_base=Path.cwd()),
    )
    other = DiskStore(cache, bank, "config", display_base=Path.cwd())
    other.config_key = "another configuration"  # same file name, another context inside
    loaded.clear()
    lint_root(bank, Selection(), display_base=Path.cwd(), store=other)
    assert len(loaded) == 65


def _store_file(root: Path, path: Path) -> Path:
    """The bucket file that holds `path`'s entry."""
    (folder,) = (root.parent / "cache").rglob("files-*")
    return folder / f"{_bucket(key(root, path)):02x}.json"


def key(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def _entries(root: Path) -> dict[str, Any]:
    files: dict[str, Any] = {}
    for bucket in (root.parent / "cache").rglob("files-*/*.json"):
        files.update(json.loads(bucket.read_text())["files"])
    return files


def _damage_entry(position: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def damage(entry: dict[str, Any]) -> None:
        entry[position] = value

    return damage


ENTRY_DAMAGE: dict[str, Callable[[dict[str, Any]], None]] = {
    "too short": lambda e: e.popitem(),
    "display not a string": _damage_entry("display", 7),
    "findings not a list": _damage_entry("findings", {"path": "x"}),
    "finding with a wrong field": lambda e: e["findings"].append({"path": e["display"], "line": "1"}),
    "finding about another file": lambda e: e["findings"].append(
        {
            "path": "elsewhere.yaml",
            "line": 1,
            "column": 1,
            "code": "MB200",
            "name": "n",
            "severity": "error",
            "message": "m",
        }
    ),
    "data not a mapping": _damage_entry("data", ["id"]),
    "suppression of the wrong shape": _damage_entry("suppressions", [[1, 2]]),
    "fingerprint not base64": _damage_entry("fingerprints", ["not base64!", None]),
    "fingerprint of a partial hash": _damage_entry("fingerprints", ["AAAA", None]),
    "claims of the wrong shape": _damage_entry("claims", [["x"]]),
}


@pytest.mark.parametrize("damage", ENTRY_DAMAGE)
def test_a_damaged_entry_is_linted_again_not_trusted(bank: Path, loaded: list[str], damage: str) -> None:
    expected = incremental(bank)
    target = question(bank, "q02")
    stored = json.loads(_store_file(bank, target).read_text())
    ENTRY_DAMAGE[damage](stored["files"][key(bank, target)])
    _store_file(bank, target).write_text(json.dumps(stored))
    loaded.clear()
    assert incremental(bank) == expected
    assert loaded == [target.name]
    assert (
        _entries(bank)[key(bank, target)]["digest"] == stored["files"][key(bank, target)]["digest"]
    )  # stored afresh


@pytest.mark.parametrize("content", [b"", b"\x00\xff garbage", b"[1, 2]", b'{"context": 1}', b"{" * 100_000])
def test_a_damaged_store_is_ignored(bank: Path, loaded: list[str], content: bytes) -> None:
    expected = incremental(bank)
    target = question(bank, "q02")
    bucket = _store_file(bank, target)
    held = json.loads(bucket.read_text())["files"]
    bucket.write_bytes(content)
    loaded.clear()
    assert incremental(bank) == expected
    assert sorted(loaded) == sorted(Path(p).name for p in held)  # that bucket's files, no others
    assert json.loads(bucket.read_text())["files"].keys() == held.keys()  # and replaced by a good one


def test_what_cannot_come_back_exactly_is_not_stored(bank: Path) -> None:
    question(bank, "q07").write_bytes(b"id: q07\nanswer: caf\xe9\n")  # no text: never remembered
    edit(question(bank, "q08"), "see: [", "see: [.nan, ")  # JSON has no NaN
    deleted = question(bank, "q09")
    incremental(bank)
    deleted.unlink()
    findings = incremental(bank)
    stored = _entries(bank)
    assert key(bank, question(bank, "q07")) not in stored and key(bank, question(bank, "q08")) not in stored
    assert key(bank, deleted) not in stored and len(stored) == 62
    assert {"MB002", "MB205"} <= {f.code for f in findings}
    assert incremental(bank) == cold(bank)


def test_fingerprints_from_an_earlier_process_still_find_near_duplicates(bank: Path) -> None:
    """Fingerprints are stored on disk, so they must not depend on the process's hash salt."""
    env = {**os.environ, "MLBANK_CACHE_DIR": str(bank.parent / "cache")}

    def lint(seed: str) -> str:
        env["PYTHONHASHSEED"] = seed
        run = [
            sys.executable,
            "-c",
            "from mlbank.cli import main; main()",
            "lint",
            "--select",
            "MB500",
            "bank",
        ]
        return subprocess.run(
            run, cwd=bank.parent, env=env, capture_output=True, text=True, check=False
        ).stdout

    assert "All checks passed." in lint("1")
    copy_answer(bank)  # q33 now repeats q08's answer; q08 itself is unchanged and comes from the store
    out = lint("2")
    assert "MB500" in out and "q08" in out, out


def test_after_an_edit_unchanged_files_are_not_even_read(
    bank: Path, monkeypatch: pytest.MonkeyPatch, loaded: list[str]
) -> None:
    """Through `mlbank lint`: the whole-bank cache knows every file's digest from its stats, so the
    unchanged question files are neither linted nor read."""
    from cli_runner import invoke

    from mlbank import source

    monkeypatch.setenv("MLBANK_CACHE_DIR", str(bank.parent / "cache"))
    assert invoke("lint", "bank", cwd=bank.parent).exit_code == 0
    read: list[str] = []
    real = source.read_bytes

    def spy(path: Path) -> Any:
        read.append(path.name)
        return real(path)

    monkeypatch.setattr(source, "read_bytes", spy)
    loaded.clear()
    target = question(bank, "q04")
    edit(target, "topics: [", "topics: [optimisation, ")
    result = invoke("lint", "bank", cwd=bank.parent)
    assert result.exit_code == 1 and "MB200" in result.output
    assert loaded == [target.name]
    assert sorted(read) == sorted(["bank.yaml", "topics.yaml", target.name])
