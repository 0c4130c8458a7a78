r"""A text value YAML reads differently from how it looks: cut short by a comment, or changed by escapes.

Both load without an error, so nothing else tells you. A '#' after a space starts a comment, so
`title: Why L1 #sparsity works` is the title "Why L1". Inside double quotes a backslash starts an
escape, so "$\theta$" holds a tab followed by "heta", and "$\beta$" a backspace followed by "eta".
Quote a value whose '#' is text; write LaTeX in single quotes or a `|` block, where a backslash is
just a backslash. A comment meant as one is written with a space after the '#': `# like this`.

Bad::

    title: Why L1 #sparsity works
    label: "Q3: choosing $\lambda$ and $\beta$"

Good::

    title: "Why L1 #sparsity works"
    label: 'Q3: choosing $\lambda$ and $\beta$'
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlbank.finding import Finding, Position, Severity
from mlbank.loader import Document, FieldPath
from mlbank.rules.base import Context, RuleId, at, dotted

RULE = RuleId("MB011", "yaml-misread-text", Severity.ERROR)

_COMMENT = re.compile(r"([ \t]+)#(\S.*)")  # `# note` with a space is a comment meant as one
_COMMENT_ANYWHERE = re.compile(r"\S[ \t]+#\S")
_ESCAPE_ANYWHERE = re.compile(r'"[^"\n]*\\[abefv0NLP_ntr]')
_CONTROL = re.compile("[\x00\x07\x08\t\n\x0b\x0c\r\x1b\x85\xa0\u2028\u2029]")  # what those escapes make
_ESCAPE = re.compile(r"\\(.)([A-Za-z]*)")
# What a backslash and this character become inside double quotes. \n, \t and \r are flagged only
# inside $...$ math, where they are LaTeX (\nabla, \theta, \rho); the others never belong in prose.
_BECOMES = {
    "a": "a bell character",
    "b": "a backspace",
    "e": "an escape character",
    "f": "a form feed",
    "v": "a vertical tab",
    "0": "a NUL character",
    "N": "a line break",
    "L": "a line break",
    "P": "a paragraph break",
    "_": "a no-break space",
    "n": "a line break",
    "t": "a tab",
    "r": "a carriage return",
}
_MATH_ONLY = frozenset("ntr")


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.bank.documents:
        source = doc.source()
        # The common case, checked on the whole text first: no ` #x` anywhere, no `"` with a `\`.
        comments = (" #" in source or "\t#" in source) and _COMMENT_ANYWHERE.search(source) is not None
        escapes = "\\" in source and _ESCAPE_ANYWHERE.search(source) is not None
        if doc.data is None or not (comments or escapes):
            continue
        for path, info in doc.nodes.items():
            if comments and info.style == "" and isinstance(info.raw, str):
                yield from _comment(doc, path)
            elif escapes and info.style == '"' and _CONTROL.search(info.raw or ""):
                yield from _escapes(doc, path)


def _comment(doc: Document, path: FieldPath) -> Iterator[Finding]:
    written = doc.written(path)
    match = _COMMENT.match(written[1]) if written is not None else None
    if written is None or match is None:
        return
    shown, rest = written
    start = doc.position(path)
    where = Position(start.line, start.column + len(shown) + len(match[1]))
    text = f"{shown}{rest}".rstrip()
    yield at(
        RULE,
        doc,
        where,
        f"{dotted(path)}: '#{match[2]}' is a YAML comment (a '#' after a space starts one), so the value "
        f"is '{shown}': if the '#' is text, quote the value: {_fix(path, _double_quoted(text))}; "
        "if it is a comment, write '# ' with a space",
    )


def _escapes(doc: Document, path: FieldPath) -> Iterator[Finding]:
    written = doc.written(path)
    if written is None:
        return
    shown = written[0]
    for match in _ESCAPE.finditer(shown):
        char, letters = match[1], match[2]
        in_math = shown[: match.start()].count("$") % 2 == 1
        if char not in _BECOMES or (char in _MATH_ONLY and not in_math):
            continue
        start = doc.position(path)
        single = "'" + shown[1:-1].replace("'", "''") + "'"
        yield at(
            RULE,
            doc,
            Position(start.line, start.column + match.start()),
            f"{dotted(path)}: inside double quotes '\\{char}' is an escape, so '\\{char}{letters}' reads as "
            f"{_BECOMES[char]}{f' and {letters!r}' if letters else ''}: write the value in single quotes, "
            f"where a backslash is just a backslash: {_fix(path, single)}",
        )
        return  # one finding per value: the fix covers every escape in it


def _double_quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fix(path: FieldPath, value: str) -> str:
    key = path[-1] if path else None
    return f"{key}: {value}" if isinstance(key, str) else value
