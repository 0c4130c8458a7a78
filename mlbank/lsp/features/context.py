"""What every feature handler shares: the bank index of each bank, and where a request points.

The features work in code points (Python string indexes) on 0-based lines; the client counts in the
code units it agreed with the server (UTF-16 unless it offered another), so every position that
comes in or goes out is converted here, with the line's text at hand.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from lsprotocol import types

from mlbank.lsp.features.index import BankIndex, Place
from mlbank.lsp.features.locate import Spot, locate, split_lines
from mlbank.lsp.state import BankState
from mlbank.source import from_text

if TYPE_CHECKING:
    from mlbank.lsp.server import MlbankServer


# Listing and stating every file of a 10,000-question bank takes ~0.2 s of CPU: at most this often.
DISK_CHECK_SECONDS = 2.0


class Here(NamedTuple):
    """A request's document and position: its bank, path, text (the buffer's when open), lines, the
    position in code points, and the locator's reading of it."""

    state: BankState
    path: Path
    text: str
    lines: list[str]
    line: int
    character: int
    spot: Spot


class Features:
    """The server the handlers answer for, and one BankIndex per bank, built on the first request
    that needs it (never on the typing path) and brought up to date on each one after."""

    def __init__(self, server: MlbankServer) -> None:
        self.server = server
        self._indexes: dict[Path, BankIndex] = {}
        self._checked: dict[Path, float] = {}  # when each bank's folder was last checked
        self._lock = threading.Lock()  # handlers run in pygls's thread pool

    def index(self, state: BankState) -> BankIndex:
        """The bank's index, with the open buffers as they are now; files that other programs change
        on disk (a checkout, `mlbank fmt`) are seen within DISK_CHECK_SECONDS."""
        with self._lock:
            index = self._indexes.setdefault(state.root, BankIndex(state.root))
            buffers = {p: t for p in state.open_paths() if (t := state.text(p)) is not None}
            now = time.monotonic()
            disk = now - self._checked.get(state.root, -DISK_CHECK_SECONDS) >= DISK_CHECK_SECONDS
            index.refresh(buffers, state.text, disk=disk)
            if disk:
                self._checked[state.root] = time.monotonic()
            return index

    def here(self, uri: str, position: types.Position) -> Here | None:
        """The bank file and position a request names; None outside every bank."""
        found = self.server.locate(uri)
        if found is None:
            return None
        state, path = found
        # a text the loader refuses (too large, binary) has nothing to point at: the linter says why
        text = from_text(state.text(path) or "").text
        if text is None:
            return None
        lines = split_lines(text)
        line, character = self.server_position(lines, position)
        return Here(state, path, text, lines, line, character, locate(text, line, character))

    # --- out to the client ------------------------------------------------------------------------

    def range(self, lines: list[str], line: int, start: int, end: int) -> types.Range:
        """A range on one line, from code points to the client's units."""
        text = lines[line] if 0 <= line < len(lines) else ""
        units = self.server.workspace.position_codec.client_num_units
        return types.Range(
            start=types.Position(line=line, character=units(text[:start])),
            end=types.Position(line=line, character=units(text[:end])),
        )

    def location(self, state: BankState, place: Place) -> types.Location:
        """A place in any file of the bank; its line is read only when it is not ASCII up to the
        token (then code points and code units differ)."""
        if place.ascii:
            lines = [""] * place.line + ["x" * place.end]
        else:
            lines = split_lines(state.text(place.path) or "")
        return types.Location(
            uri=self.server.uri_of(place.path), range=self.range(lines, place.line, place.start, place.end)
        )

    def server_position(self, lines: list[str], position: types.Position) -> tuple[int, int]:
        """A client position as (line, code point)."""
        at = self.server.workspace.position_codec.position_from_client_units(
            lines, types.Position(line=position.line, character=position.character)
        )
        return at.line, at.character
