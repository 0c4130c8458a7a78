"""The bank's prose (Markdown with `$...$` / `$$...$$` math) to HTML: the one renderer every output uses.

Math is cut out by markdown-it's own math plugin (mdit-py-plugins' dollarmath) while the text is
parsed, so Markdown never touches it: `\\,` and `\\|` keep their backslash, and `_t ... _` inside a
formula is not emphasis. `\\$` is a literal (currency) dollar. Each span comes out in one of two forms:

- `TEX`: `\\(...\\)` or `\\[...\\]`, HTML-escaped, for apps that run KaTeX or MathJax auto-render (Anki
  reads the same delimiters);
- `MATHML`: MathML made here by latex2mathml, so a page needs no JavaScript (browsers render MathML Core).

Prose comes from pull requests and ends up on published pages, so everything is inert: raw HTML is
escaped (`html=False`), a link becomes a link only when its target is http(s), and the MathML is rebuilt
from an allow-list of MathML elements and attributes (latex2mathml copies `\\text{<script>}` and
`\\href{javascript:...}` into its output as they are). Math that cannot be rebuilt safely is shown as
its TeX source; lint (MB302) reports it first.
"""

from __future__ import annotations

import enum
import html
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element


class Math(enum.Enum):
    TEX = "tex"
    MATHML = "mathml"


class MathSpan(NamedTuple):
    start: int  # offset of the opening delimiter in the source text
    end: int  # exclusive, after the closing delimiter
    display: bool  # $$...$$
    body: str  # everything between the delimiters, as written


_SAFE_SCHEMES = ("http://", "https://")


def to_html(text: str, math: Math = Math.TEX) -> str:
    """One prose field as an HTML fragment (block-level: paragraphs, lists, tables)."""
    return _render(text, math)


@lru_cache(maxsize=4096)  # an export renders each text once per form; the site renders some twice
def _render(text: str, math: Math) -> str:
    rendered: str = _markdown(math, links=True).render(text)
    return rendered.strip()


def inline_html(text: str, math: Math = Math.TEX) -> str:
    """A one-line field (a title) as inline HTML: no surrounding paragraph, and no links (a title
    is shown inside a link to its question, and a link in a link splits it)."""
    rendered: str = _markdown(math, links=False).renderInline(text)
    return rendered


def plain_html(text: str) -> str:
    """A plain-text field (a name, an id) for an HTML output whose math an app typesets from TeX:
    escaped, and with no sequence that auto-render would take for math (see _inert)."""
    return _inert(html.escape(text))


def math_spans(text: str) -> list[MathSpan]:
    """Every math span the renderer sees, in order, with its place in `text`. Lint finds spans with
    mlbank.markup's regex pass instead (a Markdown parse per field would dominate a cold lint); the
    tests hold the two equal on the bank and a corpus."""
    if "$" not in text:
        return []
    spans: list[MathSpan] = []
    cursor = 0
    for token in _walk(_markdown(Math.TEX, links=True).parse(text)):
        if token.type == "code_inline":
            cursor = _skip(text, token.content, cursor)
        elif token.type.startswith("math_"):
            found = _locate(text, token, cursor)
            if found is not None:
                spans.append(found)
                cursor = found.end
    return spans


def _walk(tokens: Sequence[Any]) -> list[Any]:
    flat: list[Any] = []
    for token in tokens:
        flat.append(token)
        flat.extend(token.children or ())
    return flat


def _skip(text: str, content: str, cursor: int) -> int:
    at = text.find(content, cursor)
    return cursor if at < 0 else at + len(content)


def _locate(text: str, token: Any, cursor: int) -> MathSpan | None:
    display = token.type != "math_inline"
    delim = "$$" if display else "$"
    # Paragraph lines lose their indentation in markdown-it's content: match any run of blanks.
    body = r"\s+".join(re.escape(part) for part in token.content.strip().split())
    match = re.compile(rf"{re.escape(delim)}(\s*{body}\s*){re.escape(delim)}").search(text, cursor)
    if match is None:
        return None
    return MathSpan(match.start(), match.end(), display, match.group(1))


@lru_cache(maxsize=4)
def _markdown(math: Math, *, links: bool) -> Any:
    from markdown_it import MarkdownIt
    from mdit_py_plugins.dollarmath import dollarmath_plugin

    # Images are off: a published page makes no request the author's prose chose.
    md = MarkdownIt("commonmark", {"html": False}).enable("table").disable("image")
    # No space inside the delimiters (`$5 and $6` is money, as in Pandoc); `$$` inside a
    # paragraph is display math; `$$x$$ (1)` is not a labelled equation.
    md.use(dollarmath_plugin, allow_space=False, double_inline=True, allow_labels=False)
    md.validateLink = _safe_link  # type: ignore[method-assign]  # markdown-it's documented hook
    if not links:
        md.disable(["link", "autolink"])
    form = _tex if math is Math.TEX else _mathml
    if math is Math.TEX:
        md.add_render_rule("text", lambda _self, tokens, idx, *_: plain_html(tokens[idx].content))
    md.add_render_rule("math_inline", lambda _self, tokens, idx, *_: form(tokens[idx].content, display=False))
    md.add_render_rule(
        "math_inline_double", lambda _self, tokens, idx, *_: form(tokens[idx].content, display=True)
    )
    md.add_render_rule(
        "math_block", lambda _self, tokens, idx, *_: _block(form(tokens[idx].content, display=True))
    )
    return md


# What KaTeX's and MathJax's auto-render take for the start or end of math in a text node: `\\(`,
# `\\)`, `\\[`, `\\]`, `$$`, and commands such as `\\begin{equation}` or `\\ref{}`. Prose that is not
# math must not start math in an app, so an empty element goes between the two characters: both
# auto-renders search one text node at a time, and the text reads the same.
_DELIMITER = re.compile(r"\\(?=[()\[\]A-Za-z])|\$(?=\$)")


def _inert(escaped: str) -> str:
    return _DELIMITER.sub(lambda m: m.group(0) + "<span></span>", escaped)


def _block(rendered: str) -> str:
    # `$$` on lines of its own: a paragraph of its own (MathML's display="block" centres it).
    return f"<p>{rendered}</p>\n"


def _tex(body: str, *, display: bool) -> str:
    if not renders(body.strip(), display=display):
        return _source(body.strip(), display=display)
    tex = html.escape(body.strip(), quote=False)
    return f"\\[{tex}\\]" if display else f"\\({tex}\\)"


def _mathml(body: str, *, display: bool) -> str:
    return mathml(body.strip(), display=display)


@lru_cache(maxsize=4096)
def renders(tex: str, *, display: bool) -> bool:
    """Whether lint's MB302 passes the formula. What it refuses is shown as its source in every
    output, so an app is never handed a formula that breaks out of its delimiters or needs `trust`."""
    from mlbank.tex_check import tex_problem

    return tex_problem(tex, display=display) is None


def _source(tex: str, *, display: bool) -> str:
    kind = "math-source display" if display else "math-source"
    return f'<code class="{kind}">{html.escape(tex)}</code>'


@lru_cache(maxsize=4096)
def mathml(tex: str, *, display: bool) -> str:
    """One formula as MathML, rebuilt from the allow-list; its TeX in <code> if that is not possible."""
    from latex2mathml.converter import convert

    if not renders(tex, display=display):
        return _source(tex, display=display)
    try:
        converted = convert(_KATEX_NAMES.sub(_standard_name, tex), display="block" if display else "inline")
        return _clean(converted)
    except Exception:
        return _source(tex, display=display)


# MathML Core's elements and the presentation attributes browsers read; nothing that links or scripts.
_ELEMENTS = frozenset(
    [
        "math",
        "semantics",
        "annotation",
        "mrow",
        "mi",
        "mn",
        "mo",
        "ms",
        "mtext",
        "mspace",
        "mfrac",
        "msqrt",
        "mroot",
        "mstyle",
        "merror",
        "mpadded",
        "mphantom",
        "msub",
        "msup",
        "msubsup",
        "munder",
        "mover",
        "munderover",
        "mmultiscripts",
        "mprescripts",
        "none",
        "mtable",
        "mtr",
        "mtd",
        "menclose",
    ]
)
_ATTRIBUTES = frozenset(
    [
        "xmlns",
        "display",
        "displaystyle",
        "scriptlevel",
        "mathvariant",
        "stretchy",
        "fence",
        "separator",
        "form",
        "lspace",
        "rspace",
        "minsize",
        "maxsize",
        "symmetric",
        "largeop",
        "movablelimits",
        "accent",
        "accentunder",
        "linethickness",
        "width",
        "height",
        "depth",
        "voffset",
        "columnalign",
        "rowalign",
        "columnspacing",
        "rowspacing",
        "columnlines",
        "rowlines",
        "frame",
        "framespacing",
        "notation",
        "encoding",
        "linebreak",
    ]
)
_MATHML_NS = "{http://www.w3.org/1998/Math/MathML}"


class UnsafeMath(ValueError):
    """The converter produced something outside the allow-list, or left a command unconverted."""


# KaTeX's own shorthands (its macros.js) that latex2mathml does not know, as the standard TeX they
# stand for; without them latex2mathml writes `\arg` as an identifier named "\arg".
_ALIASES = {
    "arg": "\\operatorname{arg}",
    **dict.fromkeys(["R", "Reals", "reals"], "\\mathbb{R}"),
    **dict.fromkeys(["N", "natnums"], "\\mathbb{N}"),
    **dict.fromkeys(["Z"], "\\mathbb{Z}"),
    **dict.fromkeys(["Complex", "cnums", "complex"], "\\mathbb{C}"),
    **{"infin": "\\infty", "empty": "\\emptyset", "dag": "\\dagger", "ddag": "\\ddagger"},
    **{"Dagger": "\\ddagger", "sub": "\\subset", "sube": "\\subseteq", "supe": "\\supseteq"},
    **{"harr": "\\leftrightarrow", "lrarr": "\\leftrightarrow", "larr": "\\leftarrow"},
    **{"rarr": "\\rightarrow", "uarr": "\\uparrow", "darr": "\\downarrow", "Uarr": "\\Uparrow"},
    **{"Darr": "\\Downarrow", "image": "\\Im", "real": "\\Re", "weierp": "\\wp"},
    **dict.fromkeys(["hArr", "Harr"], "\\Leftrightarrow"),
    **dict.fromkeys(["lArr", "Larr"], "\\Leftarrow"),
    **dict.fromkeys(["rArr", "Rarr"], "\\Rightarrow"),
    **dict.fromkeys(["alef", "alefsym"], "\\aleph"),
    **{"clubs": "\\clubsuit", "diamonds": "\\diamondsuit", "hearts": "\\heartsuit"},
    **{"spades": "\\spadesuit", "sdot": "\\cdot", "isin": "\\in", "plusmn": "\\pm"},
    **{"bull": "\\bullet", "exist": "\\exists", "thetasym": "\\vartheta"},
    **{
        name: f"\\mathrm{{{letter}}}"
        for name, letter in (
            ("Alpha", "A"),
            ("Beta", "B"),
            ("Epsilon", "E"),
            ("Zeta", "Z"),
            ("Eta", "H"),
            ("Iota", "I"),
            ("Kappa", "K"),
            ("Mu", "M"),
            ("Nu", "N"),
            ("Omicron", "O"),
            ("Rho", "P"),
            ("Tau", "T"),
            ("Chi", "X"),
        )
    },
}
# A command or a control symbol, so `\\R` (a row break, then R) is not read as `\R`.
_KATEX_NAMES = re.compile(r"\\([A-Za-z]+|.)", re.DOTALL)


def _standard_name(match: re.Match[str]) -> str:
    return _ALIASES.get(match.group(1), match.group(0))


def _clean(converted: str) -> str:
    from xml.etree import ElementTree

    root = ElementTree.fromstring(converted)
    return _serialise(root)


def _serialise(node: Element) -> str:
    tag = node.tag.removeprefix(_MATHML_NS)
    if tag not in _ELEMENTS:
        raise UnsafeMath(tag)
    attributes = "".join(
        f' {name}="{html.escape(value)}"' for name, value in sorted(node.attrib.items()) if _allowed(name)
    )
    if tag == "math":
        attributes = ' xmlns="http://www.w3.org/1998/Math/MathML"' + attributes
    text = _token_text(tag, node.text or "")
    inner = html.escape(text, quote=False)
    for child in node:
        inner += _serialise(child) + html.escape(child.tail or "", quote=False)
    return f"<{tag}{attributes}>{inner}</{tag}>"


# Text-mode escapes latex2mathml copies into <mtext> as written (`\\text{10\\% off}`).
_TEXT_ESCAPES = re.compile(r"\\([%$&#_{}])")


def _token_text(tag: str, text: str) -> str:
    """A token's text, or UnsafeMath where latex2mathml left TeX in it (a command it does not
    know, an accent written `\\^a`): shown as TeX source rather than garbled."""
    if tag == "mtext":
        if re.search(r"(?<!\\)[{}]", text):  # a group inside \text{} that the converter cut short
            raise UnsafeMath(f"unconverted TeX in <mtext>: {text}")
        text = _TEXT_ESCAPES.sub(r"\1", text)
    left = "\\" in text if tag in ("mi", "mtext") else bool(re.match(r"\\[A-Za-z]", text))
    if left:  # `<mo>\</mo>` is \backslash, a symbol of its own
        raise UnsafeMath(f"unconverted TeX in <{tag}>: {text}")
    return text


def _allowed(name: str) -> bool:
    if name not in _ATTRIBUTES:
        raise UnsafeMath(name)
    return name != "xmlns"


def _safe_link(url: str) -> bool:
    """Only http(s) targets become links: no javascript:, data:, file: or relative paths from prose."""
    return url.strip().lower().startswith(_SAFE_SCHEMES)
