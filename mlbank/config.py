"""Project configuration: `[tool.mlbank]` in pyproject.toml, or an mlbank.toml, found from a directory up."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, NamedTuple

from mlbank.exit_codes import UsageError


class ConfigError(UsageError):
    """A configuration file that cannot be used; the message says which file and what to fix."""


class Config(NamedTuple):
    root: Path  # the directory holding the config file (or the start directory)
    bank: Path | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = {}  # noqa: RUF012 - never mutated
    severity: dict[str, str] = {}  # noqa: RUF012
    strict: bool = False
    review_max_age: int | None = None  # days; None: reviews never expire
    source: Path | None = None


def find_config(start: Path) -> Config:
    """The nearest mlbank.toml, or pyproject.toml with a [tool.mlbank] table, at or above `start`."""
    here = start.resolve()
    for folder in (here, *here.parents):
        own = folder / "mlbank.toml"
        if own.is_file():
            return _parse(own, _read(own))
        project = folder / "pyproject.toml"
        if project.is_file():
            table = _read(project, only_if="mlbank").get("tool", {}).get("mlbank")
            if isinstance(table, dict):
                return _parse(project, table)
    return Config(root=here)


def _read(path: Path, only_if: str = "") -> dict[str, Any]:
    """The TOML file's tables; {} without parsing when `only_if` does not occur in it (a pyproject
    that never says "mlbank" has no [tool.mlbank]: a warm lint need not import a TOML parser)."""
    try:
        text = path.read_text(encoding="utf-8")
        return parse_toml(text) if only_if in text else {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc}") from None


def parse_toml(text: str) -> dict[str, Any]:
    """Parsed TOML (tomllib from 3.11, tomli before); a syntax error is a ValueError (TOMLDecodeError)."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib.loads(text)


_KEYS = {
    "bank",
    "select",
    "ignore",
    "extend-select",
    "per-file-ignores",
    "severity",
    "strict",
    "review-max-age",
}


def _parse(path: Path, table: dict[str, Any]) -> Config:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise ConfigError(
            f"{path}: unknown key(s) {', '.join(unknown)} in mlbank config; known: {', '.join(sorted(_KEYS))}"
        )
    root = path.parent
    bank = table.get("bank")
    return Config(
        root=root,
        bank=root / _str(path, "bank", bank) if bank is not None else None,
        select=_codes(path, "select", table.get("select", [])),
        ignore=_codes(path, "ignore", table.get("ignore", [])),
        extend_select=_codes(path, "extend-select", table.get("extend-select", [])),
        per_file_ignores={
            _str(path, "per-file-ignores", k): _codes(path, "per-file-ignores", v)
            for k, v in _table(path, "per-file-ignores", table.get("per-file-ignores", {})).items()
        },
        severity={
            _str(path, "severity", k): _severity(path, v)
            for k, v in _table(path, "severity", table.get("severity", {})).items()
        },
        strict=_bool(path, "strict", table.get("strict", False)),
        review_max_age=_days(path, "review-max-age", table.get("review-max-age")),
        source=path,
    )


def _str(path: Path, key: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ConfigError(f"{path}: '{key}' must be a string")
    return value


def _codes(path: Path, key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: '{key}' must be a list of rule codes or names")
    return tuple(value)


def _table(path: Path, key: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ConfigError(f"{path}: '{key}' must be a table")
    return value


def _severity(path: Path, value: Any) -> str:
    if value not in ("error", "warning"):
        raise ConfigError(f'{path}: severity must be "error" or "warning", not {value!r}')
    return str(value)


def _bool(path: Path, key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"{path}: '{key}' must be true or false")
    return value


def _days(path: Path, key: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ConfigError(f"{path}: '{key}' must be a whole number of days, at least 1 (e.g. 365)")
    return value
