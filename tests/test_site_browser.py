"""The HTML site and `mlbank preview` in a real headless Chromium (tests/browser.py), on a 390 px phone screen.

First the harness on small hand-written sites, so each check is seen to fail when it should; then every
page of the real bank's site, and a preview of a question with a lint error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import browser as harness
import pytest
from bank_edits import edit
from browser import (
    HEIGHT,
    WIDTH,
    Browser,
    Page,
    png_size,
    require_browser,
    site_problems,
    visit_site,
)
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.loader import FieldPath
from mlbank.render import math_spans
from mlbank.rules.base import prose_fields

CSP = "default-src 'none'; style-src 'self'; img-src 'self'"
STYLE = "body { margin: 0 auto; max-width: 40rem; padding: 0 1rem; overflow-wrap: break-word; }\n"


@pytest.mark.parametrize(("ci", "outcome"), [("true", pytest.fail.Exception), (None, pytest.skip.Exception)])
def test_a_missing_browser_fails_under_ci_and_skips_elsewhere(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, ci: str | None, outcome: type[BaseException]
) -> None:
    monkeypatch.setattr(harness, "CHROMEDRIVER", tmp_path / "no-chromedriver")
    if ci is None:
        monkeypatch.delenv("CI", raising=False)
    else:
        monkeypatch.setenv("CI", ci)
    with pytest.raises(
        outcome, match="no-chromedriver not found: install Debian's chromium and chromium-driver"
    ):
        require_browser(tmp_path)


@pytest.fixture(scope="session")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    started = require_browser(tmp_path_factory.mktemp("chromium-profile"))
    yield started
    started.quit()


def page(body: str, *, csp: str = CSP, css: str = "style.css") -> str:
    """A page shaped as the site's are: viewport, CSP, one relative stylesheet."""
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{csp}">\n'
        f'<title>Test page</title><link rel="stylesheet" href="{css}"></head>\n'
        f"<body>{body}</body></html>\n"
    )


GOOD = page(
    '<nav><a href="index.html">Index</a> <a href="other.html#part-2">Part 2</a>'
    ' <a href="#top">Top</a></nav><h1 id="top">Bias and variance</h1>\n'
    "<p>Averaging <math><mi>M</mi></math> models costs $50-$60 an hour, "
    '<a href="https://en.wikipedia.org/wiki/Ensemble_learning">see</a>.</p>\n'
    '<math display="block"><mfrac><msup><mi>&sigma;</mi><mn>2</mn></msup><mi>M</mi></mfrac></math>\n'
    '<details class="answer"><summary>Model answer</summary>'
    "<p>The variance falls as <math><mn>1</mn><mo>/</mo><mi>M</mi></math>.</p></details>\n"
    "<p><code>$HOME</code> and <code>\\frac</code> in code are not math.</p>"
)
OTHER = page('<h2 id="part-2">Part 2</h2><p><a href="index.html">back</a></p>')


def write_site(root: Path, index: str, style: str = STYLE) -> Path:
    root.mkdir()
    (root / "index.html").write_text(index, encoding="utf-8")
    (root / "other.html").write_text(OTHER, encoding="utf-8")
    (root / "style.css").write_text(style, encoding="utf-8")
    return root


def problems_of(browser: Browser, root: Path) -> dict[str, list[str]]:
    return site_problems(visit_site(browser, root), root)


@pytest.mark.slow
def test_a_clean_site_has_no_problems(browser: Browser, tmp_path: Path) -> None:
    root = write_site(tmp_path / "site", GOOD)
    assert problems_of(browser, root) == {}
    # ...and not because it saw nothing: the formulas, the disclosure and the links were all there.
    seen = browser.visit(root / "index.html", root.resolve())
    assert (seen.formulas, seen.opened, len(seen.links)) == (3, ("answer",), 4)


class BadSite(NamedTuple):
    body: str  # of index.html, the page at fault
    kind: str  # how the problem reported on index.html starts
    detail: str  # and what else it says
    css: str = ""  # added to style.css
    csp: str = CSP
    stylesheet: str = "style.css"


# Each bad site has one fault; its check must report that fault on index.html, and nothing else there.
BAD_SITES = {
    "console error (no CSP)": BadSite(
        '<script>console.error("boom from the page")</script>',
        "console error: ",
        '"boom from the page"',
        csp="default-src 'self' 'unsafe-inline'",
    ),
    "inline script refused by the CSP": BadSite(
        '<script>console.error("never runs")</script>',
        "console error: ",
        "violates the following Content Security",
    ),
    "missing stylesheet": BadSite("<p>x</p>", "failed request: ", "missing.css", stylesheet="missing.css"),
    "external request": BadSite(
        '<p><img src="https://example.com/pixel.png" alt=""></p>',
        "external request: ",
        "https://example.com/pixel.png",
    ),
    "broken fragment": BadSite('<a href="other.html#part-9">9</a>', "link 'other.html#part-9'", "#part-9"),
    "missing page": BadSite('<a href="questions/q99.html">q99</a>', "link 'questions/q99.html'", "missing"),
    "link out of the folder": BadSite(
        '<a href="../elsewhere.html">up</a>', "link '../elsewhere.html'", "leaves"
    ),
    "wider than a phone": BadSite(
        '<div class="wide">wide</div>', "wider", "by 226 px", css=".wide { width: 600px; }"
    ),
    "MathML error": BadSite(
        "<p><math><merror><mtext>Undefined control sequence</mtext></merror></math></p>",
        "MathML error element",
        "Undefined control sequence",
    ),
    "math not laid out": BadSite(
        "<p><math><mi>x</mi></math></p>",
        "formula 1 (x)",
        "is not rendered as MathML (display: none)",
        css="math { display: none; }",
    ),
    "TeX left as text": BadSite("<p>the loss $x^2$ and \\(y\\)</p>", "TeX left as text", "'$x^2$'"),
    "formula shown as its source": BadSite(
        '<p><code class="math-source">\\frac{a}{b</code></p>',
        "formula shown as its TeX source",
        "\\frac{a}{b",
    ),
    "disclosure that will not open": BadSite(
        '<details class="answer"><summary>Model answer</summary><p>hidden</p></details>',
        "disclosure 1 ('Model answer')",
        "does not show its content",
        css="details > :not(summary) { display: none; }",
    ),
    "disclosure that cannot be clicked": BadSite(
        '<details class="answer"><summary>Model answer</summary><p>hidden</p></details>',
        "disclosure 1 ('')",
        "cannot be clicked: ElementNotInteractableException",
        css="summary { visibility: hidden; }",
    ),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(BAD_SITES))
def test_each_check_names_its_fault(browser: Browser, tmp_path: Path, case: str) -> None:
    bad = BAD_SITES[case]
    index = page(bad.body, csp=bad.csp, css=bad.stylesheet)
    report = problems_of(browser, write_site(tmp_path / "site", index, STYLE + bad.css))
    assert list(report) == ["index.html"], report
    assert any(problem.startswith(bad.kind) and bad.detail in problem for problem in report["index.html"]), (
        report
    )


# The real bank's site, built by the CLI as an author would, then every page read in the browser.
ROOT = Path(__file__).parent.parent
ARTIFACTS = Path(__file__).parent / "artifacts"


def listed(report: dict[str, list[str]]) -> str:
    return "\n".join(f"{page}: {problem}" for page, found in report.items() for problem in found)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("bank-site") / "site"
    result = invoke("export", "--format", "html", "--out", str(out), cwd=ROOT)
    assert result.exit_code == 0, result.output
    return out.resolve()


@pytest.fixture(scope="session")
def site_pages(browser: Browser, site: Path) -> dict[Path, Page]:
    return visit_site(browser, site)


@pytest.fixture(scope="session")
def questions() -> dict[str, list[tuple[FieldPath, str]]]:
    """The bank's question ids with their prose fields (read from the files, not from the site)."""
    bank = load_bank(ROOT / "bank")
    return {doc.data["id"]: list(prose_fields(doc.data)) for doc in bank.questions}


@pytest.mark.slow
def test_the_site_has_a_page_for_every_question_and_topic(
    site: Path, site_pages: dict[Path, Page], questions: dict[str, list[tuple[FieldPath, str]]]
) -> None:
    topics = load_bank(ROOT / "bank").topics
    assert topics is not None
    expected = {"index.html"} | {f"questions/{id_}.html" for id_ in questions}
    expected |= {f"topics/{topic['id']}.html" for topic in topics.data["topics"]}
    assert {path.relative_to(site).as_posix() for path in site_pages} == expected


@pytest.mark.slow
def test_every_page_reads_cleanly_on_a_phone(site: Path, site_pages: dict[Path, Page]) -> None:
    """No console error, failed or external request, broken link, unrendered math, overflow at 390 px."""
    report = site_problems(site_pages, site)
    assert report == {}, listed(report)


@pytest.mark.slow
def test_every_question_page_shows_its_math_and_opens_its_answer(
    site: Path, site_pages: dict[Path, Page], questions: dict[str, list[tuple[FieldPath, str]]]
) -> None:
    for id_, prose in questions.items():
        page = site_pages[site / "questions" / f"{id_}.html"]
        assert "answer" in page.opened, f"{id_}: no <details class='answer'> opened on a click"
        spans = sum(len(math_spans(text)) for _, text in prose)
        assert page.formulas >= spans, f"{id_}: {page.formulas} formulas on the page, {spans} in its prose"


@pytest.mark.slow
def test_a_question_page_is_kept_as_a_screenshot(
    browser: Browser, site: Path, site_pages: dict[Path, Page]
) -> None:
    """The page to keep: one with display math if the bank has any (it had none in 2026-12), else
    the one with the most formulas."""
    shown = max(
        sorted((site / "questions").glob("*.html")),
        key=lambda path: ('display="block"' in path.read_text(encoding="utf-8"), site_pages[path].formulas),
    )
    browser.visit(shown, site)
    ARTIFACTS.mkdir(exist_ok=True)
    shot = browser.screenshot(ARTIFACTS / f"site-{shown.stem}.png")
    print(f"\nscreenshot of questions/{shown.name}: {shot}")
    width, height = png_size(shot)
    # A whole question page at phone width: taller than one screen, and far from blank (a blank
    # 390x844 PNG is about 3 KB).
    assert width == WIDTH and height > HEIGHT, (width, height)
    assert shot.stat().st_size > 40_000, shot.stat().st_size


# The findings box, where a reader sees it: displayed, within the first screen, before the question.
FINDINGS_JS = """
const box = document.getElementById('findings'), title = document.querySelector('main h1');
if (!box) return null;
const rect = box.getBoundingClientRect();
return {top: rect.top + window.scrollY, height: rect.height, text: box.innerText,
        beforeTitle: !!title && !!(box.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_FOLLOWING)};
"""


@pytest.mark.slow
def test_a_preview_of_a_question_with_a_lint_error_shows_the_findings_first(
    browser: Browser, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    shutil.copytree(ROOT / "bank", project / "bank")
    question = next((project / "bank" / "questions" / "screening").glob("q01-*.yaml"))
    edit(question, "topics: [bias-variance]", "topics: [bias-varience]")  # MB200: an unknown topic
    result = invoke("preview", "--no-open", "--out", str(tmp_path / "preview"), str(question), cwd=project)
    assert result.exit_code == 0, result.output
    shown = Path(result.output.strip().splitlines()[-1])
    folder = shown.parent.parent  # the preview is a small site: index.html, questions/q01.html
    report = site_problems(visit_site(browser, folder), folder)
    assert report == {}, listed(report)
    browser.visit(shown, folder)
    box = browser.driver.execute_script(FINDINGS_JS)
    assert box is not None, f"{shown}: no #findings box"
    assert box["height"] > 0 and 0 <= box["top"] < HEIGHT / 2 and box["beforeTitle"], box
    assert "MB200" in box["text"] and "bias-varience" in box["text"], box["text"]
