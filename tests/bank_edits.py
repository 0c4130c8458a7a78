"""Edits the tests make to copies of the real bank: exact, and loud when the text to change is gone."""

from __future__ import annotations

from pathlib import Path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answer_of(path: Path) -> str:
    """A question file's `answer: |` block, header line included."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    start = lines.index("answer: |\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith((" ", "\n")))
    return "".join(lines[start:end])


def replace_answer(path: Path, answer: str) -> None:
    edit(path, answer_of(path), answer)
