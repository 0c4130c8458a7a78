"""`mlbank export --format html --out DIR`: the static site, read back with html.parser.

Pages per question and topic, links that land, MathML for every formula, byte-identical rebuilds,
an atomic swap of the folder, refusal of a folder mlbank did not write, `--only`, and hostile names
and prose that stay inert in the site and in the Anki and CSV exports of the same bank.
"""

from __future__ import annotations

import csv
import io
import json
import os
import posixpath
import re
import sqlite3
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bank_edits import edit
from export_helpers import REAL_BANK, export, fresh_minibank
from site_html import Page, active_content, is_relative, parse, read

from mlbank.bank import load_bank, real_path
from mlbank.commands import export as export_command
from mlbank.exporters import site
from mlbank.exporters.json_export import computed_values
from mlbank.exporters.view import BankView, Entry, Filters, build_view
from mlbank.render import math_spans

Q01 = "questions/screening/q01-log-loss.yaml"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def pages_of(folder: Path) -> dict[str, Page]:
    return {p.relative_to(folder).as_posix(): read(p) for p in sorted(folder.rglob("*.html"))}


@pytest.fixture(scope="module")
def real_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("real") / "site"
    run = export("--format", "html", "--out", out, REAL_BANK)
    assert run.code == 0, run.output
    return out


@pytest.fixture(scope="module")
def real_view() -> BankView:
    return build_view(load_bank(REAL_BANK), Filters())


# --- layout and page skeleton ---------------------------------------------------------------------


def test_one_page_per_question_and_topic_and_nothing_else(real_site: Path, real_view: BankView) -> None:
    expected = {"index.html", "style.css", site.MARKER}
    expected |= {f"questions/{q.id}.html" for q in real_view.questions}
    expected |= {f"topics/{t.id}.html" for t in real_view.topics}
    assert set(files_of(real_site)) == expected
    assert len(real_view.questions) == 65


def test_every_page_has_the_skeleton(real_site: Path) -> None:
    for name, page in pages_of(real_site).items():
        assert page.doctype.lower() == "doctype html", name
        assert page.all("html")[0].attrs.get("lang") == "en", name
        metas = page.all("meta")
        assert any(m.attrs.get("charset") == "utf-8" for m in metas), name
        assert {"name": "viewport", "content": "width=device-width, initial-scale=1"} in [
            m.attrs for m in metas
        ]
        csp = [m.attrs["content"] for m in metas if m.attrs.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0], name
        assert len(page.all("title")) == 1, name
        sheets = [link.attrs["href"] for link in page.all("link") if link.attrs.get("rel") == "stylesheet"]
        assert sheets == [posixpath.relpath("style.css", posixpath.dirname(name) or ".")], name
        nav = page.by_id("site-nav")
        assert nav is not None and nav.tag == "nav", name
        home = posixpath.relpath("index.html", posixpath.dirname(name) or ".")
        assert home in page.hrefs, name


def test_every_internal_link_lands_on_a_page_and_an_element(real_site: Path) -> None:
    pages = pages_of(real_site)
    for name, page in pages.items():
        for href in page.hrefs:
            if href.startswith("https://"):
                continue
            assert is_relative(href), f"{name}: {href}"
            path, _, fragment = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), path)) if path else name
            assert (real_site / target).is_file(), f"{name}: {href} -> {target} is missing"
            if fragment and target.endswith(".html"):
                assert fragment in pages[target].ids, f"{name}: {href}: no id {fragment!r} in {target}"


def test_no_script_no_request_no_foreign_link(real_site: Path) -> None:
    for name, page in pages_of(real_site).items():
        assert active_content(page) == [], name


def test_stylesheet_keeps_wide_things_in_their_own_box() -> None:
    css = re.sub(r"/\*.*?\*/", "", site.stylesheet(), flags=re.DOTALL)
    rules = {selector.strip(): body for selector, body in re.findall(r"([^{}]+)\{([^}]*)\}", css)}
    assert "max-width: 46rem" in rules["#site-nav,\nmain"] and "overflow-wrap: break-word" in css
    for selector in ('math[display="block"]', "pre", "table"):
        assert "overflow-x: auto" in rules[selector], selector


# --- index, question and topic pages --------------------------------------------------------------


def test_index_has_sections_framework_and_plan(real_site: Path, real_view: BankView) -> None:
    page = read(real_site / "index.html")
    text = "".join(page.text)
    assert real_view.meta.title in text
    for section in real_view.meta.sections:
        assert f"section-{section.id}" in page.ids
        assert f"{section.round}" in text and section.depth in text
    assert {"framework", "practice-plan", "topics"} <= page.ids
    for q in real_view.questions:
        assert f"questions/{q.id}.html" in page.hrefs
    # Plan references that name questions link to them: "q26..q28" on day 21, "q26" on day 7.
    plan_links = [h for h in page.hrefs if h.startswith("questions/")]
    assert plan_links.count("questions/q26.html") >= 3
    assert "Answer every screening question aloud" in text
    assert "index.html#section-screening" not in page.hrefs and "#section-screening" in page.hrefs


def test_question_page_hides_the_answer_and_shows_the_rest(real_site: Path, real_view: BankView) -> None:
    entry = next(e for e in real_view.entries if e.question.worked and e.question.companies)
    q = entry.question
    text = (real_site / f"questions/{q.id}.html").read_text(encoding="utf-8")
    assert '<details class="answer" id="answer"><summary>Model answer</summary>' in text
    page = parse(text)
    assert {"prompt", "answer", "rubric", "topics", "worked", "companies"} <= page.ids
    prose = "".join(page.text)
    for grade in ("Strong Hire", "Lean Hire", "No Hire"):
        assert grade in prose
    names = {c.id: c.name for c in real_view.meta.companies}
    assert all(names[c.company] in prose for c in q.companies)
    for topic in q.topics:
        assert f"../topics/{topic}.html" in page.hrefs
    assert f"../index.html#section-{q.section}" in page.hrefs
    assert entry.stamp is not None and f"Reviewed by {entry.stamp.by}" in prose


def test_worked_numbers_show_the_values_the_json_export_computes(
    real_site: Path, real_view: BankView
) -> None:
    values = computed_values(real_view.entries)
    for entry in real_view.entries:
        text = "".join(read(real_site / f"questions/{entry.question.id}.html").text)
        for claim, (value, rounded) in zip(entry.question.worked, values[entry.question.id], strict=True):
            assert claim.expr in text
            if value is not None:
                assert value in text and (rounded or "") in text, entry.question.id


def test_see_links_questions_and_topics(real_site: Path, real_view: BankView) -> None:
    for entry in real_view.entries:
        hrefs = read(real_site / f"questions/{entry.question.id}.html").hrefs
        for ref in entry.question.see:
            kind = "questions" if real_view.entry(ref) is not None else "topics"
            assert f"../{kind}/{ref}.html" in hrefs or (kind == "questions" and f"{ref}.html" in hrefs)


def test_topic_pages_list_their_questions(real_site: Path, real_view: BankView) -> None:
    for topic in real_view.topics:
        page = read(real_site / f"topics/{topic.id}.html")
        assert topic.title in "".join(page.text) and f"Page {topic.page}" in "".join(page.text)
        tagged = [q.id for q in real_view.questions if topic.id in q.topics]
        for qid in tagged:
            assert f"../questions/{qid}.html" in page.hrefs


def test_every_formula_is_mathml_and_no_dollar_math_is_left(real_site: Path, real_view: BankView) -> None:
    for entry in real_view.entries:
        q = entry.question
        fields = [q.title, q.prompt, q.answer, q.rubric.strong_hire, q.rubric.lean_hire, q.rubric.no_hire]
        fields += [c.expects or "" for c in q.companies]
        spans = sum(len(math_spans(f)) for f in fields)
        page = read(real_site / f"questions/{q.id}.html")
        assert len(page.all("math")) == spans, q.id
        assert not page.all("merror"), q.id
        assert math_spans("".join(page.prose)) == [], q.id
    assert sum(len(read(p).all("math")) for p in (real_site / "questions").iterdir()) > 200


# --- the command: determinism, atomicity, refusals, filters ---------------------------------------


def test_two_builds_are_byte_identical(shared_minibank: Path, tmp_path: Path) -> None:
    assert export("--format", "html", "--out", tmp_path / "a", shared_minibank).code == 0
    assert export("--format", "html", "--out", tmp_path / "b", shared_minibank).code == 0
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_a_new_build_replaces_the_old_site_whole(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert export("--format", "html", "--out", out, shared_minibank).code == 0
    assert (out / "questions/qf01.html").exists()
    run = export("--format", "html", "--only", "section=screening", "--out", out, shared_minibank)
    assert run.code == 0, run.output
    assert not (out / "questions/qf01.html").exists()  # nothing stale survives
    assert left_in(tmp_path) == ["site"]  # no staging or old folder left


def test_a_failure_while_rendering_writes_nothing(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    assert export("--format", "html", "--out", out, shared_minibank).code == 0
    before = files_of(out)

    def broken(*_: object) -> str:
        raise RuntimeError("renderer on fire")

    monkeypatch.setattr(site, "_topic_page", broken)
    with pytest.raises(RuntimeError):
        export("--format", "html", "--out", out, shared_minibank)
    assert files_of(out) == before and left_in(tmp_path) == ["site"]


def test_a_folder_mlbank_did_not_write_is_refused(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "notes"
    out.mkdir()
    (out / "todo.txt").write_text("mine\n")
    run = export("--format", "html", "--out", out, shared_minibank)
    assert run.code == 2
    assert f"--out {out}" in run.output and site.MARKER in run.output and "not empty" in run.output
    assert [p.name for p in out.iterdir()] == ["todo.txt"]
    assert left_in(tmp_path) == ["notes"]


def test_a_site_folder_that_is_a_git_checkout_is_refused(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert export("--format", "html", "--out", out, shared_minibank).code == 0
    (out / ".git").write_text("gitdir: /somewhere/.git/worktrees/site\n")  # a worktree of gh-pages
    run = export("--format", "html", "--out", out, shared_minibank)
    assert run.code == 2 and "holds .git" in run.output
    assert (out / ".git").is_file()


def test_an_empty_folder_or_a_new_name_is_accepted(shared_minibank: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert export("--format", "html", "--out", tmp_path / "empty", shared_minibank).code == 0
    assert (tmp_path / "empty" / site.MARKER).is_file()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p.write_text("x"), "is a file"),
        (lambda p: p.symlink_to(p.parent / "elsewhere"), "symbolic link"),
        (None, "does not exist"),
    ],
)
def test_unusable_out_is_a_usage_error(
    make: object, message: str, shared_minibank: Path, tmp_path: Path
) -> None:
    out = tmp_path / "site" if make is not None else tmp_path / "no" / "such" / "site"
    if callable(make):
        (tmp_path / "elsewhere").mkdir()
        make(out)
    run = export("--format", "html", "--out", out, shared_minibank)
    assert run.code == 2 and message in run.output, run.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--format", "html"], "give --out"),
        (["--format", "html", "--out", "-"], "writes a folder"),
        (["--format", "html", "--out", "s", "--split", "x"], "--split works with --format markdown only"),
        (["--format", "json", "--out", "."], "is a folder"),
    ],
)
def test_usage_errors(args: list[str], message: str, shared_minibank: Path, tmp_path: Path) -> None:
    run = export(*args, shared_minibank, cwd=tmp_path)
    assert run.code == 2 and message in run.output, run.output


def test_a_bank_with_lint_errors_is_refused(minibank: Path, tmp_path: Path) -> None:
    edit(minibank / Q01, "[loss-functions]", "[loss-function]")
    run = export("--format", "html", "--out", tmp_path / "site", minibank)
    assert run.code == 1 and "MB200" in run.output and "Not exported" in run.output
    assert not (tmp_path / "site").exists()


def test_only_filters_and_links_nothing_missing(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = export("--format", "html", "--only", "section=screening", "--out", out, shared_minibank)
    assert run.code == 0, run.output
    assert sorted(p.name for p in (out / "questions").iterdir()) == ["q01.html"]
    q01 = read(out / "questions/q01.html")
    assert "qf01.html" not in " ".join(q01.hrefs)
    assert "qf01 \u00b7 Bias" in "".join(q01.text)  # named as text, not a dead link
    index = read(out / "index.html")
    assert "section-screening" in index.ids and "section-quick-fire" not in index.ids
    assert not any("qf01" in h for h in index.hrefs)
    bias = read(out / "topics/bias-variance.html")
    assert not any("questions/" in h for h in bias.hrefs)


def test_an_id_that_is_not_a_safe_path_segment_is_refused(shared_minibank: Path) -> None:
    view = build_view(load_bank(shared_minibank), Filters())
    entry = view.entries[0]
    evil = entry.question.model_copy(update={"id": "../../etc/evil"})
    bad = BankView(view.root, view.meta, view.topics, (Entry(entry.doc, evil), *view.entries[1:]))
    with pytest.raises(site.UnsafeId, match=r"question id '\.\./\.\./etc/evil'.*safe"):
        site.build(site.Site(bad, {}))


# --- hostile names and prose stay inert in every HTML output --------------------------------------

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
BREAKOUT = '"><script>alert(2)</script>'
JS_LINK = "[click](javascript:alert(3))"
ATTACKS = f"{SCRIPT} {IMG} {BREAKOUT} {JS_LINK} <a href='javascript:alert(4)'>a</a> [d](data:text/html,x)"


@pytest.fixture(scope="module")
def hostile_bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    bank = fresh_minibank(tmp_path_factory.mktemp("hostile"))
    q01 = bank / Q01
    label = "label: 'Q1 <img src=x onerror=alert(5)>'"
    edit(q01, "title: Log loss", f"{label}\ntitle: 'Log loss {BREAKOUT} {IMG} {JS_LINK}'")
    edit(q01, "Which loss would you", f"{ATTACKS}\n\n  $\\text{{{SCRIPT}}}$ Which loss would you")
    edit(q01, "The formula.", f"The formula. {ATTACKS}")
    edit(q01, "Says accuracy.", f"Says accuracy. {ATTACKS}")
    edit(q01, 'level: "L4"\ntime', f"level: 'L4{BREAKOUT}'\ntime")
    edit(q01, '    level: "L4"', f"    level: 'L4{BREAKOUT}'")
    topics = bank / "topics.yaml"
    edit(topics, "title: Loss functions", f"title: 'Loss {BREAKOUT} {IMG}'")
    edit(topics, "summary: What each loss penalises.", f"summary: 'Penalties {SCRIPT} {JS_LINK}'")
    meta = bank / "bank.yaml"
    edit(meta, "title: Mini bank", f"title: 'Mini {BREAKOUT}'")
    edit(meta, "description: A two-question bank the tests build on.", f"description: '{IMG} {JS_LINK}'")
    edit(meta, "title: Screening", f"title: 'Screening {BREAKOUT}'")
    edit(meta, "round: Phone screen", f"round: 'Phone {SCRIPT}'")
    edit(meta, "depth: Definition and intuition", f"depth: 'Definition {IMG}'")
    edit(meta, "name: Google}", f"name: 'Google {BREAKOUT} {IMG}'}}")
    edit(meta, '{id: "L4", company', f"{{id: 'L4{BREAKOUT}', company")
    edit(meta, "    - Answer aloud.", f"    - 'Answer aloud. {SCRIPT}'")
    edit(meta, "- text: Answer everything.", f"- text: 'Answer everything. {JS_LINK} {IMG}'")
    edit(
        meta,
        "practice:",
        f"framework:\n  - {{id: what, title: 'What {BREAKOUT}', text: '{SCRIPT} {JS_LINK}'}}\npractice:",
    )
    return bank


def test_the_hostile_bank_passes_lint_so_it_is_exported(hostile_bank: Path, tmp_path: Path) -> None:
    run = export("--format", "json", "--out", tmp_path / "x.json", hostile_bank)
    assert run.code == 0, run.output
    data = json.loads((tmp_path / "x.json").read_text(encoding="utf-8"))
    assert BREAKOUT in data["questions"][0]["title"] and SCRIPT in data["bank"]["framework"][0]["text"]


def test_hostile_site_is_inert(hostile_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    run = export("--format", "html", "--out", out, hostile_bank)
    assert run.code == 0, run.output
    pages = pages_of(out)
    for name, page in pages.items():
        assert active_content(page) == [], name
    # The text is still there, as text: escaped, not dropped.
    q01 = "".join(pages["questions/q01.html"].text)
    assert BREAKOUT in q01 and SCRIPT in q01 and "Google" in q01 and "L4" in q01
    assert "javascript:alert(3)" in q01 or "click" in q01
    index = "".join(pages["index.html"].text)
    assert f"Mini {BREAKOUT}" in index and f"Phone {SCRIPT}" in index
    assert f"Loss {BREAKOUT}" in "".join(pages["topics/loss-functions.html"].text)


def test_hostile_anki_export_is_inert(hostile_bank: Path, tmp_path: Path) -> None:
    out = tmp_path / "bank.apkg"
    assert export("--format", "anki", "--out", out, hostile_bank).code == 0
    with zipfile.ZipFile(out) as archive:
        (tmp_path / "col.anki2").write_bytes(archive.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "col.anki2")
    try:
        fields = [f for (flds,) in conn.execute("SELECT flds FROM notes") for f in flds.split("\x1f")]
        (decks,) = conn.execute("SELECT decks FROM col").fetchone()
    finally:
        conn.close()
    fragments = [*fields, *(d.get("desc", "") for d in json.loads(decks).values())]
    assert any(BREAKOUT in "".join(parse(f).text) for f in fragments)
    for fragment in fragments:
        assert active_content(parse(fragment)) == [], fragment


def test_hostile_csv_export_is_inert(hostile_bank: Path, tmp_path: Path) -> None:
    run = export("--format", "csv", "--anki-headers", "--out", "-", hostile_bank)
    assert run.code == 0
    body = "".join(line for line in run.output.splitlines(True) if not line.startswith("#"))
    rows = list(csv.reader(io.StringIO(body)))
    cells = [cell for row in rows for cell in row[:11]]  # the note fields: HTML
    assert any(SCRIPT in "".join(parse(c).text) for c in cells)
    for cell in cells:
        assert active_content(parse(cell)) == [], cell


# --- the folder swap: `.` and `..` in --out, unsafe file names, true messages on every failure ----


def left_in(folder: Path) -> list[str]:
    """What an export left in a folder, besides the lint cache its lint keeps there (.mlbank_cache)."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".mlbank_cache")


def _old_site(shared_minibank: Path, out: Path) -> dict[str, bytes]:
    """An exported site at `out`, marked so a test can tell it from the next build."""
    assert export("--format", "html", "--out", out, shared_minibank).code == 0
    (out / "index.html").write_text("the old site\n")
    return files_of(out)


def test_dots_in_out_name_the_folder_they_lead_to(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "site"
    before = _old_site(shared_minibank, out)
    run = export("--format", "html", "--out", "./site/../site", shared_minibank, cwd=tmp_path)
    assert run.code == 0, run.output
    assert files_of(out) != before and (out / site.MARKER).is_file()
    assert left_in(tmp_path) == ["site"]  # no staging or old folder left


@pytest.mark.parametrize(
    ("out", "message"),
    [
        (".", "is the current folder or holds it"),
        ("..", "is the current folder or holds it"),
        ("/", "is the root folder"),
    ],
)
def test_out_that_holds_the_working_folder_is_refused(
    out: str, message: str, shared_minibank: Path, tmp_path: Path
) -> None:
    here = tmp_path / "site"
    before = _old_site(shared_minibank, here)  # a site mlbank could replace, but the shell stands in it
    run = export("--format", "html", "--out", out, shared_minibank, cwd=here)
    assert run.code == 2 and f"--out {out} {message}" in run.output, run.output
    assert files_of(here) == before


@pytest.mark.parametrize(
    "name",
    ["../evil.html", "questions/../../evil.html", "/tmp/evil.html", "questions\\evil.html", "a\x00.html", ""],
)
def test_write_folder_refuses_a_file_name_that_could_leave_the_folder(name: str, tmp_path: Path) -> None:
    with pytest.raises(export_command.UnsafeName, match="cannot be a file of the folder"):
        export_command.write_folder(tmp_path / "site", {"index.html": b"x", name: b"evil"})
    assert left_in(tmp_path) == []  # refused before anything was written


def _fail_rename(
    monkeypatch: pytest.MonkeyPatch, out: Path, *, moving_old_away: bool, putting_back: bool
) -> None:
    """Make os.rename fail where a swap of the folder `out` can fail."""
    real_rename = os.rename
    target = real_path(out)

    def rename(src: str, dst: str) -> None:
        source, dest = Path(src), Path(dst)
        if moving_old_away and source == target:
            raise OSError(13, "Permission denied", str(src))
        if dest == target and source.name.endswith(".new"):
            raise OSError(13, "Permission denied", str(dst))
        if putting_back and dest == target and source.name.endswith(".old"):
            raise OSError(16, "Device or resource busy", str(dst))
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)


def _fail_third_write(monkeypatch: pytest.MonkeyPatch) -> None:
    real_write = Path.write_bytes
    calls: list[Path] = []

    def write_bytes(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 3:
            raise OSError(28, "No space left on device", str(self))
        return real_write(self, data)

    monkeypatch.setattr(Path, "write_bytes", write_bytes)


@pytest.mark.parametrize("failing", ["write", "moving the old site away", "moving the new site in"])
def test_each_failed_swap_says_truly_that_the_old_site_is_left(
    failing: str, shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    before = _old_site(shared_minibank, out)
    if failing == "write":
        _fail_third_write(monkeypatch)
    else:
        _fail_rename(monkeypatch, out, moving_old_away=failing.endswith("away"), putting_back=False)
    run = export("--format", "html", "--out", out, shared_minibank)
    assert run.code == 2, run.output
    assert "No space left on device" in run.output or "Permission denied" in run.output
    assert f"; {real_path(out)} is left as it was" in run.output
    assert files_of(out) == before
    assert left_in(tmp_path) == ["site"]


def test_a_failed_first_export_says_nothing_was_created(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fail_third_write(monkeypatch)
    run = export("--format", "html", "--out", tmp_path / "site", shared_minibank)
    assert run.code == 2 and f"{real_path(tmp_path / 'site')} was not created" in run.output, run.output
    assert left_in(tmp_path) == []


def test_when_the_old_site_cannot_be_put_back_the_message_says_where_it_is(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    before = _old_site(shared_minibank, out)
    _fail_rename(monkeypatch, out, moving_old_away=False, putting_back=True)
    run = export("--format", "html", "--out", out, shared_minibank)
    assert run.code == 2 and "Permission denied" in run.output and "Device or resource busy" in run.output
    assert not out.exists() and "is missing now" in run.output
    (old,) = tmp_path.glob(".site.*.old")
    (new,) = tmp_path.glob(".site.*.new")
    assert f"the old site is at {old}" in run.output and f"the new one at {new}" in run.output
    assert files_of(old) == before  # exactly where the message says, untouched
    assert (new / site.MARKER).is_file() and (new / "questions/q01.html").is_file()


# --- ids too long to name a file -------------------------------------------------------------------

LONG_TOPIC = "loss-functions-" + "x" * 105  # 120 characters: kebab-case, so the schema lets it through


def rename_everywhere(bank: Path, old: str, new: str) -> None:
    for path in bank.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")


def test_an_id_too_long_for_a_file_name_is_refused_with_a_true_message(tmp_path: Path) -> None:
    bank = fresh_minibank(tmp_path)
    rename_everywhere(bank, "loss-functions", LONG_TOPIC)
    run = export("--format", "html", "--out", tmp_path / "site", bank, cwd=tmp_path)
    assert run.code == 1, run.output
    assert "bank/topics.yaml:6:9: topic id 'loss-functions-xxxx" in run.output
    assert "is 120 characters long" in run.output and "at most 100 characters" in run.output
    assert "topics/<id>.html" in run.output and "shorten it" in run.output
    assert "`mlbank lint` does not check this length" in run.output
    assert "Not exported" in run.output and not (tmp_path / "site").exists()


# --- titles: no link inside a link, plain text in <title> ------------------------------------------


class _Anchors(HTMLParser):
    """Every <a> opened while another is open, as a browser would see them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open = 0
        self.nested: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            if self.open:
                self.nested.append(dict(attrs).get("href") or "")
            self.open += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.open:
            self.open -= 1


def nested_links(text: str) -> list[str]:
    anchors = _Anchors()
    anchors.feed(text)
    return anchors.nested


def test_a_link_in_a_title_never_makes_a_link_inside_a_link(tmp_path: Path) -> None:
    bank = fresh_minibank(tmp_path)
    edit(bank / Q01, "title: Log loss", "title: 'Log [loss](https://example.com/elsewhere) *again*'")
    out = tmp_path / "site"
    run = export("--format", "html", "--out", out, bank, cwd=tmp_path)
    assert run.code == 0, run.output
    for name in ("index.html", "topics/loss-functions.html", "questions/q01.html", "questions/qf01.html"):
        text = (out / name).read_text(encoding="utf-8")
        assert nested_links(text) == [], name
        assert "example.com" not in " ".join(parse(text).hrefs), name
    index = read(out / "index.html")
    assert "questions/q01.html" in index.hrefs and "again" in "".join(index.text)


def _title_of(path: Path) -> str:
    match = re.search(r"<title>(.*)</title>", path.read_text(encoding="utf-8"))
    assert match is not None
    return match.group(1)


def test_the_title_element_is_plain_text(tmp_path: Path) -> None:
    bank = fresh_minibank(tmp_path)
    edit(bank / Q01, "title: Log loss", "title: 'Log *loss*, `p` and $-\\log p$ when $a<b$ & \\$5'")
    out = tmp_path / "site"
    assert export("--format", "html", "--out", out, bank, cwd=tmp_path).code == 0
    raw = _title_of(out / "questions/q01.html")
    assert raw == "q01 \u00b7 Log loss, p and -\\log p when a&lt;b &amp; $5 \u00b7 Mini bank"
    assert read(out / "questions/q01.html").all("math")  # the heading still shows the formulas


def test_an_unfinished_copy_that_cannot_be_removed_is_named(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "site"
    before = _old_site(shared_minibank, out)
    _fail_third_write(monkeypatch)
    monkeypatch.setattr(export_command.shutil, "rmtree", lambda *_, **__: None)  # removing fails quietly
    run = export("--format", "html", "--out", out, shared_minibank)
    (new,) = tmp_path.glob(".site.*.new")
    assert run.code == 2 and f"{real_path(out)} is left as it was" in run.output, run.output
    assert f"the unfinished copy {new} could not be removed: remove it" in run.output
    assert files_of(out) == before
