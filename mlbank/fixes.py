"""`mlbank lint --fix`: the safe fixes, as text edits verified against the data they must produce.

Fixes edit the file's text (never re-dump it), so comments, quoting and layout stay as the author
wrote them. Each fixed file is re-parsed and its data compared with the data the fix intends; if
they differ, the file is left alone. Writes are atomic.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, NamedTuple

from mlbank.atomic import write_text
from mlbank.bank import Bank
from mlbank.loader import Document, FieldPath, node_extent, parse_yaml
from mlbank.markup import currency_dollars, escape_currency
from mlbank.rules.base import prose_fields
from mlbank.rules.mb208_duplicate_tag import duplicates

STEM = re.compile(r"^[a-z]+[0-9]+-([a-z0-9]+(?:-[a-z0-9]+)*)$")


class Edit(NamedTuple):
    """Replace columns [start, end) of a 1-based line, or whole lines when `lines` is set."""

    line: int
    start: int
    end: int
    text: str
    lines: int = 0  # > 0: delete this many whole lines starting at `line`


class FixResult(NamedTuple):
    fixed: int
    messages: list[str]


def fix_bank(bank: Bank) -> FixResult:
    fixed, messages = 0, []
    ids = [d.data.get("id") for d in bank.questions if isinstance(d.data, dict)]
    for doc in bank.questions:
        if not isinstance(doc.data, dict) or doc.problems:
            continue
        edits, expected, count = _text_fixes(doc)
        if edits:
            if _apply(doc, edits, expected):
                fixed += count
                messages.append(f"{doc.display}: fixed {count} problem(s)")
            else:
                messages.append(f"{doc.display}: not fixed: the result would not load back as intended")
        renamed = _rename(doc, ids)
        if renamed:
            fixed += 1
            messages.append(renamed)
    return FixResult(fixed, messages)


def _text_fixes(doc: Document) -> tuple[list[Edit], dict[str, Any], int]:
    expected = copy.deepcopy(doc.data)
    edits: list[Edit] = []
    for path, text in prose_fields(doc.data):
        new = _currency_edits(doc, path, text)
        if new:
            edits += new
            _set(expected, path, escape_currency(text))
    dupes = list(duplicates(doc.data))
    for path, _ in reversed(dupes):  # remove later items first so indexes stay valid
        edit = _removal(doc, path)
        if edit is not None:
            edits.append(edit)
            del expected[path[0]][path[1]]
    return edits, expected, len(edits)


def _currency_edits(doc: Document, path: FieldPath, text: str) -> list[Edit]:
    info = doc.nodes.get(path)
    single_line = info is not None and "\n" not in (info.raw or "").rstrip("\n")
    if info is None or not (info.style == "|" or (single_line and info.style in ("", "'", '"'))):
        return []  # positions inside folded or multi-line flow scalars are not exact: leave them
    escape = "\\\\" if info.style == '"' else "\\"
    out = []
    for offset in currency_dollars(text):
        where = doc.text_position(path, offset)
        out.append(Edit(where.line, where.column - 1, where.column - 1, escape))
    return out


def _removal(doc: Document, path: FieldPath) -> Edit | None:
    info = doc.nodes.get(path)
    if info is None:
        return None
    lines = doc.text.splitlines()
    line = lines[info.value.line - 1]
    col = info.value.column - 1
    before = line[:col].rstrip()
    if before.endswith("-"):  # a block item: drop its lines
        start = info.value.line
        return Edit(start, 0, 0, "", node_extent(lines, start) - start + 1)
    if before.endswith(","):  # a flow item: drop ", item"
        token = _token_length(info.raw or "", info.style)
        return Edit(info.value.line, len(before) - 1, col + token, "")
    return None


def _token_length(raw: str, style: str | None) -> int:
    return len(raw) + (2 if style in ("'", '"') else 0)


def _set(data: Any, path: FieldPath, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _apply(doc: Document, edits: list[Edit], expected: dict[str, Any]) -> bool:
    lines = doc.text.splitlines(keepends=True)
    for edit in sorted(edits, reverse=True):
        if edit.lines:
            del lines[edit.line - 1 : edit.line - 1 + edit.lines]
        else:
            text = lines[edit.line - 1]
            lines[edit.line - 1] = text[: edit.start] + edit.text + text[edit.end :]
    new_text = "".join(lines)
    data, _, problems = parse_yaml(new_text)
    if problems or data != expected:
        return False
    write_text(doc.path, new_text)
    return True


def _rename(doc: Document, ids: list[Any]) -> str | None:
    """Rename a file whose name does not match its id, when the id is unique and the name is free."""
    qid = doc.data.get("id")
    stem = doc.path.name.rsplit(".", 1)[0]
    if not isinstance(qid, str) or stem == qid or stem.startswith(qid + "-") or ids.count(qid) != 1:
        return None
    match = STEM.match(stem)
    if match is None:
        return None
    target = doc.path.with_name(f"{qid}-{match.group(1)}{doc.path.suffix}")
    if target.exists():
        return None
    Path(doc.path).rename(target)
    return f"{doc.display}: renamed to {target.name} to match its id"
