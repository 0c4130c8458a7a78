"""Finding and loading a whole bank: bank.yaml, topics.yaml and bank/questions/<section>/*.yaml."""

from __future__ import annotations

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
