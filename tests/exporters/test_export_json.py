"""JSON export: golden file, read back by jsonschema against the published schema, computed values."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from export_helpers import GOLDEN, REAL_BANK, check_golden, export

from mlbank.exporters.json_model import SCHEMA_VERSION

SCHEMA = Path(__file__).parents[2] / "schema" / "export.schema.json"
# The published schemas of earlier minor versions: apps that pinned one must still accept the export.
OLD_SCHEMAS = [GOLDEN / "export.schema.1.1.0.json", GOLDEN / "export.schema.1.0.0.json"]


@pytest.fixture(scope="module")
def mini_json(shared_minibank: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("json") / "mini.json"
    run = export("--format", "json", "--out", out, shared_minibank)
    assert run.code == 0, run.output
    return out


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_matches_golden(mini_json: Path) -> None:
    check_golden("minibank.json", mini_json.read_bytes())


def test_validates_against_published_schema(mini_json: Path) -> None:
    data = json.loads(mini_json.read_text(encoding="utf-8"))
    validator().validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    assert [q["id"] for q in data["questions"]] == ["q01", "qf01"]


def test_question_carries_every_field_and_computed_claims(mini_json: Path) -> None:
    q01 = json.loads(mini_json.read_text(encoding="utf-8"))["questions"][0]
    expected = {"id", "section", "label", "title", "prompt", "answer", "rubric", "topics", "see"}
    expected |= {"companies", "level", "time_minutes", "worked", "review"}
    expected |= {"title_html", "prompt_html", "answer_html", "rubric_html", "references"}  # 1.2
    assert set(q01) == expected
    assert q01["review"] == {"by": "fixture-review", "on": "2026-12-06", "current": True}
    assert set(q01["rubric"]) == {"strong_hire", "lean_hire", "no_hire"}
    assert q01["time_minutes"] == 2 and isinstance(q01["time_minutes"], int)
    assert "\\$50" in q01["answer"] and "$-\\log(0.01) \\approx 4.6$" in q01["answer"]
    claim = q01["worked"][0]
    assert claim["says"] == "4.6" and claim["rounded"] == "4.6"
    assert claim["value"].startswith("4.605")


def test_schema_pins_the_major_version(mini_json: Path) -> None:
    data = json.loads(mini_json.read_text(encoding="utf-8"))
    major = int(SCHEMA_VERSION.split(".")[0])
    assert validator().is_valid({**data, "schema_version": f"{major}.99.0"})
    assert not validator().is_valid({**data, "schema_version": f"{major + 1}.0.0"})


def test_schema_rejects_a_question_without_a_field(mini_json: Path) -> None:
    data: dict[str, Any] = json.loads(mini_json.read_text(encoding="utf-8"))
    del data["questions"][0]["rubric"]
    assert not validator().is_valid(data)


def test_real_bank_validates(tmp_path: Path) -> None:
    out = tmp_path / "bank.json"
    run = export("--format", "json", "--out", out, REAL_BANK)
    assert run.code == 0, run.output
    data = json.loads(out.read_text(encoding="utf-8"))
    validator().validate(data)
    files = sorted((REAL_BANK / "questions").rglob("*.yaml"))
    assert len(data["questions"]) == len(files)
    assert all(c["value"] or c["equals"] for q in data["questions"] for c in q["worked"])


@pytest.mark.slow
@pytest.mark.parametrize("schema", [SCHEMA, *OLD_SCHEMAS], ids=lambda p: p.name)
def test_check_jsonschema_cli_accepts_real_bank_export(schema: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.json"
    assert export("--format", "json", "--out", out, REAL_BANK).code == 0
    tool = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    assert tool is not None, "check-jsonschema is in the test extra"
    done = subprocess.run(
        [tool, "--schemafile", str(schema), str(out)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
