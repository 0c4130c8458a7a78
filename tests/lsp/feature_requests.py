"""Requests the feature tests send through the Editor's client, and where to point them."""

from __future__ import annotations

from lsp_editor import Editor
from lsprotocol import types

Q01 = "questions/screening/q01-log-loss.yaml"
QF01 = "questions/quick-fire/qf01-bias.yaml"


def position(text: str, needle: str, offset: int = 0, nth: int = 0) -> types.Position:
    """The position `offset` characters into the `nth` line holding `needle` (ASCII lines)."""
    lines = text.split("\n")
    hits = [(n, line.index(needle)) for n, line in enumerate(lines) if needle in line]
    line, column = hits[nth]
    return types.Position(line=line, character=column + offset)


def text_of(editor: Editor, relative: str) -> str:
    return (editor.bank / relative).read_text(encoding="utf-8")


async def hover(editor: Editor, relative: str, at: types.Position) -> str:
    """The hover's Markdown at a position ("" when there is none)."""
    found = await editor.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)), position=at)
    )
    if found is None:
        return ""
    assert isinstance(found.contents, types.MarkupContent)
    return found.contents.value


async def definition(editor: Editor, relative: str, at: types.Position) -> list[types.Location]:
    found = await editor.client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)), position=at
        )
    )
    assert found is None or isinstance(found, list)
    return [f for f in found or [] if isinstance(f, types.Location)]


async def references(
    editor: Editor, relative: str, at: types.Position, declaration: bool
) -> list[types.Location]:
    found = await editor.client.text_document_references_async(
        types.ReferenceParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)),
            position=at,
            context=types.ReferenceContext(include_declaration=declaration),
        )
    )
    return list(found or [])


async def completion(editor: Editor, relative: str, at: types.Position) -> list[types.CompletionItem]:
    found = await editor.client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=editor.uri(relative)), position=at
        )
    )
    if found is None:
        return []
    return list(found.items if isinstance(found, types.CompletionList) else found)


def token(editor: Editor, location: types.Location) -> str:
    """The text a location spans (one line, ASCII), read from the file on disk."""
    path = editor.bank / location.uri.removeprefix(editor.bank.as_uri() + "/")
    line = path.read_text(encoding="utf-8").split("\n")[location.range.start.line]
    return line[location.range.start.character : location.range.end.character]


def where(editor: Editor, location: types.Location) -> tuple[str, int]:
    """A location as (path relative to the bank, 0-based line)."""
    return location.uri.removeprefix(editor.bank.as_uri() + "/"), location.range.start.line
