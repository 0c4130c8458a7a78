"""`mlbank lint --fix`: the safe fixes, as text edits verified against the data they must produce.

Fixes edit the file's text (never re-dump it), so comments, quoting and layout stay as the author
wrote them. Each fixed file is re-parsed and its data compared with the data the fix intends; if
they differ, the file is left alone. Writes are atomic.

In every bank file: tab indentation that keeps it from loading is replaced with spaces where only one
reading exists (mlbank.tab_indent); trailing whitespace leaves every text but a Markdown line break of
exactly two spaces (MB106); a number or boolean written where text belongs is quoted as written
(MB105). In question files: currency dollars are escaped (MB300), repeated tags dropped (MB208), and a
file whose name does not match its id is renamed (MB103).

A text is edited in place where its characters sit at known columns (a `|` block, a one-line plain
value); a quoted text is replaced whole by a one-line double-quoted string, which `mlbank fmt` writes
back as a `|` block where it is prose. A folded `>` block or plain text over several lines is left to
`mlbank fmt`, with a note saying so: nothing is skipped silently.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from mlbank.atomic import write_text
from mlbank.bank import Bank, validator
from mlbank.loader import Document, FieldPath, NodeInfo, Problem, load_document, node_extent, parse_yaml
from mlbank.markup import currency_dollars, escape_currency
from mlbank.rules.base import dotted, prose_fields
from mlbank.rules.mb106_trailing_whitespace import texts
from mlbank.rules.mb208_duplicate_tag import duplicates
from mlbank.tab_indent import untab
from mlbank.trailing_whitespace import trailing_blanks, without_trailing_blanks

STEM = re.compile(r"^[a-z]+[0-9]+-([a-z0-9]+(?:-[a-z0-9]+)*)$")
# What a YAML double-quoted scalar may not hold bare (JSON's string syntax escapes the rest).
_UNQUOTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


class Edit(NamedTuple):
    """Replace from column `start` of 1-based `line` to column `end` of line `last` (0: the same line),
    or, when `lines` is set, delete that many whole lines starting at `line`. `codes` are the rules
    whose findings the edit fixes (the editor offers it as a quick fix on those findings)."""

    line: int
    start: int
    end: int
    text: str
    lines: int = 0
    last: int = 0
    codes: tuple[str, ...] = ()


@dataclass
class Plan:
    """The fixes for one file: the edits, the data they must give, how many problems they fix, and
    notes on what was left alone."""

    expected: dict[str, Any]
    edits: list[Edit] = field(default_factory=list)
    count: int = 0
    notes: list[str] = field(default_factory=list)

    def add(self, edits: list[Edit], path: FieldPath, value: Any, problems: int) -> None:
        self.edits += edits
        _set(self.expected, path, value)
        self.count += problems


class FixResult(NamedTuple):
    fixed: int
    messages: list[str]


def fix_bank(bank: Bank) -> FixResult:
    fixed, messages = 0, []
    documents = []
    for doc, kind in _documents(bank):
        doc, note, replaced = _untab(doc, kind)
        fixed += replaced
        messages += [note] if note else []
        documents.append((doc, kind))
    ids = [d.data.get("id") for d, k in documents if k == "question" and isinstance(d.data, dict)]
    for doc, kind in documents:
        plan = plan_fixes(doc, kind)
        if plan is None:
            continue
        messages += plan.notes
        if plan.edits:
            new_text = fixed_text(doc, plan)
            if new_text is not None:
                write_text(doc.path, new_text)
                fixed += plan.count
                messages.append(f"{doc.display}: fixed {plan.count} problem(s)")
            else:
                messages.append(f"{doc.display}: not fixed: the result would not load back as intended")
        renamed = _rename(doc, ids) if kind == "question" else None
        if renamed:
            fixed += 1
            messages.append(renamed)
    return FixResult(fixed, messages)


def _documents(bank: Bank) -> list[tuple[Document, str]]:
    """Each document to fix, with its kind: bank.yaml and topics.yaml first, as the bank lists them."""
    own = [] if bank.questions_only else [(bank.meta, "bank"), (bank.topics, "topics")]
    return [(d, k) for d, k in own if d is not None] + [(d, "question") for d in bank.questions]


def untab_text(doc: Document) -> str | None:
    """The document's text with its tab indentation replaced, when that is the one safe reading."""
    repaired = untab(doc.text) if any(p.kind is Problem.SYNTAX for p in doc.problems) else None
    return repaired.text if repaired is not None else None


def renamed_path(doc: Document, ids: list[Any]) -> Path | None:
    """The name a question file takes to match its id (MB103): None when its name matches, its id is
    not unique, its slug is not kebab-case or the name is taken."""
    qid = doc.data.get("id") if isinstance(doc.data, dict) else None
    stem = doc.path.name.rsplit(".", 1)[0]
    if not isinstance(qid, str) or stem == qid or stem.startswith(qid + "-") or ids.count(qid) != 1:
        return None
    match = STEM.match(stem)
    if match is None:
        return None
    target = doc.path.with_name(f"{qid}-{match.group(1)}{doc.path.suffix}")
    return None if target.exists() else target


def _untab(doc: Document, kind: str) -> tuple[Document, str | None, bool]:
    """(the document, loaded again when its tab indentation was replaced; a note; whether it was)."""
    if not any(p.kind is Problem.SYNTAX for p in doc.problems):
        return doc, None, False
    repaired = untab(doc.text)
    if repaired is None:
        return doc, None, False
    note = f"{doc.display}: {repaired.describe()}"
    if repaired.text is None:
        return doc, note, False
    write_text(doc.path, repaired.text)
    return load_document(doc.path, doc.display, validator(kind)), note, True


# --- planning the edits ---------------------------------------------------------------------------


def plan_fixes(doc: Document, kind: str) -> Plan | None:
    """The safe fixes of one loaded document (bank, topics or question): None when it does not load
    cleanly, so nothing can be fixed safely."""
    if not isinstance(doc.data, dict) or doc.problems:
        return None
    return _plan(doc, kind)


def _plan(doc: Document, kind: str) -> Plan:
    plan = Plan(copy.deepcopy(doc.data))
    prose = dict(prose_fields(doc.data, kind))
    for path, text in {**prose, **dict(texts(doc.data))}.items():
        _fix_text(doc, path, text, path in prose, plan)
    for path, edit, raw in _unquoted(doc):
        plan.add([edit._replace(codes=("MB105",))], path, raw, 1)
    if kind == "question":
        for path, _ in reversed(list(duplicates(doc.data))):  # later items first: indexes stay valid
            removal = _removal(doc, path)
            if removal is not None:
                plan.edits.append(removal._replace(codes=("MB208",)))
                _delete(plan.expected, path)
                plan.count += 1
    return plan


def _fix_text(doc: Document, path: FieldPath, text: str, prose: bool, plan: Plan) -> None:
    """Plan the edits that escape currency (in prose) and drop accidental trailing whitespace."""
    dollars = currency_dollars(text) if prose else []
    new = without_trailing_blanks(escape_currency(text) if dollars else text)
    info = doc.nodes.get(path)
    if new == text or info is None:
        return
    edits: list[Edit] = []
    if info.style == "|":
        edits = _block_edits(doc, path, text, dollars)
    elif info.style == "" and "\n" not in (info.raw or ""):  # one line, no escapes: exact columns
        edits = [_insertion(doc, path, offset) for offset in dollars]
    elif info.style in ("'", '"'):
        codes = ("MB300", "MB106") if dollars else ("MB106",)
        edits = [e._replace(codes=codes) for e in _replacement(doc, info, new)]
    if edits:
        plan.add(edits, path, new, len(dollars) + sum(not b.hard_break for b in trailing_blanks(text)))
        return
    why = {">": "it is a folded > block", "": "it is plain text over several lines"}.get(
        info.style or "", "its characters could not be placed in the file"
    )
    plan.notes.append(
        f"{doc.display}: {dotted(path)} not fixed: {why}; `mlbank fmt` rewrites it (removing its trailing "
        "whitespace), then `mlbank lint --fix` can do the rest"
    )


def _block_edits(doc: Document, path: FieldPath, text: str, dollars: list[int]) -> list[Edit]:
    """Edits inside a `|` block, whose lines are the text's lines, indented: [] if one cannot be placed."""
    edits = [_insertion(doc, path, offset) for offset in dollars]
    lines = doc.text.split("\n")
    for blank in trailing_blanks(text):
        if blank.hard_break:
            continue
        number = doc.text_position(path, blank.offset).line
        content = lines[number - 1].rstrip("\r") if number <= len(lines) else ""
        if not content.endswith(blank.blank):
            return []
        start = len(content) - len(blank.blank) if blank.line else 0  # a blank line: its indent too
        edits.append(Edit(number, start, len(content), "", codes=("MB106",)))
    return edits


def _insertion(doc: Document, path: FieldPath, offset: int) -> Edit:
    """A backslash before the currency dollar at `offset` (plain or block text: exact columns)."""
    where = doc.text_position(path, offset)
    return Edit(where.line, where.column - 1, where.column - 1, "\\", codes=("MB300",))


def _replacement(doc: Document, info: NodeInfo, new: str) -> list[Edit]:
    """A quoted scalar written again whole, as a one-line double-quoted string; [] if it is not where
    the parser said."""
    lines = doc.text.split("\n")
    line, column = info.value.line, info.value.column - 1
    start = sum(len(text) + 1 for text in lines[: line - 1]) + column
    end = _closing_quote(doc.text, start)
    if end is None:
        return []
    last = doc.text.count("\n", 0, end) + 1
    end_column = end - (doc.text.rfind("\n", 0, end) + 1)
    return [Edit(line, column, end_column, _double_quoted(new), last=last)]


def _closing_quote(text: str, start: int) -> int | None:
    """Where the quoted scalar opening at `start` ends (just past its closing quote)."""
    quote = text[start : start + 1]
    if quote not in ("'", '"'):
        return None
    i = start + 1
    while i < len(text):
        if quote == '"' and text[i] == "\\":
            i += 2  # an escape: the next character is never the closing quote
        elif text[i] == quote and quote == "'" and text[i + 1 : i + 2] == "'":
            i += 2  # '' is a quote inside single quotes
        elif text[i] == quote:
            return i + 1
        else:
            i += 1
    return None


def _double_quoted(text: str) -> str:
    """`text` as a one-line YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    return _UNQUOTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(text, ensure_ascii=False))


def _unquoted(doc: Document) -> Iterator[tuple[FieldPath, Edit, str]]:
    """A number or boolean written plain where the schema wants text (MB105), quoted as written."""
    lines = doc.text.split("\n")
    for error in doc.schema_errors:
        info = doc.nodes.get(error.loc)
        if error.type != "string_type" or info is None or info.style != "" or not info.raw:
            continue
        if not isinstance(error.input, (bool, int, float)):  # null has nothing to quote
            continue
        line, column, raw = info.value.line, info.value.column - 1, info.raw
        if lines[line - 1][column : column + len(raw)] == raw:
            yield error.loc, Edit(line, column, column + len(raw), _double_quoted(raw)), raw


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


def _delete(data: Any, path: FieldPath) -> None:
    for part in path[:-1]:
        data = data[part]
    del data[path[-1]]


# --- applying them --------------------------------------------------------------------------------


def fixed_text(doc: Document, plan: Plan) -> str | None:
    """The document's text with the plan's edits made, or None when it would not load back to exactly
    the data the fixes intend."""
    new_text = apply_edits(doc.text, plan.edits)
    data, _, problems = parse_yaml(new_text)
    return None if problems or data != plan.expected else new_text


def apply_edits(text: str, edits: list[Edit]) -> str:
    """`text` with non-overlapping edits made (from the last to the first, so places stay valid)."""
    lines = text.split("\n")
    for edit in sorted(edits, reverse=True):
        if edit.lines:
            del lines[edit.line - 1 : edit.line - 1 + edit.lines]
            continue
        last = edit.last or edit.line
        head, tail = lines[edit.line - 1][: edit.start], lines[last - 1][edit.end :]
        lines[edit.line - 1 : last] = [head + edit.text + tail]
    return "\n".join(lines)


def _rename(doc: Document, ids: list[Any]) -> str | None:
    """Rename a file whose name does not match its id, when the id is unique and the name is free."""
    target = renamed_path(doc, ids)
    if target is None:
        return None
    Path(doc.path).rename(target)
    return f"{doc.display}: renamed to {target.name} to match its id"
