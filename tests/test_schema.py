"""The published schemas are current, and they agree with the linter on the real bank."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from mlbank.cli_commands import cli
from mlbank.commands.schema import SCHEMAS, rendered

ROOT = Path(__file__).parent.parent


def test_committed_schemas_are_current() -> None:
    result = CliRunner().invoke(cli, ["schema", "--check", "--dir", str(ROOT / "schema")])
    assert result.exit_code == 0, result.output


def test_check_detects_stale_schema(tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli, ["schema", "--write", "--dir", str(tmp_path)]).exit_code == 0
    (tmp_path / "question.schema.json").write_text("{}\n")
    result = runner.invoke(cli, ["schema", "--check", "--dir", str(tmp_path)])
    assert result.exit_code == 1 and "question.schema.json" in result.output


def _bank_files() -> list[tuple[str, Path]]:
    bank = ROOT / "bank"
    files = [("bank", bank / "bank.yaml"), ("topics", bank / "topics.yaml")]
    files += [("question", p) for p in sorted((bank / "questions").rglob("*.yaml"))]
    return files


@pytest.mark.parametrize(("kind", "path"), _bank_files(), ids=lambda v: getattr(v, "name", v))
def test_bank_files_validate_against_published_schema(kind: str, path: Path) -> None:
    schema = json.loads(rendered()[SCHEMAS[kind]])
    jsonschema.Draft202012Validator.check_schema(schema)
    data = YAML(typ="safe").load(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(schema).validate(data)


def test_schema_rejects_unknown_keys() -> None:
    schema = json.loads(rendered()["question.schema.json"])
    validator = jsonschema.Draft202012Validator(schema)
    assert not validator.is_valid({"id": "q01", "bogus": 1})
    claim = jsonschema.Draft202012Validator({"$defs": schema["$defs"], "$ref": "#/$defs/Claim"})
    assert claim.is_valid({"expr": "1", "says": "1", "where": {"eps": 1}})
    assert not claim.is_valid({"expr": "1", "says": "1", "where": {"1bad": 1}})


@pytest.mark.slow
def test_check_jsonschema_accepts_every_bank_file() -> None:
    """The published schema and the linter agree, checked by the peer tool itself."""
    import subprocess
    import sys
    from pathlib import Path as _Path

    tool = _Path(sys.executable).parent / "check-jsonschema"
    questions = [str(p) for _, p in _bank_files() if p.parent.parent.name == "questions"]
    for schema, files in (
        ("question.schema.json", questions),
        ("bank.schema.json", [str(ROOT / "bank" / "bank.yaml")]),
        ("topics.schema.json", [str(ROOT / "bank" / "topics.yaml")]),
    ):
        result = subprocess.run(
            [str(tool), "--schemafile", str(ROOT / "schema" / schema), *files], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stdout + result.stderr
