"""A real LSP client (pytest-lsp) talking to `python -m mlbank lsp` over stdio.

`editor` starts the server in a temporary project (pyproject.toml naming `bank`, a copy of the mini
bank, which lints clean), initializes it with the project as its workspace folder, and hands the
test an Editor (tests/lsp/lsp_editor.py): the client plus helpers to open and change documents and
to wait for what the server publishes. Test modules are asyncio tests: `pytestmark =
pytest.mark.asyncio`, and import the helpers with `from lsp_editor import Editor`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from lsp_editor import Editor, make_project, start_editor, stop_editor


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest_asyncio.fixture
async def editor(project: Path) -> AsyncIterator[Editor]:
    started = await start_editor(project)
    try:
        yield started
    finally:
        await stop_editor(started)
