"""Hover: what the thing under the cursor means.

On a finding, the rule's explanation (code, name, its docstring: what `mlbank rule CODE` prints); on
an id, what it names (a topic's title and summary, a `see` reference's question title and prompt, a
company's or level's name); on a worked claim, the value the claims worker computed and the interval
its `says` allows (the claims engine's own parse_stated, so the hover and the verdict agree).
"""

from __future__ import annotations

import os
from pathlib import Path

from lsprotocol import types

from mlbank.bank import validator
from mlbank.claims import ClaimError, Verdict, parse_stated
from mlbank.claims.stated import format_exact
from mlbank.loader import load_document
from mlbank.lsp.diagnostics import to_diagnostics
from mlbank.lsp.features.context import Features, Here
from mlbank.lsp.features.index import RESOLVES, Entry, Use
from mlbank.lsp.state import BankState
from mlbank.paths import real_path
from mlbank.rules import RULES
from mlbank.source import from_text
from mlbank.worked import Located, claims_of

LOCK_WAIT_SECONDS = 0.2  # how long a hover waits for a lint in progress before answering without it


def hover(features: Features, params: types.HoverParams) -> types.Hover | None:
    here = features.here(params.text_document.uri, params.position)
    if here is None:
        return None
    parts = [
        *_findings(features, here, params.position),
        *_named(features, here),
        *_claim(here),
    ]
    if not parts:
        return None
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(parts))
    )


def _findings(features: Features, here: Here, position: types.Position) -> list[str]:
    """The explanation of each rule with a finding whose range covers the position: of the findings
    the editor was last sent for this file (read without the bank's lock, which a lint of a large
    bank holds for a while: one dict lookup is atomic)."""
    shown_as = os.path.relpath(here.path, here.state.session.base)
    findings = list(here.state.published.get(shown_as, ()))
    codec = features.server.workspace.position_codec
    shown = []
    for finding, diagnostic in zip(findings, to_diagnostics(findings, here.text, codec), strict=True):
        if not _covers(diagnostic.range, position):
            continue
        rule = RULES.get(finding.code)
        explanation = (rule.__doc__ or "").strip() if rule is not None else ""
        shown.append(
            f"**{finding.code} {finding.name}** ({finding.severity.value}): {finding.message}"
            + (f"\n\n{explanation}" if explanation else "")
        )
    return shown


def _covers(where: types.Range, position: types.Position) -> bool:
    start, end = where.start, where.end
    return (start.line, start.character) <= (position.line, position.character) <= (end.line, end.character)


def _named(features: Features, here: Here) -> list[str]:
    """What the id under the cursor names."""
    index = features.index(here.state)
    item = index.at(here.path, here.line, here.character)
    if item is None:
        return []
    entries = index.resolve(item) if isinstance(item, Use) else [item]
    if not entries:
        return [f"`{item.id}` names no {_kinds(item)} of this bank"]
    return [_describe(entries[0])]


def _kinds(item: Use | Entry) -> str:
    return " or ".join(RESOLVES[item.kind]) if isinstance(item, Use) else item.kind


def _describe(entry: Entry) -> str:
    head = f"**{entry.kind} `{entry.id}`**" + (f": {entry.title}" if entry.title else "")
    return head + (f"\n\n{entry.text}" if entry.text else "")


def _claim(here: Here) -> list[str]:
    """A worked claim's computed value and the interval its `says` allows. The claim is read from
    the buffer (never evaluated here); its verdict is the session's, once the claims worker has it."""
    path = here.spot.path
    if len(path) < 2 or path[0] != "worked" or not isinstance(path[1], int):
        return []
    item = path[1]
    doc = load_document(here.path, here.path.name, validator("question"), from_text(here.text))
    mine = [c for c in claims_of(doc) if c.item == item]
    if not mine:
        return []
    spec = mine[0].spec
    where = real_path(here.path)
    verdicts = [
        v
        for c, v in _session_claims(here.state)
        if c.item == item and c.spec == spec and real_path(Path(c.doc.path)) == where
    ]
    status = verdicts[0].status if verdicts else "being computed"
    lines = [f"**worked claim {item + 1}**: {status}"]
    if verdicts and verdicts[0].value is not None:
        lines.append(f"`{spec.expr}` = {verdicts[0].value}")
    if spec.says is not None:
        lines.append(_interval(spec.says, spec.tolerance))
    if verdicts:
        lines.append(verdicts[0].message)
    return ["\n\n".join(lines)]


def _session_claims(state: BankState) -> list[tuple[Located, Verdict]]:
    """The session's claim verdicts; none while a lint holds the lock (their values are coming)."""
    if not state.lock.acquire(timeout=LOCK_WAIT_SECONDS):
        return []
    try:
        return state.session.claims
    finally:
        state.lock.release()


def _interval(says: str, tolerance: str | None) -> str:
    try:
        stated = parse_stated(says, tolerance)
    except ClaimError as error:
        return error.message
    widened = f" with tolerance {tolerance}" if tolerance is not None else ""
    return f'"{says}"{widened} allows [{format_exact(stated.low)}, {format_exact(stated.high)}]'
