"""Findings -> LSP diagnostics, and which files' diagnostics an edit changed.

mlbank counts lines and columns from 1 in characters (code points); LSP counts from 0, in the code
units the client and server agreed on (UTF-16 unless the client offers another), so columns are
converted through the workspace's position codec with the line's text at hand. A diagnostic spans
the token the finding points at (up to the next blank, or a flow collection's `,` `]` `}`), or the
rest of the line when it points past the last token.

Each diagnostic links (codeDescription.href) to the rule's own module as a file: URI, whose
docstring is the explanation `mlbank rule CODE` prints, in the version of mlbank that is running:
a link that works offline and never points at documentation of another release.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from lsprotocol import types
from pygls.workspace import PositionCodec

from mlbank.finding import Finding, Severity
from mlbank.rules import RULES

_TOKEN = re.compile(r"[^\s,\]\}]+")
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
    lines = text.split("\n") if text is not None else []
    return [_diagnostic(f, lines, codec) for f in findings]


def _diagnostic(finding: Finding, lines: list[str], codec: PositionCodec) -> types.Diagnostic:
    return types.Diagnostic(
        range=_range(finding.line - 1, finding.column - 1, lines, codec),
        severity=_SEVERITY[finding.severity],
        code=finding.code,
        code_description=_link(finding.code),
        source=SOURCE,
        message=f"{finding.name}: {finding.message}",
    )


def _range(line: int, column: int, lines: list[str], codec: PositionCodec) -> types.Range:
    line, column = max(line, 0), max(column, 0)
    if line >= len(lines):  # text unreadable, or a position past its end: a point
        point = types.Position(line=line, character=column)
        return types.Range(start=point, end=point)
    text = lines[line].removesuffix("\r")
    column = min(column, len(text))
    token = _TOKEN.match(text, column)
    end = token.end() if token is not None else len(text)
    return types.Range(
        start=types.Position(line=line, character=codec.client_num_units(text[:column])),
        end=types.Position(line=line, character=codec.client_num_units(text[:end])),
    )


@cache
def _link(code: str) -> types.CodeDescription | None:
    rule = RULES.get(code)
    where = getattr(rule, "__file__", None)
    return types.CodeDescription(href=Path(where).as_uri()) if where else None
