"""`mlbank preview PATH`: a question file or a section folder rendered as the site shows it, with its
lint findings at the top, even when the file has errors; the browser is opened unless --no-open."""

from __future__ import annotations

import getpass
import os
import stat
import tempfile
import webbrowser
from pathlib import Path

import pytest
from bank_edits import edit
from cli_runner import invoke
from click.testing import Result
from site_html import Page, active_content, read

from mlbank.exporters.site import MARKER, PREVIEW_MARKER

Q01 = "questions/screening/q01-log-loss.yaml"


@pytest.fixture(autouse=True)
def private_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Previews without --out go to a new temporary folder: keep those inside the test's own."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))


def preview_home(tmp_path: Path) -> Path:
    """The user's own folder of previews in the (test's) temporary folder."""
    user = os.getuid() if hasattr(os, "getuid") else getpass.getuser()
    return tmp_path / "tmp" / f"mlbank-preview-{user}"


def export(out: Path, bank: Path, cwd: Path) -> Result:
    return invoke("export", "--format", "html", "--out", str(out), str(bank), cwd=cwd)


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
    assert page_path.parent.parent.parent == preview_home(tmp_path)  # the user's preview folder
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
    assert not (out / "questions/qf01.html").exists() and (out / PREVIEW_MARKER).is_file()
    assert not (out / MARKER).exists()  # a preview is not a site: see test_preview_and_export_markers
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
    assert code == 2 and PREVIEW_MARKER in output
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


# --- the review's findings: long ids, `--out .`, markers, temporary folders that pile up -----------

LONG_TOPIC = "loss-functions-" + "x" * 105  # 120 characters: kebab-case, so the schema lets it through


def test_a_topic_id_too_long_for_a_file_name_does_not_stop_a_preview(minibank: Path, tmp_path: Path) -> None:
    for path in minibank.rglob("*.yaml"):  # a preview makes no topic pages: the topic id names no file
        path.write_text(
            path.read_text(encoding="utf-8").replace("loss-functions", LONG_TOPIC), encoding="utf-8"
        )
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    page = read(Path(output.strip()))
    assert "Loss functions" in "".join(page.text) and active_content(page) == []


def test_a_question_id_too_long_for_a_file_name_names_its_page_by_place(
    minibank: Path, tmp_path: Path
) -> None:
    edit(minibank / Q01, "id: q01", "id: q" + "1" * 120)
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 0, output
    assert Path(output.strip()).name == "file-1.html"


def test_out_that_is_the_current_folder_is_refused(minibank: Path, tmp_path: Path) -> None:
    here = tmp_path / "pages"
    here.mkdir()
    code, output = preview("--no-open", "--out", ".", minibank / Q01, cwd=here)
    assert code == 2 and "--out . is the current folder or holds it" in output, output
    assert not (here / PREVIEW_MARKER).exists() and not (here / "index.html").exists()


def test_preview_and_export_markers(minibank: Path, tmp_path: Path) -> None:
    """A preview never replaces an exported site; an export replaces a preview and says so."""
    site = tmp_path / "site"
    assert export(site, minibank, cwd=tmp_path).exit_code == 0
    before = sorted(p.name for p in site.rglob("*"))
    code, output = preview("--no-open", "--out", site, minibank / Q01, cwd=tmp_path)
    assert code == 2 and "holds an exported site" in output and MARKER in output, output
    assert sorted(p.name for p in site.rglob("*")) == before and (site / MARKER).is_file()

    pages = tmp_path / "pages"
    assert preview("--no-open", "--out", pages, minibank / Q01, cwd=tmp_path)[0] == 0
    run = export(pages, minibank, cwd=tmp_path)
    assert run.exit_code == 0 and "replaced the preview that was there" in run.output, run.output
    assert (pages / MARKER).is_file() and not (pages / PREVIEW_MARKER).exists()


def test_previews_of_one_file_replace_each_other_in_one_private_folder(
    minibank: Path, tmp_path: Path
) -> None:
    first = Path(preview("--no-open", minibank / Q01, cwd=tmp_path)[1].strip())
    edit(minibank / Q01, "title: Log loss", "title: Log loss, again")
    second = Path(preview("--no-open", minibank / Q01, cwd=tmp_path)[1].strip())
    assert first == second and "Log loss, again" in "".join(read(second).text)
    home = preview_home(tmp_path)
    (folder,) = home.iterdir()  # one page folder, named after the file, replaced in place
    assert folder.name.startswith("q01-log-loss-") and second.parent.parent == folder
    assert stat.S_IMODE(home.stat().st_mode) == 0o700
    other = Path(preview("--no-open", minibank / "questions" / "screening", cwd=tmp_path)[1].strip())
    assert other.parent.parent == home and len(list(home.iterdir())) == 2


@pytest.mark.parametrize("make", ["symlink", "shared"])
def test_a_preview_folder_that_is_not_private_is_refused(make: str, minibank: Path, tmp_path: Path) -> None:
    home = preview_home(tmp_path)
    if make == "symlink":  # another user could have planted it, to read or change the pages
        (tmp_path / "elsewhere").mkdir()
        home.symlink_to(tmp_path / "elsewhere")
    else:
        home.mkdir()
        home.chmod(0o777)
    code, output = preview("--no-open", minibank / Q01, cwd=tmp_path)
    assert code == 2 and f"{home} is not a private folder of yours" in output and "--out" in output, output
    assert list((tmp_path / "elsewhere").iterdir() if make == "symlink" else home.iterdir()) == []


def test_help_says_where_previews_go_and_that_they_replace_each_other(tmp_path: Path) -> None:
    output = invoke("preview", "--help", cwd=tmp_path).output
    text = " ".join(output.split())
    assert "mlbank-preview-" in text and "next preview of that path replaces" in text
    assert "never an exported site" in text
