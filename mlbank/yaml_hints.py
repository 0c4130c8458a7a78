"""Why a YAML syntax error happened, said so that the author who made it can fix it.

The parser only knows where it gave up and which token it expected ("mapping values are not allowed
in this context"); an author needs the slip behind it (a colon followed by a space inside an unquoted
title) and the fix (quote the title). SLIPS is that translation, as a table: each row matches the
parser's words, checks the source text around the parser's marks for one slip, and words the hint.
The first row whose check recognises its slip wins. An error no row explains keeps the parser's
message alone: a wrong guess would send the author the wrong way.

A hint may move the finding from where the parser stopped to where the fix goes: the quote or
bracket that was never closed, the `answer:` that needs `|`, the key missing the space after its
colon. Both of ruamel's parsers feed the table (libyaml's, and the pure-Python one where libyaml is
missing); they word their errors differently, so each pattern names what both say.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import NamedTuple

from mlbank.loader import LINE_BREAK  # the breaks both parsers count, so line numbers agree

# A `key:` (or `- key:`) line as bank files write it: a plain word, then a colon and a space or the
# end of the line. Prose ("My default is log loss (a proper rule): it") is deliberately not a key.
_KEY = re.compile(r"( *)((?:- +)*)([A-Za-z_][\w.-]*) *:(?=[ \t]|$)")
_NO_SPACE_KEY = re.compile(r" *(?:- +)*([A-Za-z_][\w-]*):([^\s:/].*)")
_DASH_NO_SPACE = re.compile(r" *-([A-Za-z_][\w-]*)")
_ITEM = re.compile(r" *- |\s*-$")
_BLOCK_HEADER = re.compile(r"[|>][-+0-9]*[ \t]*(?:#.*)?$")
_PLAIN_START = re.compile(r"""[^|>"'\[{#]""")
_TEXT_START = re.compile(r"""[^-|>"'\[\]{},#?&!%@]""")
_PROSE = re.compile(r"[*_`]*[A-Za-z][^ ]* ")  # a value that reads as words: `**Offline metrics** ...`

_INVISIBLE = {
    "\ufeff": "byte-order mark",
    "\u00a0": "no-break space",
    "\u200b": "zero-width space",
    "\u2060": "word joiner",
    "\u202f": "narrow no-break space",
}
_CLOSE = {"[": "]", "{": "}"}
_COMMENT_IN_FLOW = re.compile(r"[\s,\[{]#")


class Mark(NamedTuple):
    """A place in the text, 0-based as the parser counts."""

    line: int
    column: int


class Site(NamedTuple):
    """A syntax error and the text around it."""

    lines: tuple[str, ...]
    said: str  # the parser's context and problem, joined: what the table's patterns read
    problem: Mark
    context: Mark | None

    def line(self, n: int) -> str:
        return self.lines[n] if 0 <= n < len(self.lines) else ""

    def char(self, at: Mark) -> str:
        return self.line(at.line)[at.column : at.column + 1]


class Found(NamedTuple):
    """A check's verdict: the slip is there, the fix goes at `at`, and the words the hint needs."""

    at: Mark
    words: Mapping[str, object] = {}


class Slip(NamedTuple):
    said: re.Pattern[str]
    check: Callable[[Site], Found | None]
    hint: str  # a str.format template over Found.words


class Hint(NamedTuple):
    line: int  # 1-based, as findings count
    column: int
    text: str


def explain(text: str, said: str, problem: Mark, context: Mark | None) -> Hint | None:
    """The first slip in SLIPS that explains this error, with its place and words; None if none does."""
    site = Site(tuple(LINE_BREAK.split(text)), said, problem, context)
    for slip in SLIPS:
        if slip.said.search(said):
            found = slip.check(site)
            if found is not None:
                return Hint(found.at.line + 1, found.at.column + 1, slip.hint.format(**found.words))
    return None


def quote_fix(text: str, line: int, column: int) -> str | None:
    """`key: "value"` when the 1-based place starts the plain text value of a `key:` line, else None.

    For values the loader refuses for safety (`*Note`, `&x`, `!important`), which a new author
    typed as text."""
    lines = LINE_BREAK.split(text)
    key = _key_line(lines[line - 1]) if 0 < line <= len(lines) else None
    if key is None or key.value_at != column - 1 or not key.value:
        return None
    rest = key.value.split(None, 1)[1:]  # what follows the refused token
    if rest and rest[0][0] in "[{":
        return None  # a collection: structure, not text
    return f"{key.key}: {_quote(key.value)}"


# --- reading lines --------------------------------------------------------------------------------


class KeyLine(NamedTuple):
    key: str
    start: int  # column of the key
    colon: int  # column of its colon
    value: str  # the rest of the line as written, stripped
    value_at: int  # column where the value starts (the line's length when there is none)


def _key_line(line: str) -> KeyLine | None:
    match = _KEY.match(line)
    if match is None:
        return None
    rest = line[match.end() :]
    value = rest.strip()
    value_at = match.end() + len(rest) - len(rest.lstrip()) if value else len(line)
    return KeyLine(match[3], match.start(3), match.end() - 1, value, value_at)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _above(site: Site, n: int) -> list[int]:
    """The content lines above line n, nearest first."""
    return [m for m in range(min(n, len(site.lines)) - 1, -1, -1) if _content(site.line(m))]


def _owner(site: Site, n: int) -> int | None:
    """The nearest content line above n that is indented less: the node line n belongs to."""
    indent = _indent(site.line(n))
    return next((m for m in _above(site, n) if _indent(site.line(m)) < indent), None)


def _focus(site: Site) -> int:
    """The line the parser was reading. For a simple key that ran past its line (`title:Softmax`,
    a paragraph line) that is where the key began; else where it stopped, unless that is empty."""
    if site.context is not None and ("simple key" in site.said or not _content(site.line(site.problem.line))):
        return site.context.line
    return site.problem.line


def _plain(value: str) -> bool:
    return not value or _PLAIN_START.match(value) is not None


def _quote(value: str) -> str:
    """The value as a YAML string: double quotes unless they would need escapes."""
    if '"' not in value and "\\" not in value:
        return f'"{value}"'
    if "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fix(site: Site, at: Mark) -> str:
    """The line holding `at`, written with its value quoted: `title: "..."`."""
    line = site.line(at.line)
    key = _key_line(line)
    if key is not None and key.value:
        return f"{key.key}: {_quote(key.value)}"
    return _quote(line[at.column :].strip())


# --- checks: each recognises one slip from the text around the parser's marks ----------------------


def _tab(site: Site) -> Found | None:
    if site.char(site.problem) == "\t":
        return Found(site.problem)
    line = site.line(site.problem.line)
    lead = line[: len(line) - len(line.lstrip(" \t"))]
    return Found(Mark(site.problem.line, lead.index("\t"))) if "\t" in lead else None


def _invisible(site: Site) -> Found | None:
    line = site.line(site.problem.line)
    for column, char in enumerate(line[: site.problem.column + 1]):
        if char in _INVISIBLE:
            return Found(
                Mark(site.problem.line, column), {"code": f"U+{ord(char):04X}", "name": _INVISIBLE[char]}
            )
    return None


def _no_space_after_colon(site: Site) -> Found | None:
    """`title:Softmax` is one plain word to YAML, which runs on over the lines below it until the
    parser trips: look back from there to the first line of that text."""
    focus = _focus(site)
    for n in [focus, *_above(site, focus)]:
        match = _NO_SPACE_KEY.match(site.line(n))
        if match is not None:
            return Found(Mark(n, match.end(1)), {"key": match[1], "value": match[2].strip()})
        if n != focus and _key_line(site.line(n)) is not None:
            return None  # a well-formed key starts the text the parser was reading
    return None


def _dash_without_space(site: Site) -> Found | None:
    owner = _owner(site, _focus(site))
    match = _DASH_NO_SPACE.match(site.line(owner)) if owner is not None else None
    if owner is None or match is None:
        return None
    return Found(Mark(owner, match.start(1) - 1), {"key": match[1]})


def _prose_without_block(site: Site) -> Found | None:
    """Indented text under `answer:` without `|` is read as YAML: its first `: ` or `**` breaks it."""
    focus = _focus(site)
    key = _key_line(site.line(focus))
    if key is not None and not _is_text(site, focus, key):
        below = next((m for m in range(focus + 1, len(site.lines)) if _content(site.line(m))), None)
        deeper = below is not None and _indent(site.line(below)) > key.start
        on_line = site.problem.line == focus and site.problem.column > key.colon
        if deeper and on_line and _PROSE.match(key.value):  # `answer: Use these:`, then indented lines
            return Found(Mark(focus, key.colon + 1), {"key": key.key})
        return None
    if not _TEXT_START.match(site.line(focus).lstrip()):
        return None  # an item, a flow collection, a quoted value: structure, not a paragraph
    holder = _holder(site, focus)
    key = _key_line(site.line(holder)) if holder is not None else None
    if holder is None or key is None or (key.value and not _PROSE.match(key.value)):
        return None
    return Found(Mark(holder, key.colon + 1), {"key": key.key})


def _is_text(site: Site, n: int, key: KeyLine) -> bool:
    """A `Word: ...` line the parser tripped on at its colon, below a line of plain text: more text."""
    above = _above(site, n)
    prev = site.line(above[0]) if above else ""
    return site.problem == Mark(n, key.colon) and _indent(prev) == key.start and _key_line(prev) is None


def _inside_value(site: Site, n: int) -> bool:
    """Whether line n continues a value: text in a `|` block (where `Required: ...` is prose), or a
    `[...]`/`{...}` that runs over several lines."""
    holder = _holder(site, n)
    key = _key_line(site.line(holder)) if holder is not None else None
    return key is not None and (_BLOCK_HEADER.match(key.value) is not None or key.value[:1] in ("[", "{"))


def _holder(site: Site, n: int) -> int | None:
    """The `key:` line that text line n hangs under, through the less indented lines above it."""
    owner = _owner(site, n)
    while owner is not None and _key_line(site.line(owner)) is None:
        owner = _owner(site, owner)
    return owner


def _colon_in_value(site: Site) -> Found | None:
    key = _key_line(site.line(site.problem.line))
    if key is None or site.problem.column <= key.colon or not _plain(key.value):
        return None
    return Found(site.problem, {"key": key.key, "fix": f"{key.key}: {_quote(key.value)}"})


def _key_too_deep(site: Site) -> Found | None:
    """A key indented past its sibling's column continues the sibling's plain value."""
    key = _key_line(site.line(site.problem.line))
    owner = _owner(site, site.problem.line)
    sibling = _key_line(site.line(owner)) if owner is not None else None
    if key is None or key.colon != site.problem.column or owner is None or sibling is None:
        return None
    if not sibling.value or not _plain(sibling.value):
        return None
    words = {"key": key.key, "sibling": sibling.key, "line": owner + 1, "to": sibling.start + 1}
    return Found(Mark(site.problem.line, key.start), words)


def _unclosed_quote(site: Site) -> Found | None:
    if site.context is None or site.char(site.context) not in ("'", '"'):
        return None
    quote = site.char(site.context)
    note = " (an apostrophe inside single quotes is written twice: '')" if quote == "'" else ""
    return Found(site.context, {"quote": _shown(quote), "note": note})


def _quote_closed_later(site: Site) -> Found | None:
    """`title: "Softmax` runs on to the next quote in the file, and the text after that breaks."""
    line = site.line(site.problem.line)
    before = line[: site.problem.column].rstrip()
    quote = before[-1:]
    if quote not in ("'", '"') or before.count(quote) % 2 == 0:
        return None
    for n in _above(site, site.problem.line):
        if site.line(n).count(quote) % 2 == 1:
            words = {"close_line": site.problem.line + 1, "close_column": len(before), "line": n + 1}
            return Found(Mark(n, site.line(n).index(quote)), words)
    return None


def _closed_quote(site: Site) -> KeyLine | None:
    """The `key:` line whose quoted value closed just before where the parser stopped."""
    line = site.line(site.problem.line)
    before = line[: site.problem.column].rstrip()
    key = _key_line(line)
    quote = before[-1:]
    if quote not in ("'", '"') or key is None or key.value[:1] != quote or before.count(quote) % 2:
        return None
    return key


def _apostrophe_in_single_quotes(site: Site) -> Found | None:
    """`'Bayes' rule'`: the apostrophe closed the value."""
    key = _closed_quote(site)
    if key is None or not (key.value[0] == "'" and key.value.endswith("'") and len(key.value) > 2):
        return None
    return Found(site.problem, {"fix": f"{key.key}: {_quote(key.value[1:-1])}"})


def _text_after_quote(site: Site) -> Found | None:
    """`"Softmax" in practice`: a quoted value ends at its closing quote."""
    key = _closed_quote(site)
    return None if key is None else Found(site.problem, {"fix": f"{key.key}: {_quote(key.value)}"})


def _extra_close(site: Site) -> Found | None:
    char = site.char(site.problem)
    return Found(site.problem, {"char": char}) if char in ("]", "}") else None


def _bracketed_then_text(site: Site) -> Found | None:
    before = site.line(site.problem.line)[: site.problem.column].rstrip()
    if before[-1:] not in ("]", "}"):
        return None
    return Found(site.problem, {"char": before[-1], "fix": _fix(site, site.problem)})


def _item_misaligned(site: Site) -> Found | None:
    rest = site.line(site.problem.line)[site.problem.column :]
    if not (rest == "-" or rest.startswith(("- ", "-\t"))):
        return None
    for n in _above(site, site.problem.line):
        column = _indent(site.line(n))
        if _ITEM.match(site.line(n)) and column != site.problem.column:
            words = {"column": site.problem.column + 1, "theirs": column + 1, "line": n + 1}
            return Found(site.problem, words)
    return None


def _block_dedented(site: Site) -> Found | None:
    """A literal block's indentation is set by its first line; a line indented less ends the block,
    and the parser then reads that line, and the text after it, as YAML."""
    focus = _focus(site)
    line = site.line(focus)
    indent = _indent(line)
    block = _block_above(site, focus) if _content(line) else None
    if block is None:
        return None
    header, first, width = block
    if first == focus:
        return None  # the block's first line: see _block_not_indented
    below = next((m for m in range(focus + 1, len(site.lines)) if site.line(m).strip()), None)
    if indent <= header.start:  # at the key's column or left of it: only if the text resumes below
        resumes = below is not None and _indent(site.line(below)) >= width
        if _key_line(line) is not None or not resumes:
            return None
    elif indent >= width:
        return None
    elif _key_line(line) is not None and indent - header.start < width - indent:
        return None  # a `word: ...` line nearer the key's column than the text's: a misplaced key
    words = {"key": header.key, "header": header.value[0], "width": width, "first": first + 1, "has": indent}
    return Found(Mark(focus, indent), words)


def _block_above(site: Site, n: int) -> tuple[KeyLine, int, int] | None:
    """The `key: |` whose text line n may belong to: (its key line, its first text line, its indent)."""
    indent = _indent(site.line(n))
    for m in _above(site, n):
        key = _key_line(site.line(m))
        if key is not None and _BLOCK_HEADER.match(key.value):
            first = next((k for k in range(m + 1, n) if site.line(k).strip()), n)
            return key, first, _indent(site.line(first))
        if _indent(site.line(m)) < indent or (key is not None and _indent(site.line(m)) <= indent):
            return None  # line n belongs to this node, which is not a block
    return None


def _block_not_indented(site: Site) -> Found | None:
    """`answer: |` then text at the key's own column: the block is empty and the text is read as YAML."""
    start = _focus(site)
    above = _above(site, start)
    key = _key_line(site.line(above[0])) if above else None
    if key is None or _indent(site.line(start)) > key.start or not _BLOCK_HEADER.match(key.value):
        return None
    if _key_line(site.line(start)) is not None:
        return None  # an empty block, then the next key: not this slip
    words = {"key": key.key, "header": key.value[0], "spaces": key.start + 2}
    return Found(Mark(start, _indent(site.line(start))), words)


def _value_below_key(site: Site) -> Found | None:
    start = _focus(site)
    above = _above(site, start)
    key = _key_line(site.line(above[0])) if above else None
    if key is None or key.value or _indent(site.line(start)) > key.start:
        return None
    words = {"key": key.key, "value": site.line(start).strip()}
    return Found(Mark(start, _indent(site.line(start))), words)


def _key_under_dash(site: Site) -> Found | None:
    """`- says: x` then `expr: y` at the dash's column: YAML expects the next `- ` there."""
    key = _key_line(site.line(site.problem.line))
    if key is None or key.start != site.problem.column:
        return None
    for n in _above(site, site.problem.line):
        line = site.line(n)
        if _indent(line) < key.start:
            return None
        item = _ITEM.match(line)
        if item is not None and _indent(line) == key.start:
            first = _key_line(line)
            to = first.start if first is not None else item.end()
            like = f", like '{first.key}'" if first is not None else ""
            words = {"key": key.key, "line": n + 1, "column": key.start + 1, "to": to + 1, "like": like}
            return Found(site.problem, words)
    return None


def _key_misaligned(site: Site) -> Found | None:
    key = _key_line(site.line(site.problem.line))
    if key is None or key.start != site.problem.column:
        return None
    for n in _above(site, site.problem.line):
        sibling = _key_line(site.line(n))
        if sibling is not None and sibling.start != key.start and not _inside_value(site, n):
            words = {
                "key": key.key,
                "column": key.start + 1,
                "sibling": sibling.key,
                "line": n + 1,
                "theirs": sibling.start + 1,
            }
            return Found(site.problem, words)
    return None


def _first_key_indented(site: Site) -> Found | None:
    first = next((n for n in range(len(site.lines)) if _content(site.line(n))), None)
    if first is None or _indent(site.line(first)) == 0:
        return None
    return Found(Mark(first, _indent(site.line(first))))


def _flow_hash(site: Site) -> Found | None:
    """`[a, #b]`: a '#' after a space starts a comment that hides the rest of the line, ']' included."""
    if site.context is None or site.problem.line == site.context.line:
        return None
    line = site.line(site.context.line)
    match = _COMMENT_IN_FLOW.search(line, site.context.column)
    if match is None:
        return None
    return Found(
        Mark(site.context.line, match.end() - 1), {"close": _CLOSE.get(site.char(site.context), "]")}
    )


def _flow_unclosed(site: Site) -> Found | None:
    opener = site.char(site.context) if site.context is not None else ""
    if site.context is None or site.problem.line == site.context.line or opener not in _CLOSE:
        return None
    what = "list" if opener == "[" else "mapping"
    return Found(site.context, {"open": opener, "close": _CLOSE[opener], "what": what})


def _flow_mismatched(site: Site) -> Found | None:
    opener = site.char(site.context) if site.context is not None else ""
    char = site.char(site.problem)
    if site.context is None or opener not in _CLOSE or char not in ("]", "}") or char == _CLOSE[opener]:
        return None
    words = {"open": opener, "column": site.context.column + 1, "char": char, "close": _CLOSE[opener]}
    return Found(site.problem, words)


def _flow_missing_comma(site: Site) -> Found | None:
    opener = site.char(site.context) if site.context is not None else ""
    if site.context is None or site.problem.line != site.context.line or opener not in _CLOSE:
        return None
    what = "items of a [...] list" if opener == "[" else "entries of a {...} mapping"
    return Found(site.problem, {"what": what})


def _flow_colon(site: Site) -> Found | None:
    line = site.line(site.problem.line)
    start = max(line.rfind(c, 0, site.problem.column) for c in " ,[{") + 1
    end = min((i for i in (line.find(c, site.problem.column) for c in " ,]}") if i >= 0), default=len(line))
    key, _, value = line[start:end].partition(":")
    return Found(site.problem, {"key": key, "value": value}) if key and value[:1] not in ("", "#") else None


def _value_char(chars: str) -> Callable[[Site], Found | None]:
    """A value starting with one of `chars`, which YAML reserves: the place and the quoted fix."""

    def check(site: Site) -> Found | None:
        for at in (site.context, site.problem):  # an alias's '*' is where its token began
            if at is not None and site.char(at) and site.char(at) in chars:
                return Found(at, {"char": site.char(at), "fix": _fix(site, at)})
        return None

    return check


def _quote_runs_on(site: Site) -> Found | None:
    """A double-quoted value not closed on its line swallows the lines below, LaTeX and all."""
    if site.context is None or site.context.line >= site.problem.line or site.char(site.context) != '"':
        return None
    return Found(site.context, {"line": site.problem.line + 1, "open": site.context.line + 1})


def _backslash(site: Site) -> Found | None:
    """The backslash that began the escape: the parsers stop on it, after it, or after its digits."""
    line = site.line(site.problem.line)
    column = line.rfind("\\", 0, site.problem.column + 1)
    if column < 0 or site.problem.column - column > 10:
        return None
    tex = re.match(r"\\[A-Za-z]*", line[column:])
    return Found(Mark(site.problem.line, column), {"tex": tex[0] if tex else "\\"})


def _block_header(site: Site, repeated: bool) -> Found | None:
    """Text after a `|` or `>` on its line: a second one, or words."""
    if site.context is None or site.char(site.context) not in ("|", ">"):
        return None
    if (site.char(site.problem) in ("|", ">")) != repeated:
        return None
    key = _key_line(site.line(site.context.line))
    return Found(
        site.problem, {"char": site.char(site.context), "key": key.key if key is not None else "the key"}
    )


def _block_header_repeated(site: Site) -> Found | None:
    return _block_header(site, repeated=True)


def _block_header_text(site: Site) -> Found | None:
    return _block_header(site, repeated=False)


def _shown(char: str) -> str:
    """A quote character as the hint shows it: inside the other quote."""
    return f"'{char}'" if char == '"' else f'"{char}"'


def _said(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns))


# What the parsers say, in the words both use.
_ANY = _said(".")
_MAPPING_VALUE = _said("mapping values are not allowed")
_NO_COLON = _said("could not find expected ':'")
_NOT_A_KEY = _said("did not find expected key", "expected <block end>")
_NOT_AN_ITEM = _said("'-' indicator", "while parsing a block collection")
_NO_TOKEN = _said("cannot start any token")
_FLOW = _said("while parsing a flow (?:sequence|mapping)")
_BLOCK_HEADER_ERROR = _said("block scalar")
_ESCAPE = _said("unknown escape", "hexdecimal", "Unicode character escape")  # `"$\\sigma$"`, `"$\\xi$"`
# Where indented text without '|' can break: anywhere YAML reads a `key:`, an item or a token.
_BROKEN_TEXT = _said(
    _MAPPING_VALUE.pattern,
    _NO_COLON.pattern,
    _NOT_A_KEY.pattern,
    _NOT_AN_ITEM.pattern,
    _NO_TOKEN.pattern,
    "scanning an alias",
    "scanning an anchor",
)

# The table: the parser's words, the check that recognises the slip, the hint. Order matters: the
# first row whose check recognises its slip wins, so the most specific rows come first.
SLIPS: tuple[Slip, ...] = (
    Slip(_ANY, _tab, "a tab: YAML indents with spaces, never tabs: replace the tab with spaces"),
    Slip(
        _ANY,
        _invisible,
        "an invisible character {code} ({name}): delete it, or type a plain space if it stood for one",
    ),
    Slip(
        _ANY,
        _block_dedented,
        "the text of '{key}: {header}' is indented {width} spaces, set by its first line (line {first}); "
        "this line has {has}, which ends the block: indent every line of the block by at least {width} spaces",
    ),
    Slip(
        _BROKEN_TEXT,
        _block_not_indented,
        "the text of '{key}: {header}' must be indented under its key: indent these lines by {spaces} spaces",
    ),
    Slip(
        _said(_MAPPING_VALUE.pattern, _NO_COLON.pattern, _NOT_A_KEY.pattern),
        _no_space_after_colon,
        "'{key}:' needs a space after the colon: write '{key}: {value}'",
    ),
    Slip(
        _BROKEN_TEXT,
        _dash_without_space,
        "'-' needs a space after it to start a list item: write '- {key}'",
    ),
    Slip(
        _BROKEN_TEXT,
        _prose_without_block,
        "a multi-line {key} needs '|' after '{key}:' "
        "(without it YAML reads the indented lines as keys and values, not text)",
    ),
    Slip(
        _said(_MAPPING_VALUE.pattern, _NOT_A_KEY.pattern, _NO_TOKEN.pattern),
        _apostrophe_in_single_quotes,
        "an apostrophe inside single quotes ends the value: double it (''), or use double quotes: {fix}",
    ),
    Slip(
        _said(_MAPPING_VALUE.pattern, _NOT_A_KEY.pattern, _NO_TOKEN.pattern),
        _text_after_quote,
        "text after the closing quote: quote the whole value: {fix}",
    ),
    Slip(
        _MAPPING_VALUE,
        _key_too_deep,
        "'{key}' is indented deeper than '{sibling}' (line {line}), so YAML reads it as more of that "
        "value: start it at column {to}, like '{sibling}'",
    ),
    Slip(
        _MAPPING_VALUE,
        _colon_in_value,
        "a colon followed by a space inside an unquoted value: quote the {key}: {fix}",
    ),
    Slip(
        _said("quoted scalar.*end of stream", "end of stream.*quoted scalar"),
        _unclosed_quote,
        "the quote that opens here is never closed: end the value with {quote}{note}",
    ),
    Slip(
        _ESCAPE,
        _quote_runs_on,
        "the quote that opens here is not closed on its line, so the value runs on to line {line}, "
        "where '\\' starts an escape: close it on line {open}",
    ),
    Slip(
        _ESCAPE,
        _backslash,
        "a backslash inside double quotes starts an escape (such as \\n or \\t), and '{tex}' is none: "
        "write LaTeX in single quotes or a '|' block",
    ),
    Slip(
        _said("scanning an alias"),
        _value_char("*"),
        "'*' at the start of an unquoted value starts a YAML alias: quote the value: {fix}",
    ),
    Slip(
        _said("scanning an anchor"),
        _value_char("&"),
        "'&' at the start of an unquoted value starts a YAML anchor: quote the value: {fix}",
    ),
    Slip(
        _said("sequence entries are not allowed"),
        _value_char("-"),
        "'- ' starts a list item, which cannot follow a key on its line: put each item on its own line "
        "below the key, or quote the value if it is text: {fix}",
    ),
    Slip(
        _said("mapping keys are not allowed"),
        _value_char("?"),
        "'? ' at the start of an unquoted value marks a complex key: quote the value: {fix}",
    ),
    Slip(
        _BLOCK_HEADER_ERROR,
        _block_header_repeated,
        "a second '{char}': write one '{char}' after '{key}:'",
    ),
    Slip(
        _BLOCK_HEADER_ERROR,
        _block_header_text,
        "text after '{char}' on its line: a block's text starts on the next line, indented under the "
        "key; if '{char}' is part of the text, quote the value",
    ),
    Slip(
        _said("unexpected ':'"),
        _flow_colon,
        "inside [...] and {{...}} a key needs a space after its colon: write '{key}: {value}', "
        "or quote the text",
    ),
    Slip(
        _FLOW,
        _flow_hash,
        "this '#' starts a comment (a '#' after a space does), which hides the rest of the line and its "
        "'{close}': remove the '#' or quote the item",
    ),
    Slip(
        _FLOW, _flow_unclosed, "the '{open}' that opens here is never closed: end the {what} with '{close}'"
    ),
    Slip(
        _FLOW,
        _flow_mismatched,
        "'{open}' at column {column} is closed with '{char}': close it with '{close}'",
    ),
    Slip(_FLOW, _flow_missing_comma, "{what} are separated by commas: add ',' before this item"),
    Slip(
        _NOT_A_KEY,
        _quote_closed_later,
        "the quote that opens here is not closed on its line, so the value runs on to the quote at "
        "line {close_line}, column {close_column}: close it on line {line}",
    ),
    Slip(_NOT_A_KEY, _extra_close, "an extra '{char}' with nothing open to close: remove it"),
    Slip(
        _said(_NOT_A_KEY.pattern, _MAPPING_VALUE.pattern),
        _bracketed_then_text,
        "text after the closing '{char}': a value that starts with '[' or '{{' is a list or mapping: "
        "quote the whole value: {fix}",
    ),
    Slip(_NO_TOKEN, _value_char("@`%"), "'{char}' cannot start an unquoted value: quote the value: {fix}"),
    Slip(
        _said(_NOT_A_KEY.pattern, _NOT_AN_ITEM.pattern),
        _item_misaligned,
        "this '- ' item starts at column {column}, but the items above it start at column {theirs} "
        "(line {line}): line the dashes up",
    ),
    Slip(
        _NOT_AN_ITEM,
        _key_under_dash,
        "'{key}' starts at column {column}, under the '- ' on line {line}, so YAML expects another item "
        "there: start it at column {to}{like}",
    ),
    Slip(
        _said(_NOT_A_KEY.pattern, _NOT_AN_ITEM.pattern),
        _key_misaligned,
        "'{key}' starts at column {column}, but '{sibling}' above it (line {line}) starts at column "
        "{theirs}: keys of one mapping start at the same column",
    ),
    Slip(
        _NO_COLON,
        _value_below_key,
        "the value of '{key}' must be on its line or indented under it: write '{key}: {value}'",
    ),
    Slip(
        _said("document start"),
        _first_key_indented,
        "the first key is indented: top-level keys start at column 1",
    ),
)
