"""The one exception of the claims engine: a claim that cannot be checked as it is written.

Every message says what is wrong and what to do; ``column`` (1-based, in the text that failed) and
``field`` (``expr``, ``says``, ``where 'd'`` ...) let the linter point at the exact place.
"""

from __future__ import annotations


class ClaimError(Exception):
    """A claim text that is refused: unparseable, unsafe, unbound or malformed."""

    def __init__(self, message: str, column: int | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.column = column
        self.field = field

    def in_field(self, field: str) -> ClaimError:
        """The same error, told which claim field it came from (the first field named wins)."""
        return ClaimError(self.message, self.column, self.field or field)

    def describe(self) -> str:
        """The message as a reader sees it: a sentence, prefixed by the field when known."""
        text = f"{self.field}: {self.message}" if self.field else self.message
        return text if text.endswith(".") else text + "."

    def __str__(self) -> str:
        return self.describe()
