"""The one value every check produces: a Finding at a place in a file."""

from __future__ import annotations

from enum import Enum
from typing import NamedTuple


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


class Position(NamedTuple):
    """A 1-based line and column, as editors and CI annotations count them."""

    line: int
    column: int


class Finding(NamedTuple):
    """An immutable report: where, which rule, how bad, and what to do.

    Field order is the sort order, so sorted(findings) reads file by file, top to bottom.
    """

    path: str
    line: int
    column: int
    code: str
    name: str
    severity: Severity
    message: str

    def as_dict(self) -> dict[str, str | int]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "code": self.code,
            "name": self.name,
            "severity": self.severity.value,
            "message": self.message,
        }
