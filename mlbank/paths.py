"""Where bank files live. Standard library only: the warm-cache path imports this, not the loader."""

from __future__ import annotations

import os
from pathlib import Path

BANK_FILE = "bank.yaml"
TOPICS_FILE = "topics.yaml"
QUESTIONS_DIR = "questions"
SCHEMA_DIR = "schema"  # the JSON Schemas that bank files' `# yaml-language-server` lines name
PROJECT_FILES = ("mlbank.toml", "pyproject.toml")  # where mlbank.config looks for the configuration
YAML_SUFFIXES = (".yaml", ".yml")


def kind_of(path: Path) -> str:
    """Which model a bank file follows, by its name: bank, topics or question."""
    if path.name == BANK_FILE:
        return "bank"
    if path.name == TOPICS_FILE:
        return "topics"
    return "question"


def real_path(path: Path) -> Path:
    """The canonical path, without raising on a symlink loop (Path.resolve() does, in 3.11)."""
    return Path(os.path.realpath(path))


def bank_order(path: Path) -> list[str]:
    """The sort key that puts question files in bank order (as question_files lists them)."""
    return str(path).split(os.sep)


def hidden(name: str) -> bool:
    """A dot-file or dot-folder: never part of the bank (editors' and tools' own files, drafts)."""
    return name.startswith(".")


def is_question_file(path: Path, root: Path) -> bool:
    """`path` (spelt from `root`) is one question_files(root) would list, if it exists."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return (
        len(parts) > 1
        and parts[0] == QUESTIONS_DIR
        and path.name.endswith(YAML_SUFFIXES)
        and not any(hidden(part) for part in parts[1:])
    )


def question_files(root: Path) -> list[Path]:
    """Question files under root/questions, sorted; symlinked directories are not followed."""
    found: list[str] = []
    for folder, dirs, files in os.walk(root / QUESTIONS_DIR, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not hidden(d))
        found.extend(os.path.join(folder, f) for f in files if f.endswith(YAML_SUFFIXES) and not hidden(f))
    # Sorted as Paths compare (by parts), but on strings split once: Path.__lt__ is slow in bulk.
    return [Path(f) for f in sorted(found, key=lambda f: f.split(os.sep))]


def find_bank(start: Path) -> Path | None:
    """The bank a path belongs to: the nearest directory at or above it holding bank.yaml."""
    here = real_path(start)
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / BANK_FILE).is_file():
            return candidate
    return None


def project_root(start: Path) -> Path:
    """The project a path belongs to: the nearest folder at or above it holding mlbank.toml or
    pyproject.toml; failing that, the folder above the nearest bank; failing that, `start` itself.

    The schema folder lives here (`mlbank init`, `mlbank schema --write`), as in this repository.
    """
    here = real_path(start)
    for folder in (here, *here.parents):
        if any((folder / name).is_file() for name in PROJECT_FILES):
            return folder
    bank = find_bank(here)
    return bank.parent if bank is not None else here
