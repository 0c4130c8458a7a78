"""Which style a scalar can take and still read back as itself: plain, literal block or quoted.

Every loader a bank file may meet counts: mlbank's own (libyaml, YAML 1.1 in flow context),
ruamel's (YAML 1.2) and, for plain text, YAML 1.1 loaders (`yes`, `n`). Numbers keep the text
they were written as (`Verbatim`).
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Any

from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.resolver import VersionedResolver
from ruamel.yaml.scalarstring import FoldedScalarString, LiteralScalarString

from mlbank.loader import resolve_plain

# Characters YAML treats as line breaks or byte-order marks in some version: never left bare.
_BREAKLIKE = frozenset("\r\x85\u2028\u2029\ufeff")
PLAIN_FIRST_BAD = frozenset("#,[]{}&*!|>'\"%@`?:")  # cannot start a plain scalar (or a folded line)


@cache
def _resolvers() -> tuple[VersionedResolver, VersionedResolver]:
    """ruamel's resolvers for YAML 1.1 and 1.2, in that order."""
    return VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2))


class Verbatim:
    """A number written exactly as the source wrote it.

    ruamel re-renders numbers from its own width/precision bookkeeping and can lose digits
    (4.670519295999274e+51 came back as ...273e+51), so numbers keep their source text.
    """

    __slots__ = ("tag", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.tag = str(_resolvers()[1].resolve(ScalarNode, text, (True, False)))


def _reads_as_string(text: str, yaml11: bool) -> bool:
    if resolve_plain(text) != text:
        return False
    resolvers = _resolvers() if yaml11 else _resolvers()[1:]
    return all(str(r.resolve(ScalarNode, text, (True, False))).endswith(":str") for r in resolvers)


@lru_cache(maxsize=8192)  # keys and short values repeat across a bank's files
def plain_ok(text: str, flow: bool = False, yaml11: bool = True) -> bool:
    """Whether `text` can be written unquoted (in flow context if `flow`) and read back as itself,
    by our loader, by ruamel (YAML 1.2) and, if `yaml11`, by YAML 1.1 loaders too (`yes`, `n`).

    Deliberately stricter than YAML: no ': ' or ' #', no leading indicator except '-' before a
    non-space, and in flow context no flow indicators, '?' or ':' anywhere (libyaml, which our
    loader uses, follows YAML 1.1 there).
    """
    if not text or text != text.strip(" ") or text[0] in PLAIN_FIRST_BAD:
        return False
    if not all(ch == " " or (ch.isprintable() and ch not in _BREAKLIKE) for ch in text):
        return False
    if text[0] == "-" and (len(text) == 1 or text[1] == " "):
        return False
    if text.startswith(("---", "...")) or (flow and any(c in text for c in ",[]{}?:")):
        return False
    if ": " in text or text.endswith(":") or " #" in text or "\t" in text:
        return False
    return _reads_as_string(text, yaml11)


# What `literal_ok` allows, as one character class: tab, line feed and `yaml_printable` (a regex scans
# prose ~20x faster than a per-character test; tests hold the two equal on every code point).
_BLOCK_TEXT = re.compile(
    "[\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]*"
)


def literal_ok(text: str) -> bool:
    """Whether `text` can be a literal block scalar that reads back exactly.

    A block holds any character YAML calls printable, tabs and trailing spaces included (the
    formatter's emitter writes them); not control characters, nor the line separators YAML 1.1
    and 1.2 read differently.
    """
    return bool(text) and _BLOCK_TEXT.fullmatch(text) is not None


def yaml_printable(ch: str) -> bool:
    """YAML's printable characters (c-printable), less line breaks, the byte-order mark and tab."""
    wide = "\xa0" <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"
    return ("\x20" <= ch <= "\x7e" or wide) and ch not in _BREAKLIKE


def why_not_block(text: str, path: tuple[Any, ...], flow: bool) -> str:
    """Why a text written as a block cannot stay one: it stands where the canonical form has a flow
    collection (`flow`: no block can stand inside `[...]` or `{...}`), or it holds a character no
    block can."""
    from mlbank.rules.base import dotted

    if flow:
        return (
            f"{dotted(path)} is a | block inside a collection that fmt writes in flow style ([...] "
            "or {...}), where no block can stand: write the value on one line"
        )
    char = next(ch for ch in text if not (ch in "\t\n" or yaml_printable(ch)))
    return (
        f"{dotted(path)} holds U+{ord(char):04X} (a control character, line separator or byte-order "
        "mark), which a | block cannot hold: remove or replace it"
    )


def is_block(value: Any) -> bool:
    """Whether a round-trip value is a block scalar (`|` or `>`)."""
    return isinstance(value, (LiteralScalarString, FoldedScalarString))


def is_collection(value: Any) -> bool:
    """Whether a round-trip value is a mapping or a sequence."""
    return isinstance(value, (dict, list))
