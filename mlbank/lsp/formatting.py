"""textDocument/formatting: `mlbank fmt` on the editor's buffer, as one whole-document edit.

The formatter is the one `mlbank fmt` uses (mlbank.formatter.format_text, with the same schema
line); it proves its own result or refuses with a FormatError that says why. A refusal, or a buffer
the source reader refuses (binary, too large), is answered with an LSP RequestFailed error carrying
that same message, as `mlbank fmt` prints it after "not formatted:".
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.workspace import PositionCodec

from mlbank.paths import kind_of
from mlbank.source import from_text


def format_buffer(path: Path, text: str, codec: PositionCodec) -> list[types.TextEdit]:
    """The edit that makes `text` canonical; none when it already is."""
    from mlbank.formatter import FormatError, format_text, schema_header

    readable = from_text(text)
    if readable.text is None:
        assert readable.refusal is not None
        raise refused(readable.refusal.message)
    kind = kind_of(path)
    try:
        new = format_text(readable.text, kind, schema_header(path, kind))
    except FormatError as exc:
        raise refused(str(exc)) from None
    if new == text:
        return []
    return [types.TextEdit(range=whole(text, codec), new_text=new)]


def whole(text: str, codec: PositionCodec) -> types.Range:
    """The range of a whole document: from its start to just after its last character."""
    lines = text.split("\n")
    end = types.Position(line=len(lines) - 1, character=codec.client_num_units(lines[-1]))
    return types.Range(start=types.Position(line=0, character=0), end=end)


def refused(reason: str) -> JsonRpcException:
    return JsonRpcException(code=types.LSPErrorCodes.RequestFailed, message=f"not formatted: {reason}")
