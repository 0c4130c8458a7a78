"""`mlbank export` as a command: byte-identical re-runs, atomic writes, refusal of broken banks,
filters, stdout, and usage errors."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
from export_helpers import export

import mlbank.exporters
from mlbank.exporters import EXPORTERS, Exporter

Q01 = "questions/screening/q01-log-loss.yaml"
SUFFIX = {"json": "json", "csv": "csv", "markdown": "md", "anki": "apkg"}


@pytest.mark.parametrize("fmt", list(EXPORTERS))
def test_two_runs_are_byte_identical(fmt: str, shared_minibank: Path, tmp_path: Path) -> None:
    first, second = tmp_path / f"a.{SUFFIX[fmt]}", tmp_path / f"b.{SUFFIX[fmt]}"
    assert export("--format", fmt, "--out", first, shared_minibank).code == 0
    assert export("--format", fmt, "--out", second, shared_minibank).code == 0
    assert first.read_bytes() == second.read_bytes()


def test_split_runs_are_byte_identical(shared_minibank: Path, tmp_path: Path) -> None:
    def pages(folder: Path) -> dict[str, bytes]:
        assert export("--format", "markdown", "--split", folder, shared_minibank).code == 0
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*.md")}

    assert pages(tmp_path / "a") == pages(tmp_path / "b")


def test_bank_with_lint_error_exits_1_names_it_and_keeps_earlier_export(
    minibank: Path, tmp_path: Path
) -> None:
    out = tmp_path / "bank.csv"
    assert export("--format", "csv", "--out", out, minibank).code == 0
    before = out.read_bytes()
    path = minibank / Q01
    path.write_text(path.read_text(encoding="utf-8").replace("[loss-functions]", "[loss-function]"), "utf-8")
    run = export("--format", "csv", "--out", out, minibank)
    assert run.code == 1
    assert "MB200" in run.output and "q01-log-loss.yaml:" in run.output and "Not exported" in run.output
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp file left


def test_failure_while_rendering_leaves_earlier_export(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bank.json"
    out.write_text("earlier export\n")

    def broken(view: object, options: object) -> bytes:
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(mlbank.exporters.EXPORTERS, "json", Exporter(broken, True, "broken"))
    with pytest.raises(RuntimeError):
        export("--format", "json", "--out", out, shared_minibank)
    assert out.read_text() == "earlier export\n"


def test_failure_while_writing_leaves_earlier_export(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bank.md"
    out.write_text("earlier export\n")

    def failing_replace(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device", str(dst))

    monkeypatch.setattr(os, "replace", failing_replace)
    run = export("--format", "markdown", "--out", out, shared_minibank)
    assert run.code == 2 and "No space left on device" in run.output
    assert out.read_text() == "earlier export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.md"]  # the temporary file is gone


@pytest.mark.parametrize(
    ("only", "ids"),
    [
        (["section=screening"], ["q01"]),
        (["topic=bias-variance"], ["qf01"]),
        (["company=google"], ["q01"]),
        (["section=screening", "section=quick-fire"], ["q01", "qf01"]),
        (["section=quick-fire", "company=google"], None),  # keys combine with AND: nothing left
    ],
)
def test_filters(only: list[str], ids: list[str] | None, shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    args = [a for spec in only for a in ("--only", spec)]
    run = export("--format", "csv", *args, "--out", out, shared_minibank)
    if ids is None:
        assert run.code == 2 and "select no questions" in run.output
        return
    assert run.code == 0, run.output
    with out.open(encoding="utf-8", newline="") as fh:
        assert [row["id"] for row in csv.DictReader(fh)] == ids


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("colour=red", "unknown key 'colour'"),
        ("section", "write KEY=VALUE"),
        ("section=onsite", "no such section in the bank; known: screening, quick-fire"),
        ("company=acme", "no such company"),
        ("topic=loss-function", "no such topic"),
    ],
)
def test_bad_filters_exit_2(spec: str, message: str, shared_minibank: Path, tmp_path: Path) -> None:
    run = export("--format", "csv", "--only", spec, "--out", tmp_path / "x.csv", shared_minibank)
    assert run.code == 2 and message in run.output
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("fmt", ["csv", "markdown"])
def test_stdout_matches_the_file(fmt: str, shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.out"
    assert export("--format", fmt, "--out", out, shared_minibank).code == 0
    run = export("--format", fmt, "--out", "-", shared_minibank)
    assert run.code == 0 and run.stdout_bytes == out.read_bytes()


def test_json_to_stdout(shared_minibank: Path) -> None:
    run = export("--format", "json", "--out", "-", shared_minibank)
    assert run.code == 0 and json.loads(run.output)["questions"][0]["id"] == "q01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "anki", "--out", "-"], "binary file"),
        (["--format", "json"], "give --out"),
        (
            ["--format", "json", "--out", "x.json", "--split", "site"],
            "--split works with --format markdown only",
        ),
        (
            ["--format", "json", "--out", "x.json", "--anki-headers"],
            "--anki-headers works with --format csv only",
        ),
        (["--format", "json", "--out", "no/such/dir/x.json"], "does not exist"),
        (["--format", "csv", "--out", "."], "is a folder: name the file to write"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, shared_minibank: Path, tmp_path: Path) -> None:
    run = export(*args, shared_minibank, cwd=tmp_path)
    assert run.code == 2 and message in run.output


def test_default_bank_is_found_like_lint(shared_minibank: Path, tmp_path: Path) -> None:
    run = export("--format", "csv", "--out", "-", cwd=shared_minibank.parent)
    assert run.code == 0 and run.output.startswith("id,section,title")
    run = export("--format", "csv", "--out", "-", cwd=tmp_path)
    assert run.code == 2 and "no bank found" in run.output


def test_every_format_is_registered() -> None:
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(mlbank.exporters.__path__)}
    assert {"json_export", "csv_export", "markdown", "anki"} <= modules
    assert set(EXPORTERS) == {"json", "csv", "markdown", "anki"}


def test_a_worked_number_that_does_not_hold_is_not_exported(minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.json"
    out.write_text("earlier export\n")
    path = minibank / Q01
    path.write_text(path.read_text(encoding="utf-8").replace('says: "4.6"', 'says: "9.9"'), "utf-8")
    run = export("--format", "json", "--out", out, minibank)
    assert run.code == 1 and "q01-log-loss.yaml" in run.output and "Not exported" in run.output
    assert out.read_text() == "earlier export\n"


@pytest.mark.parametrize(
    ("fmt", "message"),
    [
        ("html", "--out '' is empty: give a folder for the pages"),
        ("json", "--out '' is empty: give a file path"),
    ],
)
def test_an_empty_out_is_named_as_given(fmt: str, message: str, shared_minibank: Path) -> None:
    run = export("--format", fmt, "--out", "", shared_minibank)
    assert run.code == 2 and message in run.output and "--out ." not in run.output
