"""When each question file last changed: the time Anki compares to decide whether to update a note.

Anki replaces a note on import only when the incoming note's modification time is newer than the
learner's copy, so the time must grow when a question changes and stay put when it does not (which
also keeps an unchanged bank's export byte-identical). The file's own history gives exactly that:

- a file committed and unchanged since: the committer time of the last commit that touched it,
  following the first-parent history, so a merged change counts from when it landed;
- a file with uncommitted changes, an untracked file, or a bank outside git: its filesystem mtime.

One `git status` and one `git log` pass cover the whole bank; git missing or failing means mtimes.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable
from pathlib import Path

GIT_TIMEOUT = 30.0


def last_changed(paths: Iterable[Path], root: Path) -> dict[Path, int]:
    """Path -> unix seconds of its last change, for every path (all under the bank `root`)."""
    wanted = {p.resolve() for p in paths}
    committed = _commit_times(root.resolve(), wanted)
    return {p: committed.get(p) or int(p.stat().st_mtime) for p in wanted}


def _commit_times(root: Path, wanted: set[Path]) -> dict[Path, int]:
    top = _git(root, "rev-parse", "--show-toplevel")
    if top is None:
        return {}
    top_dir = Path(top.strip()).resolve()
    dirty = _dirty(top_dir, root)
    if dirty is None:
        return {}
    log = _git(top_dir, "log", "--first-parent", "--format=@@%ct", "--name-only", "--", str(root))
    if log is None:
        return {}
    times: dict[Path, int] = {}
    stamp = 0
    for line in log.splitlines():
        if line.startswith("@@"):
            stamp = int(line[2:])
        elif line:
            path = (top_dir / line).resolve()
            if path in wanted and path not in dirty:
                times.setdefault(path, stamp)  # newest first: the first time seen is the last change
    return times


def _dirty(top: Path, root: Path) -> set[Path] | None:
    """Files under root that differ from HEAD or are untracked."""
    out = _git(top, "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", str(root))
    if out is None:
        return None
    dirty: set[Path] = set()
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) > 3:
            dirty.add((top / entry[3:]).resolve())
            if entry[0] in "RC":
                next(entries, None)  # a rename's second field is the old name
    return dirty


def _git(cwd: Path, *args: str) -> str | None:
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0", "LC_ALL": "C"}
    try:
        done = subprocess.run(
            ["git", "-c", "core.quotePath=false", *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            timeout=GIT_TIMEOUT,
            env=env,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None
