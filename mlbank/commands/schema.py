"""`mlbank schema`: write the JSON Schemas generated from the models, or check the committed ones."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mlbank import exit_codes
from mlbank.atomic import write_text
from mlbank.commands import CommandResult
from mlbank.model import json_schema
from mlbank.paths import SCHEMA_DIR, project_root

SCHEMAS = {
    "question": "question.schema.json",
    "bank": "bank.schema.json",
    "topics": "topics.schema.json",
    "export": "export.schema.json",
}


def rendered() -> dict[str, str]:
    """File name -> the exact text that should be committed."""
    return {
        name: json.dumps(_schema(kind), indent=2, ensure_ascii=False) + "\n" for kind, name in SCHEMAS.items()
    }


def _schema(kind: str) -> dict[str, Any]:
    if kind == "export":  # the JSON export's shape, not a bank file
        from mlbank.exporters.json_model import json_schema as export_schema

        return export_schema()
    return json_schema(kind)


def schema_dir(directory: Path | None) -> Path:
    """`directory`, or the project root's schema/ folder: where bank files' schema lines point
    (mlbank.formatter.schema_header) when the project has none yet."""
    if directory is not None:
        return directory
    return project_root(Path.cwd()) / SCHEMA_DIR


def run_schema(mode: str, directory: Path | None) -> CommandResult:
    target = schema_dir(directory)
    expected = rendered()
    if mode == "write":
        target.mkdir(parents=True, exist_ok=True)
        for name, text in expected.items():
            write_text(target / name, text)
        return CommandResult(exit_codes.OK, f"wrote {len(expected)} schemas to {target}")
    stale = [name for name, text in expected.items() if _read(target / name) != text]
    if stale:
        return CommandResult(
            exit_codes.FINDINGS,
            f"stale or missing in {target}: {', '.join(stale)}; run `mlbank schema --write`",
        )
    return CommandResult(exit_codes.OK, f"{len(expected)} schemas in {target} are current")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return None
