"""Hover never waits for a lint in progress: the editor's findings and the index need no lock, and
a claim's value is "being computed" while a lint holds the bank's lock. In process, with the
lock held by another thread, which an end-to-end test cannot arrange on demand."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from lsp_editor import make_project
from lsprotocol import types
from pygls.workspace import PositionCodec

from mlbank.lsp.features import hover
from mlbank.lsp.features.context import Features
from mlbank.lsp.state import BankState
from mlbank.paths import real_path

Q01 = "questions/screening/q01-log-loss.yaml"


class Server:
    """What the features read of the server: locate, uri_of and the workspace's position codec."""

    def __init__(self, state: BankState) -> None:
        self.state = state
        self.workspace = SimpleNamespace(position_codec=PositionCodec())

    def locate(self, uri: str) -> tuple[BankState, Path]:
        return self.state, real_path(Path(uri.removeprefix("file://")))

    def uri_of(self, path: Path) -> str:
        return path.as_uri()


@pytest.fixture
def state(tmp_path: Path) -> Iterator[BankState]:
    opened = BankState.open(make_project(tmp_path / "project") / "bank")
    opened.session.lint()  # waits for the claims: every verdict is known
    yield opened
    opened.session.shutdown()


def ask(features: Features, state: BankState, needle: str, offset: int) -> str:
    text = (state.root / Q01).read_text(encoding="utf-8")
    line = next(n for n, row in enumerate(text.split("\n")) if needle in row)
    column = text.split("\n")[line].index(needle) + offset
    found = hover.hover(
        features,
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=(state.root / Q01).as_uri()),
            position=types.Position(line=line, character=column),
        ),
    )
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    return found.contents.value


def test_hover_answers_while_a_lint_holds_the_lock(state: BankState) -> None:
    features = Features(Server(state))  # type: ignore[arg-type]
    assert "holds" in ask(features, state, "expr: -log(0.01)", 8)
    held, release = threading.Event(), threading.Event()

    def lint() -> None:
        with state.lock:
            held.set()
            release.wait(30)

    holder = threading.Thread(target=lint)
    holder.start()
    held.wait(30)
    try:
        start = time.monotonic()
        assert ask(features, state, "expr: -log(0.01)", 8).startswith("**worked claim 1**: being computed")
        assert "Loss functions" in ask(features, state, "topics: [loss", 12)
        assert time.monotonic() - start < 5  # two lock waits of 0.2 s, not the lint's length
    finally:
        release.set()
        holder.join()
    assert "holds" in ask(features, state, "expr: -log(0.01)", 8)
