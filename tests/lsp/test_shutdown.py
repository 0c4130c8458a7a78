"""Shutdown and exit end the server and every process it started, even mid-claim."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsp_editor import Editor, start_editor

pytestmark = pytest.mark.asyncio

QF01 = "questions/quick-fire/qf01-bias.yaml"
SLOW = " + ".join(f"sqrt(factorial(1000) + {k})" for k in (1, 3, 7, 9, 11, 13))


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid`, from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.add(int(entry.name))
    return found


def descendants(pid: int) -> set[int]:
    """The processes under `pid`: its children, theirs, and so on."""
    found = children(pid)
    for child in list(found):
        found |= descendants(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
async def test_shutdown_mid_claim_leaves_no_process_behind(project: Path) -> None:
    editor: Editor = await start_editor(project)
    server = editor.client._server
    assert server is not None
    text = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01)
    editor.change(QF01, text.replace("review:", f'worked:\n  - says: "1"\n    expr: {SLOW}\nreview:'))
    await editor.published(QF01)  # published without the slow claim's verdict: it is being computed
    workers = children(server.pid)
    assert workers, "the claims worker runs as a child of the server"
    await asyncio.wait_for(editor.client.shutdown_session(), 30)  # shutdown, exit, and wait for the exit
    assert server.returncode == 0
    await editor.client.stop()
    await editor.until(lambda: not any(alive(pid) for pid in workers), timeout=10)
    assert not any(alive(pid) for pid in workers)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
async def test_a_vanished_client_ends_the_server_and_its_workers(project: Path) -> None:
    editor: Editor = await start_editor(project)
    server = editor.client._server
    assert server is not None and server.stdin is not None
    text = (editor.bank / QF01).read_text(encoding="utf-8")
    editor.open(QF01)
    editor.change(QF01, text.replace("review:", f'worked:\n  - says: "1"\n    expr: {SLOW}\nreview:'))
    await editor.published(QF01)
    workers = children(server.pid)
    server.stdin.close()  # the editor died: no shutdown, no exit, just the end of input
    await asyncio.wait_for(server.wait(), 30)
    await editor.client.stop()
    await editor.until(lambda: not any(alive(pid) for pid in workers), timeout=10)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads the process table from /proc")
async def test_shutdown_during_the_first_lint_answers_without_waiting_for_it(tmp_path: Path) -> None:
    """A first lint of a large bank takes seconds (tens at 10k); shutdown and exit must not wait for
    it, and no process the server started may outlive it."""
    import subprocess
    import sys

    from lsp_editor import make_project

    bank = tmp_path / "big"
    script = Path(__file__).parents[2] / "scripts" / "make_bank.py"
    subprocess.run([sys.executable, str(script), "3000", str(bank)], check=True, capture_output=True)
    editor: Editor = await start_editor(make_project(tmp_path / "project", bank))
    server = editor.client._server
    assert server is not None
    await asyncio.sleep(0.5)  # the first lint is under way: 10 s or more in one process at this size
    started = descendants(server.pid)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    await asyncio.wait_for(editor.client.shutdown_session(), 30)
    assert loop.time() - asked < 4, "shutdown waited for the first lint to finish"
    assert server.returncode == 0
    assert not editor.client.diagnostics
    await editor.client.stop()
    await editor.until(lambda: not any(alive(pid) for pid in started), timeout=20)
