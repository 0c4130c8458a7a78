"""Finding and loading a whole bank: bank.yaml, topics.yaml and bank/questions/<section>/*.yaml."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlbank.loader import Document, SchemaError, load_document

BANK_FILE = "bank.yaml"
TOPICS_FILE = "topics.yaml"
QUESTIONS_DIR = "questions"
YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Bank:
    """Every document of one bank, in a stable order (bank, topics, then questions by path)."""

    root: Path
    meta: Document | None
    topics: Document | None
    questions: tuple[Document, ...]

    @property
    def documents(self) -> Iterator[Document]:
        for doc in (self.meta, self.topics):
            if doc is not None:
                yield doc
        yield from self.questions


def validator(kind: str) -> Any:
    """A function data -> (model or None, schema errors) for one file kind."""
    from pydantic import ValidationError

    from mlbank.model import MODELS

    model_type = MODELS[kind]

    def validate(data: Any) -> tuple[Any, tuple[SchemaError, ...]]:
        try:
            return model_type.model_validate(data), ()
        except ValidationError as exc:
            errors = tuple(
                SchemaError(tuple(e["loc"]), e["type"], e["msg"], e.get("input")) for e in exc.errors()
            )
            return None, errors

    return validate


def display_path(path: Path, base: Path) -> str:
    """A path as the user should see it: relative to the working directory when possible."""
    try:
        return os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return str(path)


def real_path(path: Path) -> Path:
    """The canonical path, without raising on a symlink loop (Path.resolve() does, in 3.11)."""
    return Path(os.path.realpath(path))


def question_files(root: Path) -> list[Path]:
    """Question files under root/questions, sorted; symlinked directories are not followed."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root / QUESTIONS_DIR, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        found.extend(Path(folder) / f for f in files if f.endswith(YAML_SUFFIXES) and not f.startswith("."))
    return sorted(found)


def load_bank(root: Path, cwd: Path | None = None) -> Bank:
    base = cwd or Path.cwd()

    def load(path: Path, kind: str) -> Document:
        return load_document(path, display_path(path, base), validator(kind))

    meta_path, topics_path = root / BANK_FILE, root / TOPICS_FILE
    return Bank(
        root=root,
        meta=load(meta_path, "bank") if meta_path.exists() else None,
        topics=load(topics_path, "topics") if topics_path.exists() else None,
        questions=tuple(load(p, "question") for p in question_files(root)),
    )


def find_bank(start: Path) -> Path | None:
    """The bank a path belongs to: the nearest directory at or above it holding bank.yaml."""
    here = start.resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / BANK_FILE).is_file():
            return candidate
    return None
