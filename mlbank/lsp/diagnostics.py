"""Findings -> LSP diagnostics, and which files' diagnostics an edit changed.

mlbank counts lines and columns from 1 in characters (code points), lines as YAML breaks them; LSP
counts from 0, lines as LSP breaks them, columns in the code units the client and server agreed on
(UTF-16 unless the client offers another): positions are converted through an offset in the text
and the workspace's position codec. A diagnostic spans the token the finding points at (up to the
next blank, or a flow collection's `,` `]` `}`), or the rest of the line when it points past the
last token.

Each diagnostic links (codeDescription.href) to the rule's own module as a file: URI, whose
docstring is the explanation `mlbank rule CODE` prints, in the version of mlbank that is running:
a link that works offline and never points at documentation of another release.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from lsprotocol import types
from pygls.workspace import PositionCodec

from mlbank.finding import Finding, Severity
from mlbank.loader import LINE_BREAK  # where the YAML parser, and so mlbank, starts a new line
from mlbank.rules import RULES

_TOKEN = re.compile(r"[^\s,\]\}]+")
_LSP_BREAK = re.compile("\r\n|[\r\n]")  # where an LSP client does
_SEVERITY = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
}
SOURCE = "mlbank"

Published = dict[str, tuple[Finding, ...]]  # display path -> the findings the client was last sent


def changed_files(published: Published, findings: Iterable[Finding]) -> Published:
    """The files whose findings differ from what was published (an empty tuple: now clean), and
    `published` brought up to date with them."""
    now: dict[str, list[Finding]] = {}
    for finding in findings:
        now.setdefault(finding.path, []).append(finding)
    changed: Published = {}
    for path in published.keys() - now.keys():
        changed[path] = ()
        del published[path]
    for path, found in now.items():
        kept = tuple(found)
        if published.get(path) != kept:
            changed[path] = published[path] = kept
    return changed


def to_diagnostics(
    findings: Iterable[Finding], text: str | None, codec: PositionCodec
) -> list[types.Diagnostic]:
    """One file's findings as diagnostics; `text` is the file's text the findings were made from."""
    lines = _Lines(text or "")
    return [_diagnostic(f, lines, codec) for f in findings]


def _diagnostic(finding: Finding, lines: _Lines, codec: PositionCodec) -> types.Diagnostic:
    return types.Diagnostic(
        range=lines.range(finding.line - 1, finding.column - 1, codec),
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=_link(finding.code),
        source=SOURCE,
        message=f"{finding.name}: {finding.message}",
    )


class _Lines:
    """One text's lines as mlbank counts them and as LSP clients do.

    mlbank's positions are the YAML parser's, which also breaks lines at U+0085, U+2028 and U+2029;
    LSP breaks only at LF, CR LF and CR. A position is carried over as an offset in the text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.yaml = [0, *(m.end() for m in LINE_BREAK.finditer(text))]
        self.lsp = [0, *(m.end() for m in _LSP_BREAK.finditer(text))]

    def range(self, line: int, column: int, codec: PositionCodec) -> types.Range:
        line, column = max(line, 0), max(column, 0)
        if line >= len(self.yaml):  # a position past the text's end (or no text): a point
            point = types.Position(line=line, character=column)
            return types.Range(start=point, end=point)
        start = self.yaml[line]
        stop = LINE_BREAK.search(self.text, start)
        end_of_line = stop.start() if stop is not None else len(self.text)
        at = min(start + column, end_of_line)
        token = _TOKEN.match(self.text, at, end_of_line) if at < end_of_line else None
        end = token.end() if token is not None else end_of_line
        beyond = start + column - at  # past the line's end: one unit each, which clients clamp
        return types.Range(
            start=self._position(at, beyond, codec), end=self._position(max(end, at), beyond, codec)
        )

    def _position(self, offset: int, beyond: int, codec: PositionCodec) -> types.Position:
        line = bisect_right(self.lsp, offset) - 1
        units = codec.client_num_units(self.text[self.lsp[line] : offset])
        return types.Position(line=line, character=units + beyond)


@cache
def _link(code: str) -> types.CodeDescription | None:
    rule = RULES.get(code)
    where = getattr(rule, "__file__", None)
    return types.CodeDescription(href=Path(where).as_uri()) if where else None
