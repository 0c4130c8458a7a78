"""`mlbank preview PATH`: a question file or a section folder rendered as the site shows it, with its
lint findings at the top, even when the file has errors; the browser is opened unless --no-open."""

from __future__ import annotations

import tempfile
import webbrowser
from pathlib import Path

import pytest
from bank_edits import edit
from cli_runner import invoke
from site_html import Page, active_content, read

from mlbank.exporters.site import MARKER

Q01 = "questions/screening/q01-log-loss.yaml"


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Previews without --out go to a new temporary folder: keep those inside the test's own."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))


def preview(*args: str | Path, cwd: Path) -> tuple[int, str]:
    result = invoke("preview", *map(str, args), cwd=cwd)
    return result.exit_code, result.output


def findings_box(page: Page) -> str:
    """The text of the findings box, which must be the first thing in <main>."""
    tags = [e.tag for e in page.elements]
    main = tags.index("main")
    box = page.by_id("findings")
    assert box is not None and page.elements[main + 1] is box
    text = "".join(page.text)
    return text[text.index("Lint:") : text.index("Lint:") + 2000]


def test_a_good_file_is_rendered_and_its_path_printed(minibank: Path, tmp_path: Path) -> None:
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page_path = Path(output.strip())
    assert page_path.name == "q01.html" and page_path.is_file()
    assert page_path.parent.parent.parent == tmp_path / "tmp"  # a new temporary folder
    page = read(page_path)
    assert "Lint: no findings" in findings_box(page)
    assert page.by_id("answer") is not None and page.all("math")
    assert "4.60517018598809" in "".join(page.text)  # the worked number's computed value
    assert "qf01 \u00b7 Bias" in "".join(page.text)  # `see` names a question not previewed, as text
    assert active_content(page) == []
    assert (page_path.parent.parent / "index.html").is_file()
    assert (page_path.parent.parent / "style.css").is_file()


def test_a_file_with_lint_errors_shows_them_escaped_at_the_top(minibank: Path, tmp_path: Path) -> None:
    edit(minibank / Q01, "topics: [loss-functions]", "topics: [loss-function]")
    edit(minibank / Q01, "Says accuracy.", "Says accuracy. TODO <script>alert(1)</script>")
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page = read(Path(output.strip()))
    box = findings_box(page)
    assert "MB200" in box and "loss-function" in box and ":7:" in box  # code, line:col, message
    assert "MB502" in box and "error" in box
    assert active_content(page) == []
    assert "Log loss" in "".join(page.text)  # the question itself is still shown


def test_a_file_whose_model_does_not_validate_shows_what_it_can(minibank: Path, tmp_path: Path) -> None:
    edit(minibank / Q01, "topics: [loss-functions]", "topics: loss-functions")  # a string, not a list
    edit(minibank / Q01, "rubric:\n  strong_hire: |", "rubric:\n  strongest_hire: |")  # unknown key
    edit(minibank / Q01, "time_minutes: 2", "time_minutes: two")
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page = read(Path(output.strip()))
    assert "MB100" in findings_box(page)
    text = "".join(page.text)
    assert "Log loss" in text and "Which loss would you train" in text and "Binary cross-entropy" in text
    assert "Names cross-entropy without saying why." in text  # the rubric levels that are there
    assert page.all("math")


def test_a_file_that_is_not_yaml_still_gets_a_page(minibank: Path, tmp_path: Path) -> None:
    (minibank / Q01).write_text("id: q01\ntitle: [unclosed\nprompt: |\n  x\n", encoding="utf-8")
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page = read(Path(output.strip()))
    assert "MB001" in findings_box(page)
    assert "q01-log-loss.yaml" in "".join(page.text)
    index = read(Path(output.strip()).parent.parent / "index.html")  # listed though it has no section
    assert "unsectioned" in index.ids and "questions/file-1.html" in index.hrefs


def test_an_unsafe_id_does_not_name_a_file(minibank: Path, tmp_path: Path) -> None:
    edit(minibank / Q01, "id: q01", "id: ../../evil")
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page = Path(output.strip())
    assert page.parent.name == "questions" and ".." not in page.name
    assert "MB100" in findings_box(read(page))


def test_a_section_folder_gets_an_index_of_its_questions(minibank: Path, tmp_path: Path) -> None:
    edit(minibank / Q01, "topics: [loss-functions]", "topics: [loss-function]")
    out = tmp_path / "preview"
    code, output = preview("--no-open", "--out", out, minibank / "questions" / "screening", cwd=tmp_path)
    assert code == 0, output
    assert Path(output.strip()) == out / "index.html"
    index = read(out / "index.html")
    assert "MB200" in findings_box(index)
    assert "questions/q01.html" in index.hrefs and (out / "questions/q01.html").is_file()
    assert not (out / "questions/qf01.html").exists() and (out / MARKER).is_file()
    assert not any(h.startswith("topics/") for h in index.hrefs)  # no topic pages in a preview
    # Previewing again into the same folder replaces it.
    assert preview("--no-open", "--out", out, minibank / Q01, cwd=tmp_path)[0] == 0


def test_without_no_open_the_browser_is_opened(
    minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str, *_: object, **__: object) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    code, output = preview(minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    assert len(opened) == 1 and opened[0].startswith("file://") and opened[0].endswith("/questions/q01.html")
    assert opened[0] in output or str(Path(opened[0][len("file://") :])) in output


def test_no_browser_says_where_the_page_is(
    minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(webbrowser, "open", lambda *_, **__: False)
    code, output = preview(minibank / Q01, cwd=tmp_path)
    assert code == 0 and "no browser" in output and "q01.html" in output


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("questions/screening/q99.yaml", "no such file or folder"),
        ("bank.yaml", "question file or a section folder"),
        ("../elsewhere", "not inside a bank"),
    ],
)
def test_usage_errors(target: str, message: str, minibank: Path, tmp_path: Path) -> None:
    (tmp_path / "elsewhere").mkdir()
    code, output = preview("--no-open", minibank / target, cwd=tmp_path)
    assert code == 2 and message in output, output


def test_a_folder_mlbank_did_not_write_is_refused(minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine\n")
    code, output = preview("--no-open", "--out", out, minibank / Q01, cwd=tmp_path)
    assert code == 2 and MARKER in output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]
