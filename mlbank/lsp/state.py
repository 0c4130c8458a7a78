"""One bank the editor server holds: its lint Session, the lock around it, and the open buffers.

The Session is not thread-safe: whoever uses it (the linter thread, a request handler) holds `lock`.
The buffers are the editor's unsaved texts; they change on the server's event loop and are read from
the linter thread, so they live in a plain dict whose single get/set/pop are atomic in CPython and
are never iterated while another thread could change them (open_paths copies first).
"""

from __future__ import annotations

import threading
from pathlib import Path

from mlbank.cache import cache_dir_for
from mlbank.commands.lint import LintOptions, selection_from
from mlbank.config import find_config
from mlbank.engine.session import Session
from mlbank.finding import Finding
from mlbank.paths import real_path
from mlbank.source import read_source


class BankState:
    """A bank the server lints: the folder holding bank.yaml, and everything it keeps about it."""

    def __init__(self, root: Path, session: Session) -> None:
        self.root = root
        self.session = session
        self.lock = threading.RLock()
        self._buffers: dict[Path, str] = {}  # open documents' texts, by their path in the bank
        # what the client was last sent for each file (display path -> findings), so an edit
        # republishes only the files whose diagnostics changed
        self.published: dict[str, tuple[Finding, ...]] = {}
        self.dropped = False  # let go (its workspace folder was removed): nothing more is done for it

    @classmethod
    def open(cls, root: Path) -> BankState:
        """The bank at `root`, configured as `mlbank lint` would be from the bank's folder: the
        `[tool.mlbank]` (or mlbank.toml) nearest above it; raises ConfigError for a broken one."""
        root = real_path(root)
        config = find_config(root)
        selection = selection_from(config, LintOptions())
        # The CLI's claims cache is shared: a verdict proven once is not proven again by either.
        claims = cache_dir_for(config.root) / "claims"
        # jobs=1: the server lints in its own process. A lint may be under way when the client says
        # exit, and the server leaves at once (server.run); worker processes of an abandoned pool
        # (from a fork server, as threads run here: mlbank.engine.runners) would outlive it.
        return cls(root, Session(root, selection, claims_cache=claims, jobs=1))

    def holds(self, path: Path) -> bool:
        """Whether `path` (absolute, real) is a file of this bank."""
        return path.is_relative_to(self.root)

    def text(self, path: Path) -> str | None:
        """The open buffer's text, else the file as on disk (None when it cannot be read as text)."""
        buffered = self._buffers.get(path)
        if buffered is not None:
            return buffered
        return read_source(path).text

    def buffer(self, path: Path) -> str | None:
        """The open buffer's text; None when the document is not open."""
        return self._buffers.get(path)

    def open_paths(self) -> list[Path]:
        """The bank files the editor has open, sorted."""
        return sorted(list(self._buffers))

    def set_buffer(self, path: Path, text: str) -> None:
        self._buffers[path] = text

    def drop_buffer(self, path: Path) -> None:
        self._buffers.pop(path, None)
