"""Markdown prose -> Anki HTML: math survives Markdown and reaches MathJax between \\( \\)."""

from __future__ import annotations

import pytest

from mlbank.exporters.html import math_spans, to_html


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
