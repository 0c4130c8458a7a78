"""ruamel's round-trip machinery, set up for bank files: numbers kept as written, and an emitter
that writes what ruamel's own gets wrong.

ruamel's emitter folds a double-quoted string after an escape so that it gains a space, folds long
plain keys, and ends folded plain lines in a space; `_Emitter` writes those itself.
"""

from __future__ import annotations

import re
import sys
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.emitter import RoundTripEmitter, ScalarAnalysis
from ruamel.yaml.representer import RoundTripRepresenter

from mlbank.formatter.layout import WIDTH
from mlbank.formatter.scalars import PLAIN_FIRST_BAD, Verbatim, yaml_printable

_CHOSEN = frozenset({"|", '"'})  # scalar styles the emitter takes as given (see `analyze_scalar`)
_SINGLE_SPACE = re.compile(r"(?<! ) (?! )")  # where a plain scalar may fold: one space between words


class _Constructor(RoundTripConstructor):
    def construct_verbatim(self, node: Any) -> Verbatim:
        return Verbatim(str(node.value))


class _Representer(RoundTripRepresenter):
    def represent_verbatim(self, data: Verbatim) -> Any:
        return self.represent_scalar(data.tag, data.text)


class _Emitter(RoundTripEmitter):
    def write_double_quoted(self, text: Any, split: Any = True) -> None:
        """A double-quoted scalar, folded at the width the way YAML reads it back.

        Every fold ends in an escaped line break, and a space that starts a continuation line is
        escaped too. ruamel's own version leaves the backslash out where it guesses a bare line
        break will do; after an escape sequence that guess is wrong and a space appears in the data.
        """
        self.write_indicator('"', True)
        start = end = 0
        while end <= len(text):
            ch = text[end] if end < len(text) else None
            if ch is None or ch in '"\\\x85\u2028\u2029\ufeff' or not self._printable(ch):
                if start < end:
                    self._put(text[start:end])
                    start = end
                if ch is not None:
                    self._put(self._escape(ch))
                    start = end + 1
            fold = 0 < end < len(text) - 1 and (ch == " " or start >= end)
            if fold and split and self.column + (end - start) > self.best_width:
                self._put(text[start:end] + "\\")
                start = max(start, end)
                self.write_indent()
                self.whitespace = self.indention = False
                if text[start] == " ":
                    self._put("\\")
            end += 1
        self.write_indicator('"', False)

    def analyze_scalar(self, scalar: Any) -> Any:
        """What the emitter needs to know of a scalar, computed cheaply for `|` and `"` scalars.

        ruamel scans every character of every scalar to learn which styles it could take. A scalar
        the canonical walk made literal or double-quoted gets that style whatever the scan finds
        (`choose_scalar_style` returns `"` at once, and `|` or else `"` after setting allow_block),
        so of its analysis only `scalar`, `empty` and `multiline` are ever read (`check_simple_key`,
        `process_scalar`); for those scalars the scan of the prose is skipped.
        """
        if scalar and getattr(self.event, "style", None) in _CHOSEN:
            multiline = any(c in scalar for c in "\n\x85\u2028\u2029")
            return ScalarAnalysis(scalar, False, multiline, False, False, False, True, True)
        return super().analyze_scalar(scalar)

    def write_literal(self, text: Any, comment: Any = None) -> None:
        """A literal block, written a line at a time: the calls ruamel's own version makes a
        character at a time (an indent before each non-empty line, a break for each line feed, a
        break after a last line that has none), so the same text. Text holding a line break other
        than a line feed, or at the root, goes to ruamel's version (`literal_ok` refuses such text)."""
        if self.root_context or any(c in text for c in "\x85\u2028\u2029"):
            super().write_literal(text, comment)
            return
        hints, _, indicator = self.determine_block_hints(text)
        self.write_indicator("|" + hints + (comment if isinstance(comment, str) else ""), True)
        if indicator == "+":
            self.open_ended = True
        self.write_line_break()
        lines = text.split("\n")
        for i, line in enumerate(lines):
            if i:
                self.write_line_break()
            if line:
                self.write_indent()
                self.stream.write(line.encode(self.encoding) if self.encoding else line)
        if lines[-1]:
            self.write_line_break()

    def write_plain(self, text: Any, split: Any = True) -> None:
        """A plain scalar, folded at single spaces so that lines stay within the width.

        ruamel's own version leaves a space at the end of each folded line, and folds inside simple
        keys, where a line break is not allowed. fmt never writes multi-line plain text; that (and
        keys) goes to ruamel unfolded.
        """
        if self.root_context or not text or not split or any(c in text for c in "\n\x85\u2028\u2029"):
            width, self.best_width = self.best_width, sys.maxsize
            try:
                super().write_plain(text, split)
            finally:
                self.best_width = width
            return
        if not self.whitespace:
            self._put(" ")
        self.whitespace = self.indention = False
        for i, word in enumerate(_SINGLE_SPACE.split(text)):
            if i == 0:
                pass
            elif self._fits(word) or word[0] in PLAIN_FIRST_BAD or word[0] == "-":
                self._put(" ")
            else:
                self.write_indent()
                self.whitespace = self.indention = False
            self._put(word)

    def _fits(self, word: str) -> bool:
        return self.column + 1 + len(word) <= self.best_width or self.column <= (self.indent or 0)

    def _printable(self, ch: str) -> bool:
        return "\x20" <= ch <= "\x7e" or (bool(self.allow_unicode) and yaml_printable(ch))

    def determine_block_hints(self, text: Any) -> Any:
        """A block whose text starts with a tab states its indentation (`|2`): libyaml reads a tab
        where it looks for the indentation as an error."""
        hints, indent, indicator = super().determine_block_hints(text)
        if text.startswith("\t"):
            return "2" + hints, 2, indicator
        return hints, indent, indicator

    def _escape(self, ch: str) -> str:
        if ch in self.ESCAPE_REPLACEMENTS:
            return "\\" + self.ESCAPE_REPLACEMENTS[ch]
        if ch <= "\xff":
            return f"\\x{ord(ch):02X}"
        return f"\\u{ord(ch):04X}" if ch <= "\uffff" else f"\\U{ord(ch):08X}"

    def _put(self, data: str) -> None:
        self.column += len(data)
        self.stream.write(data.encode(self.encoding) if self.encoding else data)


_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.construct_verbatim)
_Constructor.add_constructor("tag:yaml.org,2002:float", _Constructor.construct_verbatim)
_Representer.add_representer(Verbatim, _Representer.represent_verbatim)


def round_trip() -> YAML:
    """A round-trip YAML that reads numbers as `Verbatim` and writes the canonical indentation and width."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Emitter = _Emitter
    yaml.Representer = _Representer
    yaml.width = WIDTH
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.allow_unicode = True
    return yaml
