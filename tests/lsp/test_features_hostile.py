"""Hostile buffers: no feature crashes, hangs or stops the server, whatever the buffer holds."""

from __future__ import annotations

import pytest
from feature_requests import Q01, completion, definition, hover, references, text_of
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio

HOSTILE = [
    "\x00\x01\x02 binary \xff\ufffe junk",
    "id: q01\n" + "answer: " + "x" * 2_000_000 + "\n",  # over the loader's 1 MB cap
    "id: q01\nsee: " + "[" * 5000 + "\n",  # deep nesting, unclosed
    "id: &a q01\nsee: [*a, *a, *a]\ntopics: !!python/object:os.system [ls]\n",  # anchors, aliases, tags
    'id: q01\nworked:\n  - says: "1"\n    expr: 9^9^9^9^9^9\n',  # a hostile claim expression
    "\t\t- - - : : {[}] 'unclosed \"\n" * 2000,
    "id: q01\r\nsee: [q\u2028f01, \U0001f600\U0001f600]\r\n",  # CR LF, a line separator, astral characters
    "",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
async def test_every_feature_answers_on_a_hostile_buffer(editor: Editor, text: str) -> None:
    editor.open(Q01, text)
    uri = types.TextDocumentIdentifier(uri=editor.uri(Q01))
    lines = text.split("\n")
    places = [(0, 0), (0, 5), (1, 3), (len(lines) - 1, 10**6 % (len(lines[-1]) + 1)), (10**5, 10**5)]
    for line, character in places:
        at = types.Position(line=line, character=character)
        await hover(editor, Q01, at)
        await definition(editor, Q01, at)
        await references(editor, Q01, at, declaration=True)
        await completion(editor, Q01, at)
        await editor.client.text_document_code_action_async(
            types.CodeActionParams(
                text_document=uri,
                range=types.Range(start=at, end=at),
                context=types.CodeActionContext(
                    diagnostics=[
                        types.Diagnostic(
                            range=types.Range(start=at, end=at), message="x", code=code, source="mlbank"
                        )
                        for code in ("MB001", "MB103", "MB105", "MB403", "MB999")
                    ]
                ),
            )
        )
    # the server still answers, from the bank as it now is
    editor.change(Q01, text_of(editor, Q01))
    qf01 = text_of(editor, Q01).split("\n").index("see: [loss-functions, qf01]")
    shown = await hover(editor, Q01, types.Position(line=qf01, character=23))
    assert "**question `qf01`**: Bias" in shown
