"""The one error the formatter raises: the file cannot be put in canonical form safely."""

from __future__ import annotations


class FormatError(Exception):
    """The file cannot be formatted; the message says why (the file itself is left alone)."""
