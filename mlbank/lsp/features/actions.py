"""Code actions: `mlbank lint --fix`'s safe fixes as quick fixes, and a claim stub for MB403.

A quick fix is offered on the finding it fixes (a diagnostic of the request's context), and its edit
is the change --fix makes at that spot: the plan mlbank.fixes makes for the buffer's text, offered
only when the whole plan loads back to the data it intends (as --fix checks before it writes). Tab
indentation (MB001) is replaced in the whole buffer as --fix does; a file named unlike its id (MB103)
is renamed. For a stated result no claim proves (MB403), the action adds a `worked:` item whose
`says` is the number as written, to the existing list or in a new one; its `expr` is left for the
author, which the schema rule then asks for (MB100), and the stub is offered only if the buffer
still loads with it.
"""

from __future__ import annotations

import json
from pathlib import Path

from lsprotocol import types

from mlbank.bank import validator
from mlbank.claims import find_stated_results
from mlbank.fixes import Edit, apply_edits, fixed_text, plan_fixes, renamed_path, untab_text
from mlbank.loader import Document, load_document, node_extent, parse_yaml
from mlbank.lsp.diagnostics import SOURCE
from mlbank.lsp.features.context import Features
from mlbank.lsp.features.locate import split_lines
from mlbank.lsp.state import BankState
from mlbank.paths import kind_of
from mlbank.rules.base import prose_fields
from mlbank.source import from_text

Action = types.CodeAction


def code_actions(features: Features, params: types.CodeActionParams) -> list[Action] | None:
    found = features.server.locate(params.text_document.uri)
    if found is None:
        return None
    state, path = found
    text = state.text(path) or ""
    kind = kind_of(path)
    doc = load_document(path, path.name, validator(kind), from_text(text))
    fixer = _Fixer(features, state, params.text_document.uri, doc, kind)
    actions: list[Action] = []
    for diagnostic in params.context.diagnostics:
        if diagnostic.source == SOURCE:
            actions += fixer.fix(diagnostic)
    return actions


class _Fixer:
    """The quick fixes of one buffer, planned once per request."""

    def __init__(self, features: Features, state: BankState, uri: str, doc: Document, kind: str) -> None:
        self.features, self.state, self.uri, self.doc, self.kind = features, state, uri, doc, kind
        self.lines = split_lines(doc.text)
        plan = plan_fixes(doc, kind)
        # --fix writes a file only when its whole plan loads back as intended: offer nothing else
        self.edits = plan.edits if plan is not None and plan.edits and fixed_text(doc, plan) else []

    def fix(self, diagnostic: types.Diagnostic) -> list[Action]:
        code = str(diagnostic.code)
        line, column = self.features.server_position(self.lines, diagnostic.range.start)
        if code == "MB001":
            return self._untab(diagnostic)
        if code == "MB103":
            return self._rename(diagnostic)
        if code == "MB403":
            return self._stub(diagnostic, line, column)
        edits = [e for e in self.edits if code in e.codes and _covers(e, line, column)]
        if not edits:
            return []
        return [self._action(f"Fix {code}: {_what(code)}", diagnostic, edits)]

    def _action(self, title: str, diagnostic: types.Diagnostic, edits: list[Edit]) -> Action:
        changes = [self._text_edit(e) for e in edits]
        return Action(
            title=title,
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={self.uri: changes}),
            is_preferred=True,
        )

    def _text_edit(self, edit: Edit) -> types.TextEdit:
        """A fixes.Edit (1-based lines, code points) as an LSP TextEdit (0-based, client units)."""
        lines = self.lines
        first = edit.line - 1
        if edit.lines:  # whole lines: up to the start of the line after them, or the text's end
            after = first + edit.lines
            if after < len(lines):
                return types.TextEdit(range=self._span(first, 0, after, 0), new_text="")
            start = (first - 1, len(lines[first - 1])) if first > 0 else (0, 0)
            return types.TextEdit(range=self._span(*start, len(lines) - 1, len(lines[-1])), new_text="")
        return types.TextEdit(
            range=self._span(first, edit.start, (edit.last or edit.line) - 1, edit.end), new_text=edit.text
        )

    def _span(self, line: int, start: int, last: int, end: int) -> types.Range:
        head = self.features.range(self.lines, line, start, start).start
        tail = self.features.range(self.lines, last, end, end).end
        return types.Range(start=head, end=tail)

    def _untab(self, diagnostic: types.Diagnostic) -> list[Action]:
        new = untab_text(self.doc)
        if new is None:
            return []
        whole = Edit(1, 0, len(self.lines[-1]), new, last=len(self.lines))
        return [self._action("Replace the tab indentation with spaces", diagnostic, [whole])]

    def _rename(self, diagnostic: types.Diagnostic) -> list[Action]:
        qid = self.doc.data.get("id") if isinstance(self.doc.data, dict) else None
        if not isinstance(qid, str):
            return []
        # renamed_path wants the bank's ids: this one as many times as the bank declares it
        holders = self.features.index(self.state).declared("question", qid)
        target = renamed_path(self.doc, [qid] * len(holders))
        if target is None:
            return []
        rename = types.RenameFile(
            kind="rename", old_uri=self.uri, new_uri=self.features.server.uri_of(Path(target))
        )
        return [
            Action(
                title=f"Rename the file to {target.name}",
                kind=types.CodeActionKind.QuickFix,
                diagnostics=[diagnostic],
                edit=types.WorkspaceEdit(document_changes=[rename]),
                is_preferred=True,
            )
        ]

    def _stub(self, diagnostic: types.Diagnostic, line: int, column: int) -> list[Action]:
        token = self._stated_at(line, column)
        insertion = _claim_stub(self.doc, self.lines, token) if token is not None else None
        if insertion is None:
            return []
        _, _, problems = parse_yaml(apply_edits(self.doc.text, [insertion]))
        if problems:
            return []
        return [self._action(f'Add a worked: claim for "{token}"', diagnostic, [insertion])]

    def _stated_at(self, line: int, column: int) -> str | None:
        """The stated result MB403 reports at this place, found as the rule finds it."""
        if not isinstance(self.doc.data, dict):
            return None
        for path, text in prose_fields(self.doc.data, self.kind):
            for offset, token in find_stated_results(text):
                where = self.doc.text_position(path, offset)
                if (where.line - 1, where.column - 1) == (line, column):
                    return token
        return None


def _covers(edit: Edit, line: int, column: int) -> bool:
    """Whether a fix's edit is the one for a finding at (0-based) line and column: an insertion at
    exactly that point, or any other edit whose lines hold it."""
    first, last = edit.line - 1, max(edit.line, edit.last, edit.line + edit.lines - 1) - 1
    if edit.start == edit.end and not edit.lines and not edit.last:
        return (first, edit.start) == (line, column)
    return first <= line <= last


def _what(code: str) -> str:
    return {
        "MB105": "quote the value as written",
        "MB106": "remove the trailing whitespace",
        "MB208": "remove the repeated tag",
        "MB300": "escape the currency dollar",
    }.get(code, "apply mlbank's safe fix")


def _claim_stub(doc: Document, lines: list[str], token: str) -> Edit | None:
    """A `- says: "TOKEN"` item: after the last item of a block `worked:` list, or in a new `worked:`
    list (before `settings:` or `review:`, else at the end); None for a flow `worked: [...]`."""
    data = doc.data if isinstance(doc.data, dict) else {}
    item = f"- says: {json.dumps(token)}"
    key = doc.nodes.get(("worked",))
    if "worked" in data:
        first = doc.nodes.get(("worked", 0))
        if key is None or key.key is None or first is None or not isinstance(data["worked"], list):
            return None
        if first.value.line == key.key.line:  # `worked: [...]`: leave a flow list to the author
            return None
        dash = lines[first.value.line - 1]
        indent = len(dash) - len(dash.lstrip(" "))
        end = node_extent(lines, key.key.line)  # the list's last line (1-based)
        if end < len(lines):
            return Edit(end + 1, 0, 0, f"{' ' * indent}{item}\n")
        return Edit(end, len(lines[-1]), len(lines[-1]), f"\n{' ' * indent}{item}")
    block = f"worked:\n  {item}\n"
    for name in ("settings", "review"):
        after = doc.nodes.get((name,))
        if after is not None and after.key is not None:
            return Edit(after.key.line, 0, 0, block)
    if lines[-1] == "":  # the text ends with a line break: the block goes on the empty last line
        return Edit(len(lines), 0, 0, block)
    return Edit(len(lines), len(lines[-1]), len(lines[-1]), "\n" + block)
