"""`mlbank import`: the Markdown export read back into question files, exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_runner import invoke

from mlbank.importer import ImportError_, read_page

ROOT = Path(__file__).parent.parent


def run(cwd: Path, *args: str) -> tuple[int, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page") / "bank.md"
    code, text = run(ROOT, "export", "--format", "markdown", "--out", str(out))
    assert code == 0, text
    return out


def copy_project(tmp_path: Path) -> Path:
    shutil.copytree(ROOT / "bank", tmp_path / "bank")
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def files(bank: Path) -> dict[str, bytes]:
    return {
        p.relative_to(bank).as_posix(): p.read_bytes() for p in sorted((bank / "questions").rglob("*.yaml"))
    }


def test_export_then_import_changes_nothing(page: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = files(project / "bank")
    code, out = run(project, "import", str(page))
    assert code == 0, out
    assert "65 questions read, 0 changed, 65 unchanged." in out
    assert files(project / "bank") == before


def test_import_rebuilds_an_emptied_bank_byte_for_byte(page: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    before = files(project / "bank")
    shutil.rmtree(project / "bank" / "questions")
    code, out = run(project, "import", str(page))
    assert code == 0, out
    assert files(project / "bank") == before
    assert run(project, "lint")[0] == 0


def test_import_updates_an_edited_answer(page: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    text = page.read_text()
    assert "My default is binary cross-entropy" in text
    text = text.replace("My default is binary cross-entropy", "My first choice is binary cross-entropy", 1)
    edited = tmp_path / "edited.md"
    edited.write_text(text)
    assert run(project, "import", "--check", str(edited))[0] == 1
    code, out = run(project, "import", str(edited))
    assert code == 0 and "1 changed" in out
    q02 = next((project / "bank/questions/screening").glob("q02-*.yaml")).read_text()
    assert "My first choice is binary cross-entropy" in q02


@pytest.mark.parametrize(
    ("page_text", "message"),
    [
        ('<a id="q01"></a>\n\n### q01 · T\n\n<!-- mlbank: {not json} -->\n', "not valid JSON"),
        (
            '<a id="q01"></a>\n\n### q01 · T\n\n<!-- mlbank: {"id": "q01"} -->\n\nno headings\n',
            "missing the heading",
        ),
    ],
)
def test_malformed_pages_are_refused(page_text: str, message: str) -> None:
    with pytest.raises(ImportError_, match=message):
        read_page(page_text)


def test_page_cannot_write_outside_the_bank(page: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    shutil.rmtree(project / "bank" / "questions")
    hostile = page.read_text().replace('"file": "q01-', '"file": "../../../../evil-', 1)
    target = tmp_path / "hostile.md"
    target.write_text(hostile)
    code, out = run(project, "import", str(target))
    assert code == 0, out
    assert not list(tmp_path.rglob("evil-*"))
    assert (project / "bank/questions/screening").glob("q01-*.yaml")


def test_not_a_page_exits_2(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    (tmp_path / "notes.md").write_text("# just notes\n")
    code, out = run(project, "import", str(tmp_path / "notes.md"))
    assert code == 2 and "no questions found" in out
