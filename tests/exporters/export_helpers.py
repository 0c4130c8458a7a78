"""Helpers for the exporter tests: run `mlbank export`, compare with golden files, copy the mini bank."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, NamedTuple

from cli_runner import NEUTRAL
from click.testing import CliRunner

from mlbank.cli_commands import cli

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
MINIBANK = HERE.parent / "fixtures" / "minibank"
REAL_BANK = HERE.parent.parent / "bank"
UPDATE_GOLDEN = "MLBANK_UPDATE_GOLDEN"  # set to 1 to rewrite the golden files from the current output


class Run(NamedTuple):
    code: int
    output: str
    stdout_bytes: bytes


def export(*args: str | Path, cwd: Path | None = None) -> Run:
    old = Path.cwd()
    os.chdir(cwd or NEUTRAL)
    try:
        result = CliRunner().invoke(cli, ["export", *map(str, args)], catch_exceptions=False)
    finally:
        os.chdir(old)
    return Run(result.exit_code, result.output, result.stdout_bytes)


def check_golden(name: str, data: bytes) -> None:
    """Byte-for-byte comparison with tests/exporters/golden/<name>."""
    path = GOLDEN / name
    if os.environ.get(UPDATE_GOLDEN) == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"no golden file {path}: run with {UPDATE_GOLDEN}=1 once and review it"
    assert data == path.read_bytes(), (
        f"{name} differs from its golden file; if intended, rerun with {UPDATE_GOLDEN}=1"
    )


def fresh_minibank(folder: Path) -> Path:
    target = folder / "bank"
    shutil.copytree(MINIBANK, target)
    return target


def import_apkg(col: Any, path: Path) -> Any:
    """Import with Anki's defaults for updates: a note is replaced only when the incoming one is newer."""
    from anki.import_export_pb2 import (
        IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        ImportAnkiPackageOptions,
        ImportAnkiPackageRequest,
    )

    options = ImportAnkiPackageOptions(
        update_notes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        update_notetypes=IMPORT_ANKI_PACKAGE_UPDATE_CONDITION_IF_NEWER,
        with_scheduling=False,
    )
    return col.import_anki_package(ImportAnkiPackageRequest(package_path=str(path), options=options)).log
