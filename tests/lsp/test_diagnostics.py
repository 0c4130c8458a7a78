"""Diagnostics over a real LSP client: on open, on change, cleared when fixed."""

from __future__ import annotations

import pytest
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio

Q01 = "questions/screening/q01-log-loss.yaml"


async def test_an_unknown_topic_typed_into_a_buffer_is_reported_then_cleared(editor: Editor) -> None:
    text = (editor.bank / Q01).read_text(encoding="utf-8")
    editor.open(Q01)
    editor.change(Q01, text.replace("topics: [loss-functions]", "topics: [loss-functionz]"))
    found = await editor.published(Q01)
    unknown = [d for d in found if d.code == "MB200"]
    assert len(unknown) == 1
    (diagnostic,) = unknown
    line = text.splitlines().index("topics: [loss-functions]")
    assert diagnostic.range.start == types.Position(line=line, character=len("topics: ["))
    assert diagnostic.range.end == types.Position(line=line, character=len("topics: [loss-functionz"))
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.source == "mlbank"
    assert diagnostic.message.startswith("unknown-topic: ")
    assert diagnostic.code_description is not None
    assert diagnostic.code_description.href.endswith("/mlbank/rules/mb200_unknown_topic.py")

    editor.change(Q01, text)
    assert list(await editor.published(Q01)) == []
