"""Go to definition and find references, over the bank index.

A use (a `see` entry, a topic tag, a section, company or level id, a practice plan ref) goes to the
declaration it names: the question file's `id`, the topic's entry in topics.yaml, the section's,
company's or level's entry in bank.yaml. References of an id, asked at its declaration or at any
use, are every use that names it, and the declaration too when the client asks for it.
"""

from __future__ import annotations

from lsprotocol import types

from mlbank.lsp.features.context import Features, Here
from mlbank.lsp.features.index import BankIndex, Entry, Use


def _declarations(
    features: Features, uri: str, position: types.Position
) -> tuple[Here, BankIndex, list[Entry]] | None:
    """The declarations named at a position (a use's, or the declaration itself), with the index
    they came from (refreshed once per request); None: nothing there."""
    here = features.here(uri, position)
    if here is None:
        return None
    index = features.index(here.state)
    item = index.at(here.path, here.line, here.character)
    if item is None:
        return None
    return here, index, index.resolve(item) if isinstance(item, Use) else [item]


def definition(features: Features, params: types.DefinitionParams) -> list[types.Location] | None:
    found = _declarations(features, params.text_document.uri, params.position)
    if found is None:
        return None
    here, _, entries = found
    return [features.location(here.state, e.place) for e in entries] or None


def references(features: Features, params: types.ReferenceParams) -> list[types.Location] | None:
    found = _declarations(features, params.text_document.uri, params.position)
    if found is None or not found[2]:
        return None
    here, index, entries = found
    places = [u.place for u in index.uses_of(entries[0])]
    if params.context.include_declaration:
        places = [e.place for e in entries] + places
    return [features.location(here.state, p) for p in places]
