"""workspace/symbol: every question's id and title, found by a fuzzy query, located at its id.

The questions come from the bank index (their declarations, with their titles), so the symbols
follow the open buffers and the files on disk as every other feature does.
"""

from __future__ import annotations

from lsprotocol import types

from mlbank.lsp.features.context import Features
from mlbank.lsp.features.index import Entry
from mlbank.lsp.state import BankState


def workspace_symbols(features: Features, params: types.WorkspaceSymbolParams) -> list[types.WorkspaceSymbol]:
    """The questions of every bank that match the query, best matches first."""
    return [
        _symbol(features, state, question)
        for state in features.server.banks
        for question in search(params.query, features.index(state).every("question"))
    ]


def rank(query: str, question: Entry) -> int | None:
    """How well a question matches a symbol query, best first: 0 its id starts with the query, 1 the
    query occurs in its id and title, 2 the query's characters occur there in order (fuzzy, as
    editors match symbols); None: no match. Any case; blanks in the query are ignored."""
    wanted = "".join(query.split()).casefold()
    haystack = f"{question.id}{question.title}".replace(" ", "").casefold()
    if question.id.casefold().startswith(wanted):
        return 0
    if wanted in haystack:
        return 1
    at = 0
    for char in wanted:
        at = haystack.find(char, at) + 1
        if at == 0:
            return None
    return 2


def search(query: str, questions: list[Entry]) -> list[Entry]:
    """The questions that match `query`, best matches first, in bank order within each rank."""
    ranked = [(r, i) for i, q in enumerate(questions) if (r := rank(query, q)) is not None]
    return [questions[i] for _, i in sorted(ranked)]


def _symbol(features: Features, state: BankState, question: Entry) -> types.WorkspaceSymbol:
    location = features.location(state, question.place.unquoted(question.id))  # the id, not its quotes
    return types.WorkspaceSymbol(
        name=f"{question.id} {question.title}".strip(),
        kind=types.SymbolKind.Key,
        location=location,
        container_name=location.uri.rsplit("/", 2)[-2] if "/" in location.uri else None,  # its folder
    )
