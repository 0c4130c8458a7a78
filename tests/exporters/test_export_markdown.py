"""Markdown export, read back by markdown-it-py: every link resolves, math is intact, and the page
carries enough to rebuild every question (the layout mlbank/exporters/markdown.py documents)."""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

import pytest
from export_helpers import REAL_BANK, check_golden, export
from markdown_it import MarkdownIt

from mlbank.bank import load_bank
from mlbank.model import Question
from mlbank.render import math_spans

ANCHOR = re.compile(r'<a id="([^"]+)">')


def parse(text: str) -> list[Any]:
    return MarkdownIt("commonmark").enable("table").parse(text)


def anchors(tokens: list[Any]) -> set[str]:
    found: set[str] = set()
    for token in tokens:
        for piece in [token, *(token.children or [])]:
            if piece.type in ("html_block", "html_inline"):
                found.update(ANCHOR.findall(piece.content))
    return found


def links(tokens: list[Any]) -> list[str]:
    return [
        child.attrGet("href")
        for token in tokens
        for child in token.children or []
        if child.type == "link_open"
    ]


def inline_text(tokens: list[Any]) -> str:
    """The raw source of every paragraph, list item, heading and table cell (not code, not HTML)."""
    return "\n".join(t.content for t in tokens if t.type == "inline")


def questions(bank: Path) -> list[Question]:
    return [d.model for d in load_bank(bank).questions]


@pytest.fixture(scope="module")
def mini_page(shared_minibank: Path, tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("md") / "mini.md"
    run = export("--format", "markdown", "--out", out, shared_minibank)
    assert run.code == 0, run.output
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def real_page(tmp_path_factory: pytest.TempPathFactory) -> str:
    out = tmp_path_factory.mktemp("md") / "bank.md"
    assert export("--format", "markdown", "--out", out, REAL_BANK).code == 0
    return out.read_text(encoding="utf-8")


def test_matches_golden(mini_page: str) -> None:
    check_golden("minibank.md", mini_page.encode("utf-8"))


@pytest.mark.parametrize("which", ["mini", "real"])
def test_every_internal_link_resolves(which: str, request: pytest.FixtureRequest) -> None:
    tokens = parse(request.getfixturevalue(f"{which}_page"))
    targets = links(tokens)
    assert targets and all(t.startswith("#") for t in targets)
    missing = sorted({t[1:] for t in targets} - anchors(tokens))
    assert not missing


@pytest.mark.parametrize(("which", "bank"), [("mini", None), ("real", REAL_BANK)])
def test_every_question_and_its_math_is_intact(
    which: str, bank: Path | None, request: pytest.FixtureRequest, shared_minibank: Path
) -> None:
    page = request.getfixturevalue(f"{which}_page")
    tokens = parse(page)
    text = inline_text(tokens)
    headings = [t.content for t in tokens if t.type == "inline"]
    for q in questions(bank or shared_minibank):
        assert f"{q.id} \u00b7 {q.title}" in headings
        assert q.id in anchors(tokens)
        for prose in (q.prompt, q.answer, q.rubric.strong_hire, q.rubric.lean_hire, q.rubric.no_hire):
            for span in math_spans(prose):
                assert prose[span.start : span.end] in text, f"{q.id}: math {prose[span.start : span.end]!r}"
    assert "\\$50" in text and "$-\\log(0.01) \\approx 4.6$" in page if which == "mini" else True


@pytest.mark.parametrize(("which", "bank"), [("mini", None), ("real", REAL_BANK)])
def test_page_rebuilds_every_question(
    which: str, bank: Path | None, request: pytest.FixtureRequest, shared_minibank: Path
) -> None:
    """What `mlbank import` will rely on: comment + fixed headings give back each model exactly."""
    rebuilt = rebuild(request.getfixturevalue(f"{which}_page"), level=3)
    assert rebuilt == {q.id: q for q in questions(bank or shared_minibank)}


def test_sections_have_cheat_lines_and_parts_exist(mini_page: str) -> None:
    assert (
        "> **Phone screen** \u00b7 5\u20138 questions \u00b7 1\u20133 min each \u00b7 Definition and intuition"
        in mini_page
    )
    for part in ("Cross-reference index", "Cheat sheet", "Practice plan"):
        assert f"\n## {part}\n" in mini_page
    assert "| [Screening](#section-screening) | Phone screen |" in mini_page
    bank = json.loads(re.search(r"<!-- mlbank-bank: (.*) -->", mini_page).group(1))  # type: ignore[union-attr]
    assert bank["bank"]["title"] == "Mini bank" and [t["id"] for t in bank["topics"]] == [
        "bias-variance",
        "loss-functions",
    ]


def test_filtered_page_links_only_what_it_holds(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "google.md"
    assert export("--format", "markdown", "--only", "company=google", "--out", out, shared_minibank).code == 0
    tokens = parse(out.read_text(encoding="utf-8"))
    assert {t[1:] for t in links(tokens)} <= anchors(tokens)
    assert "qf01" not in anchors(tokens)
    assert "**See also:** [Loss functions](#topic-loss-functions), qf01" in out.read_text(encoding="utf-8")


def test_split_pages_link_to_each_other(tmp_path: Path) -> None:
    site = tmp_path / "site"
    run = export("--format", "markdown", "--split", site, REAL_BANK)
    assert run.code == 0, run.output
    pages = {p.relative_to(site).as_posix(): parse(p.read_text(encoding="utf-8")) for p in site.rglob("*.md")}
    assert "index.md" in pages and len([p for p in pages if p.startswith("sections/")]) == 5
    for name, tokens in pages.items():
        for href in links(tokens):
            page, _, anchor = href.partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(name), page)) if page else name
            assert target in pages, f"{name}: {href}"
            assert anchor in anchors(pages[target]), f"{name}: {href}"
    rebuilt: dict[str, Question] = {}
    for name in pages:
        if name.startswith("sections/"):
            rebuilt |= rebuild((site / name).read_text(encoding="utf-8"), level=2)
    assert rebuilt == {q.id: q for q in questions(REAL_BANK)}


# --- a reference reader of the documented layout (the importer's contract) -----------------------


def rebuild(page: str, level: int) -> dict[str, Question]:
    chunks = re.split(r'^<a id="[^"]+"></a>\n\n', page, flags=re.MULTILINE)
    found: dict[str, Question] = {}
    for chunk in chunks:
        match = re.search(r"^<!-- mlbank: (.*) -->$", chunk, flags=re.MULTILINE)
        if match:
            question = _question(chunk, json.loads(match.group(1)), "#" * level)
            found[question.id] = question
    return found


def _question(chunk: str, meta: dict[str, Any], h: str) -> Question:
    title = chunk.split("\n", 1)[0].removeprefix(f"{h} {meta['id']} \u00b7 ")
    names = ["prompt", "answer", "rubric", "rubric.strong_hire", "rubric.lean_hire", "rubric.no_hire"]
    headings = [f"{h}# Prompt", f"{h}# Model answer", f"{h}# Rubric"]
    headings += [f"{h}## Strong hire", f"{h}## Lean hire", f"{h}## No hire"]
    if meta["companies"]:
        names.append("companies")
        headings.append(f"{h}# Company variations")
        for i, _ in enumerate(meta["companies"]):
            names.append(f"companies.{i}.expects")
            headings.append(None)  # "<company name> · <level>": any heading at this level
    texts = _blocks(chunk, headings, f"{h}## ")
    endings = meta.get("endings", {})
    prose = {n: t + endings.get(n, "\n") if t else None for n, t in zip(names, texts, strict=True)}
    data = {
        k: meta[k] for k in ("id", "section", "label", "level", "time_minutes", "topics", "see", "worked")
    }
    data |= {"title": title, "prompt": prose["prompt"], "answer": prose["answer"]}
    data["rubric"] = {k: prose[f"rubric.{k}"] for k in ("strong_hire", "lean_hire", "no_hire")}
    data["companies"] = [
        {**c, "expects": prose[f"companies.{i}.expects"]} for i, c in enumerate(meta["companies"])
    ]
    data["review"] = meta.get("review", [])  # written only when the question has stamps
    data = {k: v for k, v in data.items() if v is not None}
    data["companies"] = [{k: v for k, v in c.items() if v is not None} for c in data["companies"]]
    return Question.model_validate(data)


def _blocks(chunk: str, headings: list[str | None], any_prefix: str) -> list[str]:
    """The text under each heading, in order, up to the next expected heading."""
    lines = chunk.split("\n")
    starts: list[int] = []
    at = 0
    for heading in headings:
        at = next(
            i
            for i in range(at, len(lines))
            if (lines[i] == heading if heading else lines[i].startswith(any_prefix)) and lines[i - 1] == ""
        )
        starts.append(at)
        at += 1
    ends = [*(s - 1 for s in starts[1:]), len(lines)]
    return ["\n".join(lines[s + 2 : e]).strip("\n") for s, e in zip(starts, ends, strict=True)]
