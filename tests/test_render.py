"""The one renderer: prose -> HTML with math untouched by Markdown, in TeX and MathML forms, always inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_html import active_content, parse

from mlbank.render import Math, inline_html, math_spans, mathml, to_html


@pytest.mark.parametrize(
    ("prose", "html"),
    [
        ("Gain $pV - C$ per customer.", "<p>Gain \\(pV - C\\) per customer.</p>"),
        (
            "Steps by $\\eta\\,\\hat m_t/\\sqrt{\\hat v_t}$ and $w_t$.",
            "<p>Steps by \\(\\eta\\,\\hat m_t/\\sqrt{\\hat v_t}\\) and \\(w_t\\).</p>",
        ),
        ("A \\$50 offer and \\$500 of value.", "<p>A $50 offer and $500 of value.</p>"),
        ("$$a < b$$", "<p>\\[a &lt; b\\]</p>"),
        ("Use `n_neighbors` and `$x$`.", "<p>Use <code>n_neighbors</code> and <code>$x$</code>.</p>"),
        ('Read "<10ms" as a budget.', "<p>Read &quot;&lt;10ms&quot; as a budget.</p>"),
        (
            "1. **Label.** First\n2. Second",
            "<ol>\n<li><strong>Label.</strong> First</li>\n<li>Second</li>\n</ol>",
        ),
    ],
)
def test_to_html(prose: str, html: str) -> None:
    assert to_html(prose) == html


def test_math_spans_pair_within_paragraphs_and_skip_currency() -> None:
    text = "Cost \\$5 and $x$.\n\n$y$ then $$z$$"
    assert [text[s.start : s.end] for s in math_spans(text)] == ["$x$", "$y$", "$$z$$"]
    assert math_spans("an unclosed $x\n\nparagraph$") == []


def test_math_spans_agree_with_the_renderer_and_keep_escapes() -> None:
    text = "Loss $a\\,b\\|c$ and\n  $$\\sum_i\n  x_i$$ then `$x$` and $y$"
    spans = math_spans(text)
    assert [text[s.start : s.end] for s in spans] == ["$a\\,b\\|c$", "$$\\sum_i\n  x_i$$", "$y$"]
    assert [s.display for s in spans] == [False, True, False]
    assert spans[0].body == "a\\,b\\|c"


def test_mathml_form_needs_no_javascript() -> None:
    out = to_html("Norm $\\|w\\|_2$ and \\$5.", Math.MATHML)
    assert out.startswith('<p>Norm <math xmlns="http://www.w3.org/1998/Math/MathML" display="inline">')
    assert "\\|" not in out and "‖" in out and "$5." in out


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox)",
    "<javascript:alert(1)>",
    "![x](https://tracker.example/pixel.png)",
    '[x](https://ok.example "a\\" onmouseover=\\"alert(1)")',
    "$\\text{<script>alert(1)</script>}$",
    "$\\href{javascript:alert(1)}{x}$",
    "$$\\text{<img src=x onerror=alert(1)>}$$",
    '$x$" onmouseover="alert(1)',
]


INERT_TAGS = {"p", "a", "code", "em", "strong", "ul", "ol", "li", "pre", "span"} | {
    "math",
    "mrow",
    "mi",
    "mn",
    "mo",
    "mtext",
    "mspace",
    "msup",
    "msub",
    "mfrac",
}


@pytest.mark.parametrize("form", list(Math))
@pytest.mark.parametrize("prose", HOSTILE)
def test_hostile_prose_stays_inert(prose: str, form: Math) -> None:
    page = parse(to_html(prose, form))
    assert {e.tag for e in page.elements} <= INERT_TAGS
    assert active_content(page) == []
    assert all(href.startswith("https://") for href in page.hrefs)


def test_only_http_links_become_links() -> None:
    out = to_html("[a](https://ok.example) [b](mailto:x@y.z) [c](/local) [d](ftp://x)")
    assert out.count("<a ") == 1 and 'href="https://ok.example"' in out


AGREEMENT = [
    "Loss $-\\log p$ and \\$50 and $$\\sum_i x_i$$.",
    "Two $a$ and $b$ in\none paragraph\n\nthen $c$",
    "`$x$` is code, $y$ is math",
    "```\n$not math$\n```\n\n$math$",
    "$x$, $y$; ($z$) and $w$.",
    "$$\na \\, b\n$$",
    "An $x^2$-term and $\\|w\\|_2^2$ norm",
    "costs \\$5 and \\$6; $\\frac{a}{b}$",
]


@pytest.mark.parametrize("text", AGREEMENT)
def test_lint_sees_the_spans_the_renderer_sees(text: str) -> None:
    """Lint scans with mlbank.markup (a regex pass) where the renderer parses Markdown: the same spans."""
    from mlbank import markup

    assert [(s.start, s.end, s.display, s.body(text)) for s in markup.math_spans(text)] == [
        (s.start, s.end, s.display, s.body) for s in math_spans(text)
    ]


def test_lint_and_renderer_agree_on_every_span_of_the_bank() -> None:
    from mlbank import markup
    from mlbank.bank import load_bank
    from mlbank.rules.base import prose_fields

    bank = load_bank(Path(__file__).resolve().parents[1] / "bank")
    count = 0
    for doc in bank.questions:
        for _, text in prose_fields(doc.data):
            rendered = [(s.start, s.end, s.display) for s in math_spans(text)]
            assert [(s.start, s.end, s.display) for s in markup.math_spans(text)] == rendered
            count += len(rendered)
    assert count > 200


SMUGGLED = [
    "Text \\\\(\\href{javascript:alert(1)}{x}\\\\) here",  # `\(` written in prose, not in `$`
    "\\\\[x\\\\] and \\\\begin{equation}\\href{javascript:alert(2)}{x}\\\\end{equation}",
    "Pay \\$\\$\\href{javascript:alert(3)}{three}\\$\\$ now",
    "See \\\\ref{eq} and \\\\eqref{eq}",
]


@pytest.mark.parametrize("prose", SMUGGLED)
def test_prose_never_starts_math_in_an_app(prose: str) -> None:
    """Auto-render (KaTeX, MathJax) searches each text node for `\\(`, `\\[`, `$$`, `\\begin{..}`:
    prose outside `$` must hold none of them once the HTML is parsed into text nodes."""
    texts: list[str] = []

    class Texts(HTMLParser):
        def handle_data(self, data: str) -> None:
            texts.append(data)

    Texts().feed(to_html(prose))
    for text in texts:
        assert not re.search(r"\\[()\[\]]|\$\$|\\[A-Za-z]", text), (text, to_html(prose))


def test_escaped_delimiters_still_read_the_same() -> None:
    out = to_html("Pay \\$\\$5 and \\\\(")
    assert re.sub(r"<[^>]+>", "", out) == "Pay $$5 and \\("


def test_titles_carry_no_links_and_keep_their_math() -> None:
    out = inline_html("Bias [and](https://evil.example/) $x^2$")
    assert "<a" not in out and "\\(x^2\\)" in out


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        ("\\arg\\min_w", "<mo>arg</mo>"),
        ("\\R^n", "\u211d"),
        ("a \\\\ R", "<mi>R</mi>"),
        ("\\infin", "\u221e"),
    ],
)
def test_katex_shorthands_become_mathml(tex: str, shown: str) -> None:
    out = mathml(tex, display=False)
    assert shown in out and "\\" not in out


def test_a_command_the_converter_does_not_know_is_shown_as_source_not_garbled() -> None:
    assert mathml("\\foo x", display=False) == '<code class="math-source">\\foo x</code>'


def test_every_formula_of_the_bank_becomes_mathml() -> None:
    from mlbank import markup
    from mlbank.bank import load_bank
    from mlbank.rules.base import prose_fields

    bank = load_bank(Path(__file__).resolve().parents[1] / "bank")
    for doc in bank.questions:
        for path, text in prose_fields(doc.data):
            for span in markup.math_spans(text):
                out = mathml(span.body(text).strip(), display=span.display)
                assert out.startswith("<math") and "\\" not in out, (doc.path, path, span.body(text))


def test_plain_fields_are_escaped_and_start_no_math() -> None:
    from mlbank.render import plain_html

    assert (
        plain_html('Topic \\(x\\) "<b>" $$')
        == "Topic \\<span></span>(x\\<span></span>) &quot;&lt;b&gt;&quot; $<span></span>$"
    )


@pytest.mark.parametrize(
    "text", ["P1 C:\\\\$\\gdef\\x{y}$ and C:\\\\$x$.", "Row break: $a\\\\$", "\\$$x$", "\\\\\\$5 and $y$"]
)
def test_an_escaped_backslash_before_a_dollar_counts_as_markdown_counts_it(text: str) -> None:
    from mlbank import markup

    assert [(s.start, s.end) for s in markup.math_spans(text)] == [(s.start, s.end) for s in math_spans(text)]
    assert markup.math_spans(text)


@pytest.mark.parametrize(
    ("tex", "shown"),
    [
        ("\\text{10\\% off}", "<mtext>10%\u00a0off</mtext>"),
        ("\\text{cost \\$5}", "<mtext>cost\u00a0$5</mtext>"),
    ],
)
def test_text_escapes_read_as_their_characters(tex: str, shown: str) -> None:
    assert shown in mathml(tex, display=False)


@pytest.mark.parametrize("tex", ["\\text{\\textbackslash}", "\\text{a {b} c}", "\\text{a \\{b\\} c}", "\\^a"])
def test_tex_the_converter_leaves_in_its_output_is_shown_as_source(tex: str) -> None:
    assert mathml(tex, display=False).startswith('<code class="math-source">')
