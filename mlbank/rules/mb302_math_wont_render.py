"""A formula that KaTeX would refuse to render: broken TeX, or a command KaTeX does not have.

Apps show the bank's math with KaTeX or MathJax, and KaTeX supports the fewest commands, so the
bank keeps to what KaTeX renders. Each `$...$` and `$$...$$` span must parse as KaTeX parses it:
braces balanced, `\\left` paired with `\\right` (and `\\middle` only between them), `\\begin{env}`
closed by the same `\\end{env}` (an environment KaTeX knows; align, gather and equation only in
`$$...$$`), every command given its arguments, `^` and `_` given something to raise or lower, no
double superscript (`x^a^b`), and only commands KaTeX has. Commands that need KaTeX's `trust`
option (`\\href`, `\\url`, `\\includegraphics`, `\\htmlClass`, `\\htmlId`, `\\htmlStyle`,
`\\htmlData`) are refused too, because published pages do not enable it, and so are macro
definitions (`\\newcommand`, `\\def`): KaTeX forgets them after each formula, MathJax keeps them.

The finding points at the offending command (or at the brace, `\\left` or `\\begin` left open) and
suggests the command you probably meant. One finding per formula: fix it, and lint again. The list
of what KaTeX supports is data generated from KaTeX itself (mlbank/data/katex.json, by
scripts/katex_commands.mjs).

Bad::

    answer: |
      The odds are $\\fracc{p}{1 - p}$, so $\\left( \\frac{a}{b}$ grows as $x^a^b$.

Good::

    answer: |
      The odds are $\\frac{p}{1 - p}$, so $\\left( \\frac{a}{b} \\right)$ grows as $x^{ab}$.
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.markup import math_spans
from mlbank.rules.base import Context, RuleId, at, dotted
from mlbank.tex_check import tex_problem

RULE = RuleId("MB302", "math-wont-render", Severity.ERROR)
_SHOWN = 40  # characters of the formula quoted in the message


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.prose_documents:
        for path, text in ctx.prose(doc):
            # Spans as lint's regex scan finds them (the renderer sees the same ones; a Markdown
            # parse per field would dominate a cold lint).
            for span in math_spans(text):
                body = span.body(text)
                problem = tex_problem(body, display=span.display)
                if problem is not None:
                    offset = span.start + (2 if span.display else 1) + problem.offset
                    message = (
                        f"{dotted(path)}: {_quoted(body, span.display)} will not render: {problem.message}"
                    )
                    yield at(RULE, doc, doc.text_position(path, offset), message)


def _quoted(tex: str, display: bool) -> str:
    delimiter = "$$" if display else "$"
    body = " ".join(tex.split())
    shown = body if len(body) <= _SHOWN else body[: _SHOWN - 3] + "..."
    return f"{delimiter}{shown}{delimiter}"
