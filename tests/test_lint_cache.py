"""The lint cache: reused only when nothing changed, never trusted when damaged, cheap on a hit."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

Q = "questions/screening/q01-log-loss.yaml"

PROBE = """
import sys
from mlbank.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    heavy = sorted(m for m in ("pydantic", "sympy", "jsonschema", "ruamel.yaml", "click") if m in sys.modules)
    print("HEAVY=" + ",".join(heavy))
    raise
"""


def lint(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MLBANK_CACHE_DIR": str(cwd / "cache")}
    return subprocess.run(
        [sys.executable, "-c", PROBE, "lint", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def project(minibank: Path) -> Path:
    return minibank.parent


def report(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout.split("HEAVY=")[0]


def entries(project: Path) -> list[Path]:
    return sorted((project / "cache").rglob("lint-*.json"))


def test_warm_run_imports_nothing_heavy(project: Path) -> None:
    cold = lint(project)
    assert cold.returncode == 0 and "pydantic" in cold.stdout
    warm = lint(project)
    assert warm.returncode == 0 and "All checks passed." in warm.stdout
    assert "HEAVY=\n" in warm.stdout or warm.stdout.rstrip().endswith("HEAVY=")


def test_changed_file_is_relinted(project: Path) -> None:
    assert lint(project).returncode == 0
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("topics: [loss-functions]", "topics: [loss-function]"))
    result = lint(project)
    assert result.returncode == 1 and "MB200" in result.stdout
    path.write_text(path.read_text().replace("topics: [loss-function]", "topics: [loss-functions]"))
    assert lint(project).returncode == 0


def test_warm_cache_keeps_findings_and_file_filter(project: Path) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    first = lint(project)
    second = lint(project)
    assert first.returncode == second.returncode == 1
    assert "HEAVY=" in second.stdout and "pydantic" not in second.stdout.split("HEAVY=")[1]
    assert first.stdout.split("HEAVY=")[0] == second.stdout.split("HEAVY=")[0]
    other = lint(project, "bank/questions/quick-fire/qf01-bias.yaml")
    assert other.returncode == 0, other.stdout


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{not json",
        json.dumps({"format": 1, "version": "0.0.0", "config": "x", "files": {}, "findings": []}),
        "[]",
    ],
)
def test_corrupt_or_foreign_entry_is_discarded(project: Path, damage: str) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    assert lint(project).returncode == 1
    for entry in entries(project):
        entry.write_text(damage)
    again = lint(project)
    assert again.returncode == 1 and "MB105" in again.stdout and "Traceback" not in again.stderr


def test_tampered_entry_that_claims_clean_is_caught_by_content_key(project: Path) -> None:
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    assert lint(project).returncode == 1
    for entry in entries(project):
        data = json.loads(entry.read_text())
        data["key"] = "0" * 64
        data["findings"] = []
        entry.write_text(json.dumps(data))
    assert lint(project).returncode == 1


def test_no_cache_and_cache_clean(project: Path) -> None:
    assert lint(project, "--no-cache").returncode == 0
    assert entries(project) == []
    assert lint(project).returncode == 0 and entries(project)
    env = {**os.environ, "MLBANK_CACHE_DIR": str(project / "cache")}
    done = subprocess.run(
        [sys.executable, "-m", "mlbank.cli", "cache", "clean"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0 and "removed" in done.stdout
    assert not (project / "cache").exists()


# --- the stamp columns: damaged ones are ignored or discarded, never trusted ----------------------


def _with_defect(project: Path) -> None:
    """Give Q a finding, and an mtime an hour old: settled, so a warm run takes the fast path."""
    path = project / "bank" / Q
    path.write_text(path.read_text().replace("title: Log loss", "title: 2024"))
    old = time.time_ns() - 3600 * 10**9
    os.utime(path, ns=(old, old))


def _edit_entries(project: Path, change: Callable[[dict[str, Any]], None]) -> None:
    for entry in entries(project):
        data = json.loads(entry.read_text())
        change(data)
        entry.write_text(json.dumps(data))


def _set(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = value

    return change


def _shorten(key: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = data[key][:-1]

    return change


def _each(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data[key] = [value for _ in data[key]]

    return change


def _drop_first_file(data: dict[str, Any]) -> None:
    data["paths"] = data["paths"].split("\0", 1)[1]  # the columns now name one file fewer


@pytest.mark.parametrize(
    "change",
    [
        _set("paths", ["bank.yaml"]),
        _set("sizes", "123"),
        _set("mtimes", None),
        _set("hashes", 42),
        _set("taken", True),
        _set("taken", "soon"),
        _shorten("sizes"),
        _shorten("mtimes"),
        _shorten("hashes"),
        _each("sizes", "1"),
        _each("mtimes", [1, 2]),
        _each("mtimes", {"a": 1}),
        _drop_first_file,
        _set("paths", "\0\0/\0"),
    ],
    ids=[
        "paths-a-list",
        "sizes-a-string",
        "mtimes-null",
        "hashes-a-number",
        "taken-a-bool",
        "taken-a-string",
        "sizes-short",
        "mtimes-short",
        "hashes-short",
        "sizes-strings",
        "mtimes-lists",
        "mtimes-objects",
        "paths-one-file-fewer",
        "paths-garbage",
    ],
)
def test_damaged_stamp_columns_are_not_trusted(
    project: Path, change: Callable[[dict[str, Any]], None]
) -> None:
    _with_defect(project)
    first = lint(project)
    assert first.returncode == 1 and "MB105" in first.stdout
    _edit_entries(project, change)
    again = lint(project)
    assert again.returncode == 1 and "MB105" in again.stdout and "Traceback" not in again.stderr
    assert report(again) == report(first)
    # and the entry is sound again afterwards: the next run is a hit
    data = json.loads(entries(project)[0].read_text())
    assert all(type(v) is int for v in data["sizes"] + data["mtimes"])
    assert lint(project).stdout == report(first) + "HEAVY=\n"


def test_tampered_hashes_are_caught_by_the_key(project: Path) -> None:
    _with_defect(project)
    assert lint(project).returncode == 1
    _edit_entries(project, lambda data: data.update(hashes="0" * len(data["hashes"]), findings=[]))
    assert lint(project).returncode == 1


# --- stats: what a changed file looks like -------------------------------------------------------


def test_same_size_rewrite_within_the_same_mtime_is_seen(project: Path) -> None:
    """Racily clean: a file stamped just after it was written is re-hashed, so a second write that
    keeps its size and mtime (a coarse timestamp tick, or a tool restoring mtimes) is still seen."""
    path = project / "bank" / Q
    path.write_text(path.read_text() + "# fresh\n")
    assert lint(project).returncode == 0
    before = path.stat()
    text = path.read_text()
    changed = text.replace("title: Log loss", "title: 20241234")
    assert len(changed) == len(text) and changed != text
    path.write_text(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size
    result = lint(project)
    assert result.returncode == 1 and "MB105" in result.stdout


def test_new_stats_same_contents_is_a_hit_and_remembered(project: Path) -> None:
    """A checkout or a touch changes mtimes, not contents: still a hit, and the entry learns the new
    stats, so that the next run is a plain comparison again."""
    assert lint(project).returncode == 0
    old = int(time.time_ns()) - 3600 * 10**9
    for path in (project / "bank").rglob("*.yaml"):
        os.utime(path, ns=(old, old))
    result = lint(project)
    assert result.returncode == 0 and "HEAVY=\n" in result.stdout
    (data,) = [json.loads(e.read_text()) for e in entries(project)]
    assert set(data["mtimes"]) == {old}


def test_added_empty_folder_changes_nothing_but_a_broken_file_counts(project: Path) -> None:
    assert lint(project).returncode == 0
    (project / "bank" / "questions" / "drafts").mkdir()
    assert "HEAVY=\n" in lint(project).stdout  # still a hit
    broken = project / "bank" / "questions" / "screening" / "zz-broken.yaml"
    try:
        broken.symlink_to("nowhere.yaml")
    except OSError:
        pytest.skip("symlinks are not available here")
    result = lint(project)
    assert result.returncode == 1 and "zz-broken.yaml" in result.stdout
    broken.unlink()
    assert lint(project).returncode == 0


# --- the entry point: `mlbank lint [PATHS]` answered without click --------------------------------


def test_console_entry_point_answers_a_hit_with_the_right_exit_code(project: Path) -> None:
    _with_defect(project)
    env = {**os.environ, "MLBANK_CACHE_DIR": str(project / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-m", "mlbank.cli", "lint", *args],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        for args in [(), (), ("bank/" + Q,), ("bank/questions/quick-fire/qf01-bias.yaml",)]
    ]
    cold, warm, one, other = runs
    assert cold.returncode == warm.returncode == one.returncode == 1
    assert "MB105" in cold.stdout and cold.stdout == warm.stdout == one.stdout
    assert other.returncode == 0 and other.stdout == "All checks passed.\n"
    assert all(r.stderr == "" for r in runs)


def test_plain_lint_runs_what_click_would(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlbank.commands.lint as lint_command
    from mlbank.cli import main
    from mlbank.cli_commands import cli

    seen: list[tuple[list[Path], lint_command.LintOptions]] = []

    def record(paths: list[Path], options: lint_command.LintOptions) -> tuple[int, str]:
        seen.append((paths, options))
        return 1, "recorded"

    monkeypatch.setattr(lint_command, "run_lint", record)
    monkeypatch.chdir(project)
    for args in (["lint"], ["lint", "bank", "bank/" + Q]):
        with pytest.raises(SystemExit) as exit_info:
            main(args)
        assert exit_info.value.code == 1
        assert CliRunner().invoke(cli, args).exit_code == 1
        fast, click = seen[-2:]
        assert fast == click


def test_plain_lint_reports_usage_errors_like_click(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from mlbank.cli import main

    monkeypatch.chdir(project)
    with pytest.raises(SystemExit) as exit_info:
        main(["lint", "no/such/file.yaml"])
    assert exit_info.value.code == 2
    out, err = capsys.readouterr()
    assert out == "" and "Error: no/such/file.yaml: no such file or directory" in err
