"""Completion: the bank's ids where a field names one, and the keys the JSON Schema allows.

Where the cursor is comes from the locator (so a half-typed `see: [q0` completes), what to offer
from the bank index (ids with their titles) or from the published JSON Schema of the file's kind
(`mlbank schema`: keys at the cursor's mapping, less the ones already written). Each item replaces
the word under the cursor, so a half-typed id is completed, not doubled.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from lsprotocol import types

from mlbank.loader import FieldPath
from mlbank.lsp.features.context import Features, Here
from mlbank.lsp.features.index import Entry, Kind
from mlbank.lsp.features.locate import present_keys
from mlbank.paths import kind_of

MAX_ITEMS = 100

# Which ids a value names, by file kind and field path (an int in a path: any list item).
_QUESTION_FIELDS: dict[tuple[str | int, ...], tuple[Kind, ...]] = {
    ("topics", 0): ("topic",),
    ("see", 0): ("topic", "question"),
    ("section",): ("section",),
    ("level",): ("level",),
    ("companies", 0, "company"): ("company",),
    ("companies", 0, "level"): ("level",),
}
_BANK_FIELDS: dict[tuple[str | int, ...], tuple[Kind, ...]] = {
    ("levels", 0, "company"): ("company",),
    ("practice", "plan", 0, "tasks", 0, "refs", 0): ("question", "section", "topic"),
}


def completion(features: Features, params: types.CompletionParams) -> types.CompletionList | None:
    here = features.here(params.text_document.uri, params.position)
    if here is None:
        return None
    spot = here.spot
    replace = features.range(here.lines, here.line, spot.start, spot.end)
    if spot.prose:
        return None
    kind = kind_of(here.path)
    if spot.on_key:
        # the keys of the cursor's mapping start where the typed word (or the cursor) does
        items = _keys(kind, spot.path, present_keys(here.text, here.line, spot.start), replace)
        return types.CompletionList(is_incomplete=False, items=items)
    entries = _ids(features, here, kind)
    # A bank of 10,000 questions would send 10,000 items on every keystroke: send the first
    # MAX_ITEMS and say the list is incomplete, so the client asks again as the word grows.
    shown = [_id_item(entry, rank, replace) for rank, entry in entries[:MAX_ITEMS]]
    return types.CompletionList(is_incomplete=len(entries) > MAX_ITEMS, items=shown)


# --- ids ------------------------------------------------------------------------------------------


def _ids(features: Features, here: Here, kind: str) -> list[tuple[int, Entry]]:
    """The ids the field at the cursor names that start with what is typed before the cursor, each
    with the rank of its kind (a `see` entry offers topics before questions)."""
    typed = here.spot.token[: here.character - here.spot.start].lower()
    fields = _QUESTION_FIELDS if kind == "question" else _BANK_FIELDS if kind == "bank" else {}
    kinds = fields.get(_pattern(here.spot.path), ())
    if not kinds:
        return []
    index = features.index(here.state)
    own = {e.id for e in index.file(here.path).entries if e.kind == "question"}
    return [
        (rank, entry)
        for rank, wanted in enumerate(kinds)
        for entry in index.ids(wanted)
        if entry.id.lower().startswith(typed)
        and not (wanted == "question" and entry.id in own)  # a question does not refer to itself
    ]


def _pattern(path: FieldPath) -> tuple[str | int, ...]:
    """A field path with every list index as 0, to look the field up in the tables above."""
    return tuple(0 if isinstance(p, int) else p for p in path)


def _id_item(entry: Entry, rank: int, replace: types.Range) -> types.CompletionItem:
    kind = (
        types.CompletionItemKind.Reference
        if entry.kind == "question"
        else types.CompletionItemKind.EnumMember
    )
    return types.CompletionItem(
        label=entry.id,
        kind=kind,
        detail=f"{entry.kind}: {entry.title}" if entry.title else entry.kind,
        documentation=entry.text or None,
        sort_text=f"{rank}{entry.id}",
        filter_text=entry.id,
        text_edit=types.TextEdit(range=replace, new_text=entry.id),
    )


# --- keys -----------------------------------------------------------------------------------------


def _keys(kind: str, path: FieldPath, present: set[str], replace: types.Range) -> list[types.CompletionItem]:
    properties = schema_keys(kind, path)
    return [
        types.CompletionItem(
            label=key,
            kind=types.CompletionItemKind.Property,
            detail=detail,
            sort_text=f"{i:03d}",
            text_edit=types.TextEdit(range=replace, new_text=f"{key}: "),
        )
        for i, (key, detail) in enumerate(properties.items())
        if key not in present
    ]


def schema_keys(kind: str, path: FieldPath) -> dict[str, str]:
    """The keys the JSON Schema of a file kind allows in the mapping at `path`, in schema order,
    each with its description (or title); {} where the schema has no mapping there."""
    root = _schema(kind)
    node: Any = root
    for part in path:
        node = _resolve(root, node)
        if isinstance(part, int):
            node = node.get("items") if node.get("type") == "array" else None
        else:
            node = node.get("properties", {}).get(part)
        if not isinstance(node, dict):
            return {}
    node = _resolve(root, node)
    properties = node.get("properties", {}) if node.get("type", "object") == "object" else {}
    return {k: str(v.get("description") or v.get("title") or k) for k, v in properties.items()}


@cache
def _schema(kind: str) -> dict[str, Any]:
    from mlbank.model import json_schema

    return json_schema(kind)


def _resolve(root: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """Follow `$ref`, and an optional value's `anyOf` to its non-null branch."""
    for _ in range(8):  # the models nest a few levels; a bound keeps a cycle from looping
        if "$ref" in node:
            node = root["$defs"][node["$ref"].rsplit("/", 1)[-1]]
        elif "anyOf" in node:
            branches = [b for b in node["anyOf"] if b.get("type") != "null"]
            node = branches[0] if branches else {}
        else:
            break
    return node
