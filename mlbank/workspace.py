"""Finding banks and their files, for every command: which bank a path belongs to, which bank the
configuration names by default, and which files of a bank a command works on.

Standard library, mlbank.paths, mlbank.config and mlbank.exit_codes only: the warm lint path imports
this.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from mlbank.config import Config, find_config
from mlbank.exit_codes import UsageError
from mlbank.paths import BANK_FILE, TOPICS_FILE, find_bank, question_files, real_path

__all__ = [
    "Target",
    "bank_files",
    "bank_root",
    "banks_under",
    "default_bank",
    "files_to_format",
    "question_files",
    "resolve_targets",
]


class Target(NamedTuple):
    bank: Path
    only: tuple[Path, ...] | None  # None: the whole bank


def resolve_targets(paths: list[Path], config: Config) -> list[Target]:
    """Which banks to load and which of their files to report on."""
    if not paths:
        return [Target(default_bank(config), None)]
    targets: dict[Path, list[Path] | None] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if path.is_dir() and (path / BANK_FILE).is_file():
            targets[path.resolve()] = None
            continue
        bank = find_bank(path)
        if bank is None:
            raise UsageError(f"{path}: not inside a bank (no {BANK_FILE} in it or any folder above)")
        files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
        listed = targets.setdefault(bank, [])
        if listed is not None:
            listed.extend(files)
    return [Target(b, None if o is None else tuple(o)) for b, o in targets.items()]


def default_bank(config: Config) -> Path:
    candidates = [config.bank] if config.bank is not None else [Path("bank"), Path(".")]
    for candidate in candidates:
        if candidate is not None and (candidate / BANK_FILE).is_file():
            return candidate.resolve()
    if config.bank is not None:  # configured, so a bank was started: it moved, or the path is wrong
        raise UsageError(f"no bank found: {config.bank / BANK_FILE} does not exist; pass the bank directory")
    raise UsageError(
        f"no bank found: {Path('bank') / BANK_FILE} does not exist; pass the bank directory, "
        "or start a bank here with `mlbank init`"
    )


def bank_root(path: Path | None, config: Config) -> Path:
    """The bank a command works on: the default one, or the bank at or above `path`."""
    if path is None:
        return default_bank(config)
    if path.is_dir() and (path / BANK_FILE).is_file():
        return path.resolve()
    found = find_bank(path) if path.exists() else None
    if found is None:
        raise UsageError(f"{path}: not a bank (no {BANK_FILE} in it or any folder above)")
    return found


def bank_files(root: Path) -> list[Path]:
    """Every file of a bank: bank.yaml, topics.yaml and the question files."""
    own = [root / BANK_FILE, root / TOPICS_FILE]
    return [p for p in own if p.is_file()] + question_files(root)


def files_to_format(paths: list[Path], config: Config | None) -> list[Path]:
    """The files `mlbank fmt` works on: whole banks for bank folders, bank files under other folders,
    files as given; with no paths, the default bank of `config`."""
    if not paths:
        if config is None:
            raise UsageError("no bank found: pass the bank directory")
        return bank_files(default_bank(config))
    found: dict[Path, None] = {}
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        for file in _files_of(path):
            found.setdefault(file.resolve(), None)
    return list(found)


def _files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if (path / BANK_FILE).is_file():
        return bank_files(path)
    bank = find_bank(path)
    if bank is None:
        raise UsageError(f"{path}: not inside a bank (no {BANK_FILE} in it or any folder above)")
    inside = path.resolve()
    return [f for f in bank_files(bank) if f.resolve().is_relative_to(inside)]


# Folders a bank is never kept in, skipped when looking for banks under an editor's workspace folder.
_NOT_BANKS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})


def banks_under(folder: Path, depth: int = 3) -> list[Path]:
    """The banks an editor's workspace folder holds (real paths): the bank the folder is inside, or
    else the one its configuration names and those at most `depth` folders below it (hidden folders
    and virtual environments skipped). Raises ConfigError for a broken configuration."""
    inside = find_bank(folder)
    if inside is not None:
        return [inside]
    found: dict[Path, None] = {}
    configured = find_config(folder).bank
    if configured is not None and (configured / BANK_FILE).is_file():
        found[real_path(configured)] = None
    top = real_path(folder)
    for here, dirs, files in os.walk(top):
        if BANK_FILE in files:
            found.setdefault(Path(here), None)
            dirs.clear()  # a bank's own folders hold no other bank
            continue
        level = len(Path(here).relative_to(top).parts)
        dirs[:] = (
            [] if level >= depth else sorted(d for d in dirs if not d.startswith(".") and d not in _NOT_BANKS)
        )
    return list(found)
