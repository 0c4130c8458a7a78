"""The canonical layout as data: which field paths hold prose, quoted text and flow collections,
the line width, and the schema line (`# yaml-language-server: $schema=...`) every bank file starts with.

A field path pattern is a tuple of keys with "*" for any list index: ("worked", "*", "says").
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from mlbank.paths import SCHEMA_DIR, project_root

WIDTH = 100
_SCHEMA_FILES = {
    "question": "question.schema.json",
    "bank": "bank.schema.json",
    "topics": "topics.schema.json",
}
_HEADER = re.compile(r"^#\s*yaml-language-server:\s*\$schema=\S")

Pattern = tuple[str, ...]  # a field path with "*" for any list index

PROSE: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("prompt",),
            ("answer",),
            ("rubric", "strong_hire"),
            ("rubric", "lean_hire"),
            ("rubric", "no_hire"),
            ("companies", "*", "expects"),
        }
    ),
    "topics": frozenset({("topics", "*", "summary")}),
    "bank": frozenset({("description",), ("sections", "*", "description")}),
}
QUOTED: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("level",),
            ("companies", "*", "level"),
            ("worked", "*", "says"),
            ("worked", "*", "tolerance"),
            ("settings", "*"),  # numbers as written, like says
        }
    ),
    "topics": frozenset(),
    "bank": frozenset({("levels", "*", "id")}),
}
FLOW: dict[str, frozenset[Pattern]] = {
    "question": frozenset(
        {
            ("topics",),
            ("see",),
            ("worked", "*", "where"),
            ("worked", "*", "domain"),
            ("settings",),
            ("review", "*", "fields"),
        }
    ),
    "topics": frozenset(),
    "bank": frozenset(
        {
            ("practice", "plan", "*", "tasks", "*", "refs"),
            ("sections", "*", "round_minutes"),
            ("sections", "*", "questions_per_round"),
            ("sections", "*", "minutes_per_question"),
            ("companies", "*"),
            ("levels", "*"),
        }
    ),
}


def pattern_of(path: tuple[Any, ...]) -> Pattern:
    """The pattern a field path fits: its list indexes as "*"."""
    return tuple("*" if isinstance(p, int) else str(p) for p in path)


def matches(path: tuple[Any, ...], patterns: frozenset[Pattern]) -> bool:
    """Whether a field path is one of `patterns`."""
    return pattern_of(path) in patterns


def schema_header(path: Path, kind: str, schema_dir: Path | None = None) -> str:
    """The editor hint line for a file: a path to <kind>.schema.json relative to the file.

    The schemas are the ones in `schema_dir`, or else the nearest `schema/<kind>.schema.json` that
    exists between the file and its project root (mlbank.paths.project_root), so the line resolves
    wherever the project keeps them. With none there yet, it names the project root's `schema/`,
    where `mlbank init` and `mlbank schema --write` put them: writing them makes the line resolve.
    """
    folder = path.resolve().parent
    name = _SCHEMA_FILES[kind]
    target = schema_dir.resolve() / name if schema_dir is not None else _nearest_schema(folder, name)
    return "# yaml-language-server: $schema=" + Path(os.path.relpath(target, folder)).as_posix()


def _nearest_schema(folder: Path, name: str) -> Path:
    """Never above the project root: a schema/ folder there belongs to something else."""
    root = project_root(folder)
    for candidate in (folder, *folder.parents):
        if (candidate / SCHEMA_DIR / name).is_file():
            return candidate / SCHEMA_DIR / name
        if candidate == root:
            break
    return root / SCHEMA_DIR / name


def split_header(text: str) -> tuple[str | None, str]:
    """The schema line among the leading comments (if any), and the text without it."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if _HEADER.match(stripped):
            return stripped, "".join(lines[:i] + lines[i + 1 :])
        if stripped and not stripped.startswith("#"):
            break
    return None, text
