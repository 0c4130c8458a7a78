"""`mlbank init`: a team starts a bank of its own, and every schema line resolves in any project."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from cli_runner import invoke

from mlbank.commands import init, new
from mlbank.commands.schema import SCHEMAS
from mlbank.config import find_config
from mlbank.formatter import schema_header
from mlbank.loader import parse_yaml

ROOT = Path(__file__).parent.parent
BANK_FILES = ("bank/bank.yaml", "bank/topics.yaml", init.EXAMPLE)
SCHEMA_LINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$")


def run(cwd: Path, *args: str) -> tuple[int, str, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.stdout, result.stderr


def schema_target(path: Path) -> Path:
    """The file a bank file's first line points the editor at (it must exist)."""
    match = SCHEMA_LINE.match(path.read_text(encoding="utf-8").splitlines()[0])
    assert match, f"{path}: no schema line"
    return (path.parent / match.group(1)).resolve()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A fresh project folder, away from this repository's configuration and schema/ folder."""
    folder = tmp_path / "interviews"
    folder.mkdir()
    return folder


# --- the whole path a new team walks --------------------------------------------------------------


def test_init_then_lint_new_fmt_lint_export(project: Path) -> None:
    code, out, err = run(project, "init")
    assert code == 0, out + err
    made = (*BANK_FILES, "mlbank.toml", ".pre-commit-config.yaml", "docs/REVIEWING.md")
    for name in (*made, *(f"schema/{s}" for s in SCHEMAS.values())):
        assert (project / name).is_file(), name
        assert f"created {name}" in out
    assert find_config(project).bank == project / "bank"

    # The example passes lint; the one warning asks for its review (it carries no stamp on purpose).
    code, out, _ = run(project, "lint")
    assert code == 0 and "MB600" in out and "1 warning" in out, out
    assert "docs/REVIEWING.md" in out  # the guide the message names is in the project
    assert "review:" not in (project / init.EXAMPLE).read_text()
    assert run(project, "fmt", "--check")[0] == 0  # the scaffold is already canonical

    code, out, err = run(project, "new", "--section", "screening", "--topic", "ensembles", "Stacking")
    assert code == 0, out + err
    [created] = (project / "bank/questions/screening").glob("q02-*.yaml")
    assert schema_target(created) == project / "schema/question.schema.json"
    text = created.read_text()
    for field, placeholder in new.PLACEHOLDERS.items():  # as an author writes them
        text = text.replace(placeholder.strip(), f"What the {field} of a question on stacking says.")
    created.write_text(text)
    assert run(project, "fmt")[0] == 0
    code, out, _ = run(project, "lint")
    assert code == 0, out

    code, out, err = run(project, "export", "--format", "json", "--out", "bank.json")
    assert code == 0, out + err
    exported = json.loads((project / "bank.json").read_text())
    assert [q["id"] for q in exported["questions"]] == ["q01", "q02"]
    export_schema = json.loads((project / "schema/export.schema.json").read_text())
    jsonschema.Draft202012Validator(export_schema).validate(exported)


def test_every_bank_file_points_at_a_schema_in_the_project_that_accepts_it(project: Path) -> None:
    assert run(project, "init")[0] == 0
    for name in BANK_FILES:
        path = project / name
        target = schema_target(path)
        assert target.is_file() and target.parent == project / "schema", name
        data = parse_yaml(path.read_text())[0]
        jsonschema.Draft202012Validator(json.loads(target.read_text())).validate(data)


def test_the_written_schemas_are_current(project: Path) -> None:
    assert run(project, "init")[0] == 0
    code, out, _ = run(project, "schema", "--check")
    assert code == 0, out


def test_init_into_a_new_folder_says_where_to_go(tmp_path: Path) -> None:
    code, out, _ = run(tmp_path, "init", "team/bank-project")
    assert code == 0
    assert (tmp_path / "team/bank-project/bank/bank.yaml").is_file()
    assert "created team/bank-project/bank/bank.yaml" in out
    assert "cd team/bank-project" in out


# --- configuration --------------------------------------------------------------------------------


def test_an_existing_pyproject_gains_the_table_and_keeps_everything_else(project: Path) -> None:
    original = '# our tools\n[project]\nname = "interviews"  # keep me\n\n[tool.ruff]\nline-length = 99'
    (project / "pyproject.toml").write_text(original)
    code, out, _ = run(project, "init")
    assert code == 0 and "added [tool.mlbank] to pyproject.toml" in out
    assert not (project / "mlbank.toml").exists()
    text = (project / "pyproject.toml").read_text()
    assert text.startswith(original + "\n")
    assert find_config(project).bank == project / "bank"
    assert run(project, "lint")[0] == 0


def test_a_pyproject_with_an_mlbank_table_is_not_touched(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.mlbank]\nbank = "questions"\n')
    code, _, err = run(project, "init")
    assert code == 1 and "pyproject.toml already has [tool.mlbank]" in err
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


def test_an_unreadable_pyproject_is_reported_and_nothing_is_written(project: Path) -> None:
    (project / "pyproject.toml").write_text("[project\nname = 1\n")
    code, _, err = run(project, "init")
    assert code == 2 and "pyproject.toml" in err and "TOML" in err
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


def test_a_table_that_toml_cannot_take_is_refused(project: Path) -> None:
    (project / "pyproject.toml").write_text("tool = {ruff = {line-length = 99}}\n")  # [tool.x] cannot follow
    code, _, err = run(project, "init")
    assert code == 2 and "pyproject.toml" in err and "mlbank.toml" in err
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]


# --- refusals -------------------------------------------------------------------------------------


def test_existing_files_are_never_overwritten(project: Path) -> None:
    (project / "bank").mkdir()
    (project / "bank/bank.yaml").write_text("title: ours\n")
    (project / "mlbank.toml").write_text('bank = "bank"\n')
    code, out, err = run(project, "init")
    assert code == 1 and out == ""
    assert "nothing written" in err and "bank/bank.yaml" in err and "mlbank.toml" in err
    assert (project / "bank/bank.yaml").read_text() == "title: ours\n"
    assert sorted(p.name for p in project.iterdir()) == ["bank", "mlbank.toml"]


def test_a_bank_folder_with_files_in_it_is_refused(project: Path) -> None:
    (project / "bank/questions").mkdir(parents=True)
    (project / "bank/questions/notes.md").write_text("ours\n")
    code, _, err = run(project, "init")
    assert code == 1 and "bank/ already holds files" in err
    assert sorted(p.name for p in project.iterdir()) == ["bank"]


def test_an_existing_precommit_config_is_left_alone_and_the_hooks_are_shown(project: Path) -> None:
    (project / ".pre-commit-config.yaml").write_text("repos: []\n")
    code, out, _ = run(project, "init")
    assert code == 0
    assert (project / ".pre-commit-config.yaml").read_text() == "repos: []\n"
    assert "left .pre-commit-config.yaml as it is" in out and "id: mlbank-lint" in out


def test_an_existing_review_guide_is_the_teams_own(project: Path) -> None:
    (project / "docs").mkdir()
    (project / "docs/REVIEWING.md").write_text("# Ours\n")
    code, out, _ = run(project, "init")
    assert code == 0 and "left docs/REVIEWING.md as it is" in out
    assert (project / "docs/REVIEWING.md").read_text() == "# Ours\n"


def test_a_file_where_a_folder_goes_is_refused(project: Path) -> None:
    (project / "schema").write_text("")
    code, _, err = run(project, "init")
    assert code == 1 and "schema (a file, where mlbank init makes a folder)" in err
    assert sorted(p.name for p in project.iterdir()) == ["schema"]


def test_a_file_where_the_folder_should_be_is_a_usage_error(project: Path) -> None:
    (project / "taken").write_text("")
    code, _, err = run(project, "init", "taken")
    assert code == 2 and "taken" in err and "not a folder" in err


def test_a_failed_write_leaves_nothing_behind(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    calls: list[Path] = []

    def failing(path: Path, text: str) -> None:
        calls.append(path)
        if len(calls) == 4:
            raise OSError(28, "No space left on device")
        (path).write_text(text)

    monkeypatch.setattr(init, "write_text", failing)
    code, _, err = run(project, "init")
    assert code == 2 and "No space left on device" in err and "nothing was written" in err
    assert sorted(p.name for p in project.iterdir()) == ["pyproject.toml"]
    assert (project / "pyproject.toml").read_text() == "[project]\nname = 'x'\n"


# --- the pre-commit configuration -----------------------------------------------------------------


def test_precommit_config_uses_this_projects_hooks_and_a_loud_placeholder(project: Path) -> None:
    assert run(project, "init")[0] == 0
    text = (project / ".pre-commit-config.yaml").read_text()
    config = parse_yaml(text)[0]
    [repo] = config["repos"]
    published = {h["id"] for h in parse_yaml((ROOT / ".pre-commit-hooks.yaml").read_text())[0]}
    assert {h["id"] for h in repo["hooks"]} == published
    assert repo["repo"] == init.REPO_PLACEHOLDER and "FILL-IN" in repo["rev"]
    assert "replace" in text.lower()  # the comment tells the user to fill it in


@pytest.mark.slow
def test_precommit_fails_loudly_until_the_placeholder_is_filled_then_passes(project: Path) -> None:
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(project.parent / "cache"),
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }

    def precommit() -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "pre_commit", "run", "--all-files"]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    assert run(project, "init")[0] == 0
    subprocess.run(["git", "init", "-q"], cwd=project, env=env, check=True)
    subprocess.run(["git", "add", "."], cwd=project, env=env, check=True)
    unfilled = precommit()
    assert unfilled.returncode != 0 and init.REPO_PLACEHOLDER in unfilled.stdout + unfilled.stderr

    rev = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True)
    config = project / ".pre-commit-config.yaml"
    text = config.read_text().replace(init.REPO_PLACEHOLDER, str(ROOT.resolve()))
    config.write_text(re.sub(r"rev: \S+", f"rev: {rev.stdout.strip()}", text))
    filled = precommit()
    assert filled.returncode == 0, filled.stdout + filled.stderr
    assert "mlbank lint" in filled.stdout


# --- schema lines ---------------------------------------------------------------------------------


def test_schema_header_points_at_the_nearest_schema_folder(tmp_path: Path) -> None:
    # A Python project whose bank and schemas live one folder down: the schemas that exist win over
    # a schema/ folder next to pyproject.toml that does not.
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'app'\n")
    question = tmp_path / "interviews/bank/questions/screening/q01-x.yaml"
    question.parent.mkdir(parents=True)
    (tmp_path / "interviews/schema").mkdir()
    (tmp_path / "interviews/schema/question.schema.json").write_text("{}")
    assert schema_header(question, "question").endswith("=../../../schema/question.schema.json")
    # Without any schema file, it names where `mlbank schema --write` puts them: the project root.
    assert schema_header(tmp_path / "interviews/bank/bank.yaml", "bank").endswith(
        "=../../schema/bank.schema.json"
    )


def test_new_fmt_and_import_write_lines_that_resolve_in_a_nested_layout(tmp_path: Path) -> None:
    # The team keeps its bank and schemas in a folder of a larger Python project, configured in the
    # project's pyproject.toml: the lines name interviews/schema, not a schema/ beside pyproject.toml.
    assert run(tmp_path, "init", "interviews")[0] == 0
    (tmp_path / "interviews/mlbank.toml").unlink()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.mlbank]\nbank = "interviews/bank"\n'
    )
    code, out, err = run(tmp_path, "new", "--section", "screening", "--topic", "ensembles", "Stacking")
    assert code == 0, out + err
    [created] = (tmp_path / "interviews/bank/questions/screening").glob("q02-*.yaml")
    assert schema_target(created) == tmp_path / "interviews/schema/question.schema.json"

    example = tmp_path / "interviews" / init.EXAMPLE
    example.write_text(example.read_text().split("\n", 1)[1])  # no schema line: fmt adds one
    assert run(tmp_path, "fmt", str(example))[0] == 0
    assert schema_target(example) == tmp_path / "interviews/schema/question.schema.json"

    assert run(tmp_path, "export", "--format", "markdown", "--out", "page.md")[0] == 1  # q02 is TODOs
    created.unlink()
    assert run(tmp_path, "export", "--format", "markdown", "--out", "page.md")[0] == 0
    example.unlink()
    code, out, err = run(tmp_path, "import", "page.md")
    assert code == 0, out + err
    assert schema_target(example) == tmp_path / "interviews/schema/question.schema.json"


def test_schema_header_stops_at_the_project(tmp_path: Path) -> None:
    # A schema folder above the project belongs to something else: never point outside the project.
    (tmp_path / "schema").mkdir()
    (tmp_path / "schema/question.schema.json").write_text("{}")
    project = tmp_path / "team"
    (project / "bank/questions/screening").mkdir(parents=True)
    (project / "mlbank.toml").write_text('bank = "bank"\n')
    header = schema_header(project / "bank/questions/screening/q01-x.yaml", "question")
    assert header.endswith("=../../../schema/question.schema.json")  # team/schema, to be written


def test_schema_write_from_anywhere_in_the_project_writes_where_the_lines_point(project: Path) -> None:
    assert run(project, "init")[0] == 0
    shutil.rmtree(project / "schema")
    code, out, _ = run(project / "bank/questions", "schema", "--write")
    assert code == 0, out
    assert schema_target(project / init.EXAMPLE).is_file()


# --- what a pip-installed mlbank ships ------------------------------------------------------------


@pytest.mark.slow
def test_an_installed_mlbank_ships_the_scaffold(tmp_path: Path) -> None:
    """Build the package as pip would (setuptools' build_py, package data included) and run init
    from the build, in a folder with no repository around it."""
    source = tmp_path / "src"
    source.mkdir()
    shutil.copytree(ROOT / "mlbank", source / "mlbank", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    build = tmp_path / "site"
    script = (
        "from setuptools.dist import Distribution\n"
        "from setuptools.config.pyprojecttoml import apply_configuration\n"
        "d = Distribution(); apply_configuration(d, 'pyproject.toml'); d.script_name = 'setup.py'\n"
        f"c = d.get_command_obj('build_py'); c.build_lib = {str(build)!r}; d.run_command('build_py')\n"
    )
    built = subprocess.run([sys.executable, "-c", script], cwd=source, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    project = tmp_path / "fresh"
    project.mkdir()
    env = {**os.environ, "PYTHONPATH": str(build)}

    def mlbank(*args: str) -> subprocess.CompletedProcess[str]:
        code = "import sys, mlbank; assert mlbank.__file__.startswith(sys.argv[1]); " + (
            "from mlbank.cli import main; main(sys.argv[2:])"
        )
        command = [sys.executable, "-c", code, str(build), *args]
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=300)

    for args in (("init",), ("lint",), ("schema", "--check")):
        result = mlbank(*args)
        assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert schema_target(project / init.EXAMPLE).is_file()


@pytest.mark.parametrize(
    "command", [("lint",), ("new", "--section", "screening", "--topic", "x", "T"), ("stats",)]
)
def test_a_folder_without_a_bank_points_to_init(project: Path, command: tuple[str, ...]) -> None:
    code, _, err = run(project, *command)
    assert code == 2 and "no bank found" in err and "`mlbank init`" in err


def test_a_configured_bank_that_is_missing_does_not_suggest_init(project: Path) -> None:
    (project / "mlbank.toml").write_text('bank = "moved"\n')
    code, _, err = run(project, "lint")
    assert code == 2 and "moved/bank.yaml does not exist" in err and "mlbank init" not in err
