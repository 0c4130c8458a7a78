"""Inline suppressions: `# mlbank: ignore[MB204] reason` and `# mlbank: ignore-file[MB203] reason`.

A line suppression written on a line covers that line and everything nested under it (so a comment
after `answer: |` covers the whole answer); a file suppression covers the file. A reason is
required, and a suppression that suppresses nothing is itself reported (MB503), as ruff does for
unused `noqa` comments. Comments are only looked for outside block scalars, so a Markdown line that
happens to contain the marker is never taken for a suppression.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from mlbank.finding import Finding, Position
from mlbank.loader import Document, node_extent

MARKER = re.compile(r"#\s*mlbank:\s*(ignore|ignore-file)\[([^\]]*)\]\s*(.*?)\s*$")


class Suppression(NamedTuple):
    path: str
    line: int
    column: int
    codes: tuple[str, ...]
    reason: str
    first: int  # first covered line
    last: int  # last covered line (inclusive); the whole file for ignore-file


def suppressions(doc: Document) -> list[Suppression]:
    if "mlbank:" not in doc.text:
        return []
    lines = doc.text.splitlines()
    inside = _block_lines(doc, lines)
    found: list[Suppression] = []
    for number, line in enumerate(lines, start=1):
        match = MARKER.search(line)
        if match is None or number in inside:
            continue
        codes = tuple(c.strip() for c in match.group(2).split(",") if c.strip())
        whole = match.group(1) == "ignore-file"
        first, last = (1, len(lines)) if whole else (number, node_extent(lines, number))
        found.append(Suppression(doc.display, number, match.start() + 1, codes, match.group(3), first, last))
    return found


def _block_lines(doc: Document, lines: list[str]) -> set[int]:
    """Line numbers holding the content of block scalars (where '#' is text, not a comment)."""
    inside: set[int] = set()
    for info in doc.nodes.values():
        if info.style in ("|", ">"):
            inside.update(range(info.value.line + 1, node_extent(lines, info.value.line) + 1))
    return inside


def covers(s: Suppression, finding: Finding) -> bool:
    return (
        finding.path == s.path
        and s.first <= finding.line <= s.last
        and any(finding.code.startswith(c) or finding.name == c for c in s.codes)
    )


def apply(findings: Iterable[Finding], found: list[Suppression]) -> tuple[list[Finding], list[Suppression]]:
    """(findings that stay, suppressions that suppressed nothing)."""
    used: set[Suppression] = set()
    kept: list[Finding] = []
    for finding in findings:
        hit = [s for s in found if covers(s, finding)]
        used.update(hit)
        if not hit:
            kept.append(finding)
    return kept, [s for s in found if s not in used]


def position(s: Suppression) -> Position:
    return Position(s.line, s.column)
