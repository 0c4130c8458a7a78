"""Hostile buffers and malformed messages: the server reports, answers an error, and keeps serving."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any, cast

import pytest
from lsp_editor import Editor
from lsprotocol import types

pytestmark = pytest.mark.asyncio

QF01 = "questions/quick-fire/qf01-bias.yaml"

LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
)

HOSTILE = {
    "binary": ("id: qf01\x00\x01\x02\xff junk", "MB002"),
    "10 MB": ("id: qf01\nprompt: " + "x" * 10_000_000 + "\n", "MB003"),
    "deep nesting": ("id: " + "[" * 100_000 + "\n", "MB006"),
    "aliases": (LAUGHS, "MB005"),
    "a tag": ("id: !!python/object/apply:os.system [touch /tmp/mlbank-lsp-pwned]\n", "MB004"),
}


async def still_answers(editor: Editor) -> None:
    """The server answers a request promptly (whatever the linter thread is busy with)."""
    started = time.monotonic()
    found = await asyncio.wait_for(
        editor.client.workspace_symbol_async(types.WorkspaceSymbolParams(query="q01")), 10
    )
    assert found and found[0].name == "q01 Log loss"
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("name", list(HOSTILE))
async def test_a_hostile_buffer_is_reported_and_the_server_keeps_serving(editor: Editor, name: str) -> None:
    text, code = HOSTILE[name]
    editor.open(QF01)
    editor.change(QF01, text)
    await editor.until(lambda: code in editor.codes(QF01))
    await still_answers(editor)
    editor.change(QF01, (editor.bank / QF01).read_text(encoding="utf-8"))
    await editor.until(lambda: editor.codes(QF01) == [])


# Passes every static cap, yet sympy needs seconds for it: only the worker's per-claim budget stops it.
SLOW = " + ".join(f"sqrt(factorial(1000) + {k})" for k in (1, 3, 7, 9, 11, 13))


async def test_a_hostile_claim_is_stopped_by_the_worker_deadline(editor: Editor) -> None:
    text = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01)
    editor.change(QF01, text.replace("review:", f'worked:\n  - says: "1"\n    expr: {SLOW}\nreview:'))
    await still_answers(editor)
    await editor.until(lambda: "MB402" in editor.codes(QF01))
    (invalid,) = [d for d in editor.diagnostics(QF01) if d.code == "MB402"]
    assert "took longer than" in invalid.message


class RawPipe:
    """The server over a bare stdio pipe, for messages no well-behaved client library would send."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    def send(self, body: bytes) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))

    def request(self, id_: int, method: str, params: object) -> None:
        self.send(json.dumps({"jsonrpc": "2.0", "id": id_, "method": method, "params": params}).encode())

    async def response(self, id_: int) -> dict[str, Any]:
        """The response to request `id_` (notifications and other responses skipped)."""
        assert self.process.stdout is not None
        while True:
            header = await asyncio.wait_for(self.process.stdout.readuntil(b"\r\n\r\n"), 30)
            length = int(header.split(b"Content-Length:")[1].split(b"\r\n")[0])
            message = json.loads(await self.process.stdout.readexactly(length))
            if message.get("id") == id_ and "method" not in message:
                return cast(dict[str, Any], message)


async def test_malformed_requests_get_errors_and_the_server_keeps_serving(project: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "mlbank",
        "lsp",
        cwd=project,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    pipe = RawPipe(process)
    try:
        pipe.request(1, "initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {}})
        assert "capabilities" in (await pipe.response(1))["result"]
        pipe.send(b'{"jsonrpc": "2.0", "method": "initialized", "params": {}}')
        pipe.request(2, "textDocument/formatting", {"textDocument": 5, "options": "none"})
        error = (await pipe.response(2))["error"]
        assert error["code"] == -32602  # InvalidParams
        assert "textDocument/formatting" in error["message"]
        assert "Traceback" not in json.dumps(error)
        pipe.request(3, "mlbank/noSuchMethod", {})
        assert (await pipe.response(3))["error"]["code"] == -32601  # MethodNotFound
        pipe.send(b'{"jsonrpc": "2.0", "id": 4, "method": ')  # cut off: not JSON at all
        pipe.send(b"[1, 2, 3]")  # JSON, but no message
        pipe.request(5, "workspace/symbol", {"query": "q01 log"})
        (found,) = (await pipe.response(5))["result"]
        assert found["name"] == "q01 Log loss"
        pipe.request(6, "shutdown", None)
        assert (await pipe.response(6))["result"] is None
        pipe.send(b'{"jsonrpc": "2.0", "method": "exit"}')
        assert await asyncio.wait_for(process.wait(), 30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
