"""MB302's checker against real KaTeX (node): the same verdict on every formula, and the bank's
HTML renders under KaTeX's auto-render. Slow: installs katex and jsdom from npm into a cache folder
(tests/katex_node.py); skipped without node, failed under CI."""

from __future__ import annotations

import json
import random
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from katex_node import auto_render_errors, katex_errors, need_node
from test_tex_check import BAD, GOOD

from mlbank.bank import load_bank
from mlbank.katex_data import katex
from mlbank.render import math_spans
from mlbank.rules.base import prose_fields
from mlbank.tex_check import tex_problem

ROOT = Path(__file__).parent.parent
DATA = ROOT / "mlbank" / "data" / "katex.json"

# (formula, display math?, renders?) on top of test_tex_check's GOOD and BAD lists.
NASTY = [
    (r"\mathbb{E}[X] + \hat{y} + \bar x + \vec{v} + \overline{AB}", False, True),
    (r"\underbrace{a + b}_{n} + \overbrace{c}^{m} + \binom{n}{k}", False, True),
    (r"\lim_{n \to \infty} \left(1 + \frac{1}{n}\right)^n = e", False, True),
    (r"\begin{bmatrix} 1 \\ 2 \end{bmatrix} \begin{Vmatrix} a \end{Vmatrix}", False, True),
    (r"\begin{aligned} a &= b \\ &= c \end{aligned}", False, True),
    (r"\mathrm{KL}(p \,\|\, q) = \sum_x p(x) \log \frac{p(x)}{q(x)}", False, True),
    (r"\sigma(z) = \frac{1}{1 + e^{-z}}, \nabla_\theta J, \mathbf{x}^\top \mathbf{w}", False, True),
    (r"p(y \mid x) \propto p(x \mid y)\, p(y), \mathcal{O}(n \log n)", False, True),
    (r"\left\{ x \right\} \big( x \big) \Big\lvert x \Big\rvert \big{(}", False, True),
    (r"\dots \cdots \ldots \vdots \ne \le \ge \gg \ll \approx \sim \simeq", False, True),
    (r"\text{\textbf{bold} and \textit{it}} \char`a \char'101", False, True),
    (r"x \verb|\) \(|", False, False),  # auto-render would end the formula at the \)
    (r"x % \) \(\href{javascript:alert(1)}{y}", False, False),
    (r"\text{then \(x\)}", False, False),
    (r"50\% \text{ of } n", False, True),
    (r"10^{-3} \times 5\% = 5 \cdot 10^{-5}", False, True),
    (r"\begin{matrix*}[r] -1 & 2 \end{matrix*} \begin{smallmatrix} a \end{smallmatrix}", False, True),
    (r"\begin{gather} a \\ b \end{gather} \begin{split} a &= b \end{split}", True, True),
    (r"\begin{alignat}{2} a &= b & c &= d \end{alignat}", True, True),
    (r"a \\[2pt] b \newline c", False, True),
    (r"x \relax^2 + \displaystyle\sum_i + \color{red} a^2", False, True),
    (r"\frac{a}{b}}", False, False),
    (r"\left( x \right", False, False),
    (r"\begin{matrix} a & b", False, False),
    (r"\end{matrix}", False, False),
    (r"\mathbbb{R}", False, False),
    (r"\text{\frac{a}{b}}", False, False),
    (r"\url{https://x.org}", False, False),
    (r"\includegraphics{cat.png}", False, False),
    (r"\htmlClass{a}{x} + \htmlData{a=b}{x}", False, False),
    (r"\def\x{y} \x", False, False),
    (r"x^{}^{}", False, False),
    (r"\sqrt[3", False, False),
    (r"\operatorname", False, False),
    (r"a \\[x] b", False, False),
    (r"\begin{array}{p{1cm}} a \end{array}", False, False),
    (r"\kern{1zz}", False, False),
    (r"\big x", False, False),
    (r"a \cr b", False, False),
    (r"\begin{alignat}{1} a &= b & c \end{alignat}", True, False),
    (r"\begin{matrix*}[x] a \end{matrix*}", False, False),
    (r"a \over_t b", False, False),
    ("{" * 10_000 + "x" + "}" * 10_000, False, False),
]
CORPUS = [(tex, False, True) for tex in GOOD] + [(tex, False, False) for tex, _, _ in BAD] + NASTY


def _disagreements(spans: list[tuple[str, bool]]) -> list[str]:
    """The formulas where KaTeX and the checker differ, each with both verdicts."""
    found = []
    for (tex, display), error in zip(spans, katex_errors(spans), strict=True):
        ours = tex_problem(tex, display=display)
        if (ours is None) != (error is None):
            found.append(f"{tex[:80]!r} display={display}: KaTeX says {error}; MB302 says {ours}")
    return found


@pytest.mark.slow
def test_katex_and_the_rule_agree_on_the_corpus() -> None:
    assert len(CORPUS) >= 60
    spans = [(tex, display) for tex, display, _ in CORPUS]
    assert _disagreements(spans) == []
    wrong = [
        (tex[:60], error)
        for (tex, _, renders), error in zip(CORPUS, katex_errors(spans), strict=True)
        if (error is None) != renders
    ]
    assert wrong == [], "the corpus says the opposite of KaTeX"


def _bank_spans() -> list[tuple[str, bool]]:
    bank = load_bank(ROOT / "bank")
    return [
        (span.body, span.display)
        for doc in bank.questions
        for _, text in prose_fields(doc.data)
        for span in math_spans(text)
    ]


@pytest.mark.slow
def test_katex_renders_every_formula_of_the_bank_and_so_does_the_rule() -> None:
    spans = _bank_spans()
    assert len(spans) > 200
    refused = [(tex, error) for (tex, _), error in zip(spans, katex_errors(spans), strict=True) if error]
    assert refused == []
    assert _disagreements(spans) == []


@pytest.mark.slow
def test_katex_and_the_rule_agree_on_broken_bank_formulas_and_every_command() -> None:
    """Thousands of formulas no one chose: each bank formula damaged at a random place (seeded),
    and every command KaTeX has, with a few argument shapes, in math, in text and after ^."""
    rng = random.Random(14)
    damage = [
        "{",
        "}",
        "^",
        "_",
        "&",
        "\\left(",
        "\\right)",
        "\\\\",
        "'",
        "$",
        "#",
        "[",
        "]",
        "\\text{",
        "\\over",
    ]
    spans = []
    for tex, display in _bank_spans():
        for _ in range(8):
            at = rng.randrange(len(tex) + 1)
            if rng.random() < 0.5:
                spans.append((tex[:at] + tex[at + 1 :], display))
            else:
                spans.append((tex[:at] + rng.choice(damage) + tex[at:], display))
    for name in katex().commands:
        for args in ["", "{a}", "{a}{b}", "[1]{a}", "\\alpha"]:
            spans += [
                (f"{name}{args}", False),
                (f"\\text{{{name}{args}}}", False),
                (f"x^{name}{args}", False),
            ]
    assert _disagreements(spans) == []


@pytest.mark.slow
def test_the_data_file_is_what_the_script_makes_from_katex() -> None:
    folder = need_node()
    script = ROOT / "scripts" / "katex_commands.mjs"
    run = subprocess.run(
        ["node", str(script), "--katex", str(folder / "node_modules" / "katex")],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout == DATA.read_text(encoding="utf-8"), f"{DATA} is stale: regenerate it (see {script})"


def bank_fragments() -> list[str]:
    """Every `*_html` field of the real bank's JSON export: the HTML with TeX math apps receive."""
    from mlbank.exporters import json_export
    from mlbank.exporters.view import Filters, build_view

    document = json.loads(json_export.render_text(build_view(load_bank(ROOT / "bank"), Filters())))
    return list(_html_fields(document))


def _html_fields(node: Any, html: bool = False) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _html_fields(value, html or key.endswith("_html"))
    elif isinstance(node, list):
        for item in node:
            yield from _html_fields(item, html)
    elif html and isinstance(node, str):
        yield node


@pytest.mark.slow
def test_auto_render_renders_every_prose_field_of_the_bank() -> None:
    fragments = bank_fragments()
    assert len(fragments) > 400 and sum(f.count("\\(") + f.count("\\[") for f in fragments) >= 266
    failed = [
        (fragment[:120], errors)
        for fragment, errors in zip(fragments, auto_render_errors(fragments), strict=True)
        if errors
    ]
    assert failed == []


@pytest.mark.slow
def test_auto_render_check_sees_broken_and_unrendered_math() -> None:
    errors = auto_render_errors(
        [
            r"<p>Fine \(x^2\) and \[\frac{a}{b}\].</p>",
            r"<p>Broken \(\fracc{a}{b}\).</p>",
            r"<p>Unclosed \(x + 1 and more.</p>",
            r"<p>Linked \(\href{https://x.org}{x}\).</p>",
            r"<p>Code <code>\(x\)</code> is left alone.</p>",
        ]
    )
    assert errors[0] == [] and errors[4] == []
    assert any("fracc" in e for e in errors[1])
    assert any("unrendered" in e for e in errors[2])
    assert any("href" in e for e in errors[3])


def test_without_node_the_real_katex_tests_skip_or_fail_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import katex_node

    monkeypatch.setattr(katex_node.shutil, "which", lambda tool: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="'node' is not on PATH"):
        need_node()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run this test"):
        need_node()
