"""The TeX checker behind MB302, without node: verdicts, offsets, messages, and bounded work on
hostile input. tests/test_katex_real.py holds the same verdicts against real KaTeX."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlbank import tex_check
from mlbank.bank import load_bank
from mlbank.katex_data import katex
from mlbank.render import math_spans
from mlbank.rules.base import prose_fields
from mlbank.tex_check import MAX_DEPTH, tex_problem
from mlbank.tex_tokens import tokens

ROOT = Path(__file__).parent.parent

GOOD = [
    r"L = -[y \log p + (1 - y) \log(1 - p)]",
    r"\frac{a}{b} + \tfrac12 + \dfrac{\partial L}{\partial w}",
    r"\left( \frac{a}{b} \right)^2 + \left\lVert w \right\rVert_2",
    r"\left\langle x \middle| y \right\rangle",
    r"\operatorname{arg\,max}_{\theta} \operatorname*{arg\,min}_w",
    r"\mathbb{R}^n \ni \boldsymbol{\theta}, \mathcal{L}, \mathrm{d}x",
    r"\text{if } x > 0 \text{ and {braces} inside}",
    r"\text{cost is \$5, or $x^2$ in math}",
    r"\sum_{i=1}^{n} x_i^2, \prod\limits_i p_i, \int_0^1 f(x)\,dx",
    r"x'' + x'^2 + x_a^b + {x^a}^b",
    r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
    r"\begin{array}{c|c} \hline a & b \\ \hline c & d \end{array}",
    r"\sqrt[3]{x} + \sqrt2 + x^\frac12 + e^{-\lambda t}",
    r"\color{red}{x} + \textcolor{blue}{y} + \hspace{1em} + \kern-2pt",
    r"a \over b",
    r"\|w\|_2^2 \le \epsilon, \quad 5\% \approx 0.05",
    r"x² + a₁",
]

# (formula, offset of the finding, words the message must hold)
BAD = [
    (r"\fracc{a}{b}", 0, "did you mean '\\frac'"),
    (r"\alpha + \lamda", 9, "did you mean '\\lambda'"),
    (r"\frac{a}{b", 8, "'{' is never closed"),
    (r"\frac{a}", 0, "'\\frac' is missing some of its 2 arguments"),
    (r"a}", 1, "'}' closes nothing"),
    (r"\left( x", 0, "'\\left' has no matching '\\right'"),
    (r"x \right)", 2, "no '\\left' before it"),
    (r"x \middle| y", 2, "'\\middle' works only between \\left and \\right"),
    (r"\left x \right.", 6, "needs a delimiter"),
    (r"\begin{matrix} a", 0, "\\begin{matrix} is never closed"),
    (r"\begin{pmatirx} a \end{pmatirx}", 0, "did you mean 'pmatrix'"),
    (r"\begin{matrix} a \end{pmatrix}", 17, "closed by \\end{pmatrix}"),
    (r"\begin{align} a \end{align}", 0, "only in display math"),
    (r"x^", 1, "'^' has nothing after it"),
    (r"x_{a}_b", 5, "second subscript"),
    (r"x^a^b", 3, "second superscript"),
    (r"x^2'", 3, "second superscript"),
    (r"x^\sqrt2", 2, "without braces"),
    (r"a & b", 2, "'&' separates columns"),
    (r"\href{https://x.org}{x}", 0, "trust option"),
    (r"\newcommand{\R}{\mathbb R}", 0, "defines a macro"),
    (r"\text{\alpha}", 6, "works only in math"),
    (r"\text{x^2}", 7, "works only in math"),
    (r"\textdollar", 0, "works only in text"),
    (r"\tag{1} x", 0, "only in display math"),
    (r"x\limits", 1, "must follow a large operator"),
    (r"a \over b \over c", 10, "second '\\over'"),
    (r"\hspace{a}", 7, "needs a size"),
    (r"\color{1em}{x}", 6, "not a colour"),
    (r"\begin{array}{cx} a \end{array}", 13, "column spec"),
    (r"\begin{subarray}{cc} a \end{subarray}", 16, "takes 1 column"),
    (r"# 1", 0, "macro parameter"),
    (r"\text{a $b}", 8, "never closed"),
    ("a \u2028 b", 2, "U+2028"),
    ("a \\", 2, "backslash"),
]


@pytest.mark.parametrize("tex", GOOD)
def test_what_katex_renders_passes(tex: str) -> None:
    assert tex_problem(tex) is None


@pytest.mark.parametrize(("tex", "offset", "words"), BAD)
def test_each_problem_is_found_where_it_is(tex: str, offset: int, words: str) -> None:
    problem = tex_problem(tex)
    assert problem is not None
    assert (problem.offset, words in problem.message) == (offset, True), problem.message


def test_display_math_allows_display_environments() -> None:
    assert tex_problem(r"\begin{align} a &= b \\ c &= d \tag{1} \end{align}", display=True) is None
    problem = tex_problem(r"\begin{equation*} a & b \end{equation*}", display=True)
    assert problem is not None and "too many '&'" in problem.message


def test_only_the_first_problem_is_reported() -> None:
    problem = tex_problem(r"\fracc{a} + \lamda + x^")
    assert problem is not None and "\\fracc" in problem.message


def test_data_is_katex_and_refuses_every_trusted_command() -> None:
    data = katex()
    assert data.version and len(data.commands) > 500 and "matrix" in data.environments
    trusted = {"\\href", "\\url", "\\includegraphics", "\\htmlClass", "\\htmlId", "\\htmlStyle", "\\htmlData"}
    assert {name for name, why in data.refused.items() if why == "trust"} == trusted
    assert data.commands["\\frac"].args == ("math", "math")


def test_every_formula_in_the_bank_passes() -> None:
    bank = load_bank(ROOT / "bank")
    spans = [s for doc in bank.questions for _, text in prose_fields(doc.data) for s in math_spans(text)]
    assert len(spans) > 200
    assert [
        (s.body, tex_problem(s.body, display=s.display))
        for s in spans
        if tex_problem(s.body, display=s.display)
    ] == []


@pytest.mark.parametrize(
    "tex",
    [
        "{" * 10_000 + "x" + "}" * 10_000,
        "x^{" * 10_000 + "x" + "}" * 10_000,
        r"\left(" * 10_000 + "x" + r"\right)" * 10_000,
        r"\begin{matrix}" * 10_000,
        r"\sqrt{" * 10_000,
        r"\text{$" * 10_000 + "x" + "$}" * 10_000,
    ],
)
def test_deep_nesting_is_reported_not_followed(tex: str) -> None:
    problem = tex_problem(tex)  # no RecursionError: the parser keeps its own stack
    assert problem is not None and str(MAX_DEPTH) in problem.message


def test_nesting_up_to_the_limit_renders() -> None:
    depth = MAX_DEPTH - 1
    assert tex_problem("{" * depth + "x" + "}" * depth) is None


def test_too_many_macro_expansions_are_reported() -> None:
    problem = tex_problem(r"\dots " * 600)
    assert problem is not None and "1000 macro expansions" in problem.message


@pytest.mark.parametrize("unit", ["x + ", r"\frac{a}{b} ", r"\left( x \right) ", "{a^{b_c}} "])
def test_work_grows_linearly(unit: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted in parse steps, not seconds, so a busy machine cannot make it flaky."""
    steps = 0
    run = tex_check._run

    def counted(root: tex_check.Step) -> None:
        def count(step: tex_check.Step) -> tex_check.Step:
            nonlocal steps
            for child in step:
                steps += 1
                yield count(child)

        run(count(root))

    monkeypatch.setattr(tex_check, "_run", counted)

    def work(n: int) -> int:
        nonlocal steps
        steps = 0
        tex_problem(unit * n)
        return steps

    small, large = work(2_000), work(8_000)
    assert small > 2_000 and large <= 4 * small + 16  # four times the input: linear is 4x


def test_a_megabyte_formula_is_checked_in_seconds() -> None:
    start = time.perf_counter()
    assert tex_problem("a+" * 500_000) is None
    assert time.perf_counter() - start < 30


def test_tokens_follow_katex_lexer() -> None:
    texts = [t.text for t in tokens("\\alpha  x%comment\n\\verb|a b|\\ y\\,é")]
    assert texts == ["\\alpha", "x", "\\verb|a b|", "\\ ", "y", "\\,", "é", "EOF"]


# Pieces of TeX that start and end groups, arguments, environments, scripts and comments.
_TEX_PIECES = st.sampled_from([
    "{", "}", "^", "_", "&", "'", "x", " ", "\\", "\\frac", "\\left(", "\\right)", "\\begin{matrix}",
    "\\end{matrix}", "\\text{", "$", "[", "]", "\\sqrt", "\\color{red}", "\\over", "\\hline", "\\verb|",
    "%", "\\char", "²", "\u0301",
])  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(), st.lists(_TEX_PIECES, max_size=30).map("".join)))
def test_any_input_gives_a_verdict_never_an_exception(tex: str) -> None:
    problem = tex_problem(tex)
    assert problem is None or (0 <= problem.offset <= len(tex) and problem.message)
