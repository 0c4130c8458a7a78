"""Finding and loading a whole bank: bank.yaml, topics.yaml and bank/questions/<section>/*.yaml."""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlbank.loader import Document, SchemaError, load_document
from mlbank.paths import (
    BANK_FILE,
    QUESTIONS_DIR,
    TOPICS_FILE,
    YAML_SUFFIXES,
    find_bank,
    question_files,
    real_path,
)

__all__ = [
    "BANK_FILE",
    "QUESTIONS_DIR",
    "TOPICS_FILE",
    "YAML_SUFFIXES",
    "Bank",
    "find_bank",
    "load_bank",
    "question_files",
    "real_path",
]


@dataclass(frozen=True)
class Bank:
    """Every document of one bank, in a stable order (bank, topics, then questions by path)."""

    root: Path
    meta: Document | None
    topics: Document | None
    questions: tuple[Document, ...]
    # A worker's share of a large bank: bank.yaml and topics.yaml are there to look things up in,
    # but they are not this part's to lint (the parent lints them once).
    questions_only: bool = False

    @property
    def documents(self) -> Iterator[Document]:
        if not self.questions_only:
            for doc in (self.meta, self.topics):
                if doc is not None:
                    yield doc
        yield from self.questions


@functools.cache
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


def load_bank(root: Path, cwd: Path | None = None) -> Bank:
    meta, topics = load_meta(root, cwd)
    return Bank(root, meta, topics, load_questions(question_files(root), cwd))


def load_meta(root: Path, cwd: Path | None = None) -> tuple[Document | None, Document | None]:
    """bank.yaml and topics.yaml, each None when absent."""
    meta_path, topics_path = root / BANK_FILE, root / TOPICS_FILE
    return (
        _load(meta_path, "bank", cwd) if meta_path.exists() else None,
        _load(topics_path, "topics", cwd) if topics_path.exists() else None,
    )


def load_questions(paths: list[Path], cwd: Path | None = None) -> tuple[Document, ...]:
    base = cwd or Path.cwd()
    return tuple(_load(p, "question", base) for p in paths)


def _load(path: Path, kind: str, cwd: Path | None) -> Document:
    return load_document(path, display_path(path, cwd or Path.cwd()), validator(kind))
