"""Will KaTeX render this formula? The first problem it would stop at, with its offset and a fix.

The check follows KaTeX's own parser (katex/src/Parser.ts) step for step: an expression is a run of
atoms, an atom is a group with ^, _ and primes after it, a group is a braced expression, a command
with its arguments, or a symbol. What KaTeX knows (commands with the kinds of their arguments,
environments, delimiters, characters) is data generated from KaTeX itself (mlbank/katex_data.py);
what is syntax (\\left ... \\right, \\begin ... \\end, rows and columns, scripts) is code here.
mlbank refuses some of what KaTeX has: commands that need its `trust` option (\\href, \\url,
\\includegraphics, \\htmlClass, \\htmlId, \\htmlStyle, \\htmlData), which published pages must not
carry; macro definitions (\\def, \\newcommand, ...), which KaTeX forgets after each formula and
MathJax keeps for the whole page; and TeX programming (\\expandafter, \\show, KaTeX's internal
\\...@... commands). The checker does not run macros, so where KaTeX pastes a macro's argument into
its expansion, the argument is checked as a formula of its own: `\\pod_i` is reported, though KaTeX
happens to render it.

Bounded on any input: one pass over the tokens, no Python recursion (the parse functions are
generators run by an explicit stack, `_run`), and nesting deeper than TeX's 255 grouping levels is
reported rather than followed. KaTeX itself has no fixed limit: it runs out of stack somewhere past
a thousand levels, depending on the JavaScript engine. Inside a commutative diagram (\\begin{CD}),
the arrow syntax is not checked.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import NamedTuple, TypeAlias

from mlbank.katex_data import DISPLAY, MATH, TEXT, Command, Environment, KaTeX, katex
from mlbank.tex_tokens import EOF, LexError, Token, ends_early, tokens

MAX_DEPTH = 255  # TeX's own limit on nested groups
MAX_EXPANSIONS = 1000  # KaTeX's default maxExpand
_SUPPORTED = "https://katex.org/docs/supported.html"

_END_OF_EXPRESSION = frozenset(["}", "\\endgroup", "\\end", "\\right", "&"])  # Parser.endOfExpression
_ROW_END = frozenset(["\\\\", "\\cr"])
_SCRIPT = frozenset(["^", "_"])
_LIMITS = frozenset(["\\limits", "\\nolimits"])
_ATOM = "atom"  # the context of a group that is not an argument: only arguments refuse some commands
_SIZE_RUN = re.compile(r"[-+]? *(?:$|\d+|\d+\.\d*|\.\d*) *[a-z]{0,2} *", re.ASCII)  # Parser.parseSizeGroup
_SIZE = re.compile(r"([-+]?) *(\d+(?:\.\d*)?|\.\d+) *([a-z]{2})", re.ASCII)
_COLOR = re.compile(r"#[a-f0-9]{3,4}|#[a-f0-9]{6}|#[a-f0-9]{8}|[a-f0-9]{6}|[a-z]+", re.ASCII | re.IGNORECASE)
_DIGITS = {c: int(c, 16) for c in "0123456789abcdefABCDEF"}  # \char's digits, in any base up to 16
_COMBINING_MARKS = "".join(map(chr, range(0x300, 0x370)))

Step: TypeAlias = Iterator["Step"]  # a parse step; it yields the sub-steps to run before it resumes


class TexProblem(NamedTuple):
    offset: int  # where in the TeX source: the offending command or character, else the span's start
    message: str  # what is wrong and what to write instead


class _Stop(Exception):
    def __init__(self, at: int, message: str) -> None:
        super().__init__(message)
        self.problem = TexProblem(at, message)


def tex_problem(tex: str, *, display: bool = False) -> TexProblem | None:
    """The first thing that stops KaTeX rendering `tex` (display math for `$$...$$`), or None."""
    try:
        checker = _Checker(tokens(tex), display, katex())
        early = ends_early(tex)
    except LexError as error:
        return TexProblem(error.offset, _unreadable(error.char))
    if early is not None:
        return TexProblem(early.start, _ends_early(early.text))
    try:
        checker.check()
    except _Stop as stop:
        return stop.problem
    return None


def _run(root: Step) -> None:
    """Run a parse step and the steps it yields, depth first, on a list instead of the call stack."""
    stack = [root]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        else:
            stack.append(child)


class _Checker:
    def __init__(self, toks: list[Token], display: bool, data: KaTeX) -> None:
        self.toks = toks
        self.data = data
        self.display = display
        self.pos = 0
        self.ends = [len(toks) - 1]  # the EOF token; an argument narrows this to its own end
        self.mode = MATH
        self.depth = 0
        self.left_depth = 0  # open \left ... \right pairs, for \middle
        self.env_depth = 0  # open environments, where \cr ends a row
        self.expansions = 0
        self.closing = _match_braces(toks)
        # What the last group was, for the atom around it: set by _group, read right after it.
        self.parsed = False
        self.operator = False
        self.infix = False
        self.ends_atom = False

    def check(self) -> None:
        _run(self._expression(None))
        self._expect_end()

    # -- reading tokens

    def _peek(self) -> Token:
        end = self.ends[-1]
        if self.pos >= end:
            at = self.toks[end].start
            return Token(EOF, at, at)
        return self.toks[self.pos]

    def _skip_spaces(self) -> None:
        while self._peek().text == " ":
            self.pos += 1

    def _expect_end(self) -> None:
        tok = self._peek()
        if tok.text != EOF:
            raise self._stray(tok)

    # -- expressions, atoms, groups (Parser.parseExpression, parseAtom, parseGroup)

    def _expression(self, until: frozenset[str] | str | None) -> Step:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise _Stop(
                self._peek().start,
                f"the formula nests more than {MAX_DEPTH} groups deep (TeX's own limit): simplify it",
            )
        infix: Token | None = None
        while True:
            if self.mode == MATH:
                self._skip_spaces()
            tok, tok_index = self._peek(), self.pos
            if tok.text == EOF or tok.text in _END_OF_EXPRESSION or _ends(tok, until):
                break
            yield self._atom()
            if not self.parsed:
                break
            if self.pos == tok_index:  # nothing consumed: stop here rather than loop
                raise self._stray(tok)
            if self.infix:
                if infix is not None:
                    raise _Stop(
                        tok.start,
                        f"a second '{tok.text}' in one group: put each fraction in its own braces, or write \\frac{{a}}{{b}}",
                    )
                infix = tok
        self.depth -= 1

    def _atom(self) -> Step:
        yield self._group(_ATOM)
        parsed, operator, infix = self.parsed, self.operator, self.infix
        if self.mode == TEXT or (parsed and self.ends_atom):
            return
        sup = sub = False
        chars = self.data.characters
        while True:
            self._skip_spaces()
            tok = self._peek()
            if tok.text in _LIMITS and self.data.structural.get(tok.text):
                if not (parsed and operator):
                    raise _Stop(
                        tok.start, f"'{tok.text}' must follow a large operator such as \\sum, \\int or \\lim"
                    )
                self.pos += 1
            elif infix and (
                tok.text in _SCRIPT
                or tok.text == "'"
                or tok.text in chars.superscripts
                or tok.text in chars.subscripts
            ):
                raise _Stop(
                    tok.start,
                    f"'{tok.text}' after an infix command such as \\over has nothing to attach to: put the fraction in braces, {{a \\over b}}^2",
                )
            elif tok.text in _SCRIPT:
                if sup if tok.text == "^" else sub:
                    raise _Stop(tok.start, _double(tok.text))
                yield self._script(tok)
                sup, sub = sup or tok.text == "^", sub or tok.text == "_"
            elif tok.text == "'":
                if sup:
                    raise _Stop(tok.start, _double("^"))
                while self._peek().text == "'":
                    self.pos += 1
                if self._peek().text == "^":
                    yield self._script(self._peek())
                sup = True
            elif tok.text in chars.superscripts or tok.text in chars.subscripts:
                kind = chars.superscripts if tok.text in chars.superscripts else chars.subscripts
                while self._peek().text in kind:
                    self.pos += 1
                sup, sub = sup or kind is chars.superscripts, sub or kind is chars.subscripts
            else:
                break
            parsed = True
        self.parsed, self.operator, self.infix = parsed, operator, infix

    def _script(self, mark: Token) -> Step:
        """The operand of ^ or _ (Parser.handleSupSubscript): a group, a symbol, or one of the few
        commands KaTeX takes there without braces."""
        self.pos += 1
        self._skip_spaces()
        while self._transparent(self._peek()):  # \relax and the like: KaTeX reads past them
            yield self._command(self._peek(), _ATOM)
            self._skip_spaces()
        yield self._group("operand")
        if not self.parsed:
            raise _Stop(mark.start, _nothing_after(mark.text))

    def _group(self, context: str) -> Step:
        tok = self._peek()
        self.parsed, self.operator, self.infix, self.ends_atom = True, False, False, False
        if tok.text == "{" or (tok.text == "\\begingroup" and self._structural(tok)):
            self.pos += 1
            yield self._expression("}" if tok.text == "{" else "\\endgroup")
            self._expect_close(tok)
            self.parsed, self.operator, self.infix, self.ends_atom = True, False, False, False
        elif tok.text.startswith("\\") and not _is_verb(tok):
            yield self._command(tok, context)
        elif tok.text == "$":
            yield self._math_shift(tok, "$")
        else:
            self.parsed = self._symbol(tok)
            if self.parsed:
                self.pos += 1

    def _symbol(self, tok: Token) -> bool:
        if _is_verb(tok):
            return "\\verb" in self.data.structural
        base = tok.text.rstrip(_COMBINING_MARKS)
        if not base:
            return False
        chars = self.data.characters
        if ord(base[0]) < 0x80 and base not in (chars.text if self.mode == TEXT else chars.math):
            return False
        marks = chars.text_marks if self.mode == TEXT else chars.math_marks
        for mark in tok.text[len(base) :]:
            if mark not in marks:
                raise _Stop(
                    tok.start,
                    f"KaTeX cannot put the combining accent U+{ord(mark):04X} on '{base}': write the accented letter itself, or an accent command such as \\hat{{{base}}}",
                )
        return True

    def _math_shift(self, tok: Token, close: str) -> Step:
        """`$...$` or `\\(...\\)` inside \\text{...}: math again (KaTeX's function "$")."""
        if self.mode == MATH:
            raise _Stop(tok.start, "a '$' inside math: write \\$ for a dollar sign")
        self.pos += 1
        self.mode = MATH
        yield self._expression(close)
        if self._peek().text != close:
            if self._peek().text == EOF:
                raise _Stop(
                    tok.start, f"'{tok.text}' opens math inside the text that is never closed: add '{close}'"
                )
            raise self._stray(self._peek())
        self.pos += 1
        self.mode = TEXT

    # -- commands (Parser.parseFunction, parseArguments)

    def _command(self, tok: Token, context: str) -> Step:
        name = tok.text
        if name in self.data.refused:
            raise _Stop(tok.start, _refused(name, self.data.refused[name]))
        if name in self.data.structural:
            yield self._syntax(tok, context)
            return
        command = self.data.commands.get(name)
        if command is None:
            raise _Stop(tok.start, self._unknown(name))
        self._check_mode(tok, command.modes)
        if context != _ATOM and not command.bare_operand:
            raise _Stop(tok.start, _needs_braces(name, context))
        self.pos += 1
        self.expansions += command.expansions
        if self.expansions > MAX_EXPANSIONS:
            raise _Stop(
                tok.start,
                f"the formula uses more than {MAX_EXPANSIONS} macro expansions, where KaTeX gives up: shorten it",
            )
        if command.star:
            self._skip_spaces()
            if self._peek().text == "*":
                self.pos += 1
        yield self._arguments(tok, command)
        self.parsed, self.operator, self.infix = True, command.operator, command.infix
        self.ends_atom = command.ends_atom

    def _transparent(self, tok: Token) -> bool:
        command = self.data.commands.get(tok.text)
        return command is not None and command.transparent

    def _check_mode(self, tok: Token, modes: str) -> None:
        if self.mode == TEXT:
            if TEXT not in modes:
                raise _Stop(
                    tok.start,
                    f"'{tok.text}' works only in math, not inside \\text{{...}}: close the text before it, or write ${tok.text}$ inside the text",
                )
        elif MATH not in modes and not (self.display and DISPLAY in modes):
            if DISPLAY in modes:
                raise _Stop(
                    tok.start, f"'{tok.text}' works only in display math: write the formula between $$ and $$"
                )
            raise _Stop(tok.start, f"'{tok.text}' works only in text: write it inside \\text{{...}}")

    def _arguments(self, tok: Token, command: Command) -> Step:
        optional = False
        if command.optional is not None:
            self._skip_spaces()
            if self._peek().text == "[":
                optional = True
                yield self._optional(tok, command.optional)
        kinds = command.text_args if self.mode == TEXT else command.args
        for kind in kinds:
            if kind in ("delimiter", "bare_delimiter"):
                self._delimiter(tok, braced=kind == "delimiter")
            elif kind in ("size", "size_or_empty"):
                self._size(tok, empty=kind == "size_or_empty")
            elif kind == "color":
                self._color(tok)
            elif command.primitive and kind in ("math", "text") and not optional:
                yield self._primitive(tok, command)
            else:
                yield self._scanned(tok, command, kind)

    def _scanned(self, command_tok: Token, command: Command, kind: str) -> Step:
        """An argument as KaTeX's MacroExpander.consumeArg reads it: a braced group or one token,
        then parsed on its own (so `\\frac\\sqrt2` lacks \\sqrt's argument)."""
        start, end = self._argument_span(command_tok, len(command.args))
        if kind in ("raw", "other"):
            self.pos = self._after(start, end)
            return
        mode = TEXT if kind == "text" else MATH if kind == "math" else self.mode
        yield self._within(start, end, mode)
        self.pos = self._after(start, end)

    def _argument_span(self, command_tok: Token, count: int) -> tuple[int, int]:
        """The token range [start, end) of the next argument (inside its braces, if it has them)."""
        self._skip_spaces()
        tok = self._peek()
        if tok.text in (EOF, "}"):
            raise _Stop(command_tok.start, _missing_argument(command_tok.text, count))
        if tok.text == "{":
            close = self.closing.get(self.pos)
            if close is None or close > self.ends[-1]:
                raise _Stop(tok.start, "'{' is never closed: add the '}' that ends it")
            return self.pos + 1, close
        return self.pos, self.pos + 1

    def _after(self, start: int, end: int) -> int:
        """The token after an argument spanning [start, end): past its closing brace, if it has one."""
        braced = start > 0 and self.toks[start - 1].text == "{" and self.closing.get(start - 1) == end
        return end + 1 if braced else end

    def _within(self, start: int, end: int, mode: str) -> Step:
        """Parse tokens [start, end) as an expression of their own in `mode`, as KaTeX parses an
        argument it has cut out."""
        outer = self.mode
        self.ends.append(end)
        self.pos, self.mode = start, mode
        yield self._expression(None)
        self._expect_end()
        self.ends.pop()
        self.mode = outer

    def _primitive(self, command_tok: Token, command: Command) -> Step:
        """An argument KaTeX reads as a group in place (Parser.parseGroup): a bare command there
        takes its own arguments (\\sqrt\\frac12), if KaTeX allows it as an argument at all. Spaces
        are not skipped: after a control symbol (\\' a), KaTeX finds the space and no argument. A
        macro (\\pmod) pastes its argument into its expansion, where a command reads as any atom."""
        yield self._group(_ATOM if command.expansions else "argument")
        if not self.parsed:
            raise _Stop(command_tok.start, _missing_argument(command_tok.text, len(command.args)))

    def _optional(self, command_tok: Token, kind: str) -> Step:
        opening = self._peek()
        close = self._closing_bracket()
        if close is None:
            raise _Stop(opening.start, f"the '[' after '{command_tok.text}' is never closed: add ']'")
        self.pos += 1
        if kind == "math":
            yield self._within(self.pos, close, MATH)
        elif kind == "size":
            self._check_size(command_tok, opening, self._joined(self.pos, close), empty=False)
        self.pos = close + 1

    def _closing_bracket(self) -> int | None:
        """The `]` that ends the optional argument opening here: the first one outside braces."""
        i = self.pos + 1
        end = self.ends[-1]
        while i < end:
            text = self.toks[i].text
            if text == "]":
                return i
            if text == "}":
                return None
            if text == "{":
                close = self.closing.get(i)
                if close is None:
                    return None
                i = close
            i += 1
        return None

    def _delimiter(self, command_tok: Token, *, braced: bool = False) -> None:
        """A delimiter right after \\left, \\right, \\middle or \\big (which also takes {(})."""
        tok = self._peek()
        if braced and tok.text == "{" and self.closing.get(self.pos) is not None:
            inside = [t for t in self.toks[self.pos + 1 : self.closing[self.pos]] if t.text != " "]
            if len(inside) == 1 and inside[0].text in self.data.delimiters:
                self.pos = self.closing[self.pos] + 1
                return
        if tok.text not in self.data.delimiters:
            raise _Stop(
                tok.start if tok.text != EOF else command_tok.start, _bad_delimiter(command_tok.text, tok)
            )
        self.pos += 1

    def _size(self, command_tok: Token, *, empty: bool) -> None:
        self._skip_spaces()
        tok = self._peek()
        if tok.text == "{":
            start, end = self._argument_span(command_tok, 1)
            self._check_size(command_tok, tok, self._joined(start, end), empty=empty)
            self.pos = self._after(start, end)
            return
        text = ""  # a size without braces, as in \kern1em: the longest run of tokens that reads as one
        while self._peek().text != EOF and _SIZE_RUN.fullmatch(text + self._peek().text):
            text += self._peek().text
            self.pos += 1
        if not text:
            raise _Stop(
                tok.start if tok.text != EOF else command_tok.start, _bad_size(command_tok.text, tok.text)
            )
        self._check_size(command_tok, tok, text, empty=empty)

    def _check_size(self, command_tok: Token, at: Token, text: str, *, empty: bool) -> None:
        if not text and empty:
            return  # KaTeX reads an empty size as 0pt there (\genfrac, \kern)
        match = _SIZE.search(text)
        if match is None:
            raise _Stop(at.start, _bad_size(command_tok.text, text))
        if match.group(3) not in self.data.units:
            raise _Stop(
                at.start, f"'{match.group(3)}' is not a unit KaTeX knows: use em, ex, pt, mm, cm, in or mu"
            )

    def _color(self, command_tok: Token) -> None:
        tok = self._peek()
        start, end = self._argument_span(command_tok, 1)
        text = self._joined(start, end)
        if not _COLOR.fullmatch(text):
            raise _Stop(tok.start, f"'{text}' is not a colour: write a name such as red, or #rrggbb")
        self.pos = self._after(start, end)

    def _joined(self, start: int, end: int) -> str:
        return "".join(t.text for t in self.toks[start:end])

    # -- syntax: \left ... \right, \begin ... \end and the rest KaTeX handles specially

    def _structural(self, tok: Token) -> bool:
        modes = self.data.structural.get(tok.text, "")
        return (MATH if self.mode != TEXT else TEXT) in modes

    def _syntax(self, tok: Token, context: str) -> Step:
        name = tok.text
        self._check_mode(tok, self.data.structural[name])
        if name in ("\\right", "\\end", "\\endgroup", "\\)"):
            raise self._stray(tok)
        if name in ("\\hline", "\\hdashline"):
            raise _Stop(
                tok.start, f"'{name}' works only at the start of a row of an array or matrix environment"
            )
        if name == "\\verb":  # the lexer makes \verb|...| one token; a bare \verb has no delimiter
            raise _Stop(tok.start, "'\\verb' needs a delimiter around its text, as in \\verb|x^2|")
        if name in _LIMITS:
            self.parsed = False  # the atom reads them, after its base
            return
        if context != _ATOM:
            raise _Stop(tok.start, _needs_braces(name, context))
        if name == "\\char":
            self._char(tok)
            return
        if name == "\\cr":  # \\ then \relax inside an environment; undefined outside
            if not self.env_depth:
                raise _Stop(
                    tok.start, "'\\cr' ends a row only inside an environment such as \\begin{aligned}"
                )
            self.pos += 1
            return
        if name == "\\left":
            yield self._left_right(tok)
        elif name == "\\middle":
            if not self.left_depth:
                raise _Stop(tok.start, "'\\middle' works only between \\left and \\right")
            self.pos += 1
            self._delimiter(tok)
        elif name == "\\begin":
            yield self._environment(tok)
        elif name == "\\(":
            yield self._math_shift(tok, "\\)")
        self.parsed, self.operator, self.infix, self.ends_atom = True, False, False, False

    def _left_right(self, left: Token) -> Step:
        self.pos += 1
        self._delimiter(left)
        self.left_depth += 1
        yield self._expression(None)
        self.left_depth -= 1
        right = self._peek()
        if right.text != "\\right":
            if right.text == EOF:
                raise _Stop(
                    left.start,
                    "'\\left' has no matching '\\right': add one, such as \\right) (or \\right. for no delimiter)",
                )
            raise self._stray(right, inside="\\left ... \\right")
        self.pos += 1
        self._delimiter(right)

    def _char(self, tok: Token) -> None:
        """\\char"41, \\char65, \\char'101, \\char`a: KaTeX's \\char macro reads a number."""
        self.pos += 1
        first = self._peek()
        base = {"'": 8, '"': 16, "`": 0}.get(first.text, 10)
        if base != 10:
            self.pos += 1
        digit = self._peek()
        if base == 0:
            if digit.text == EOF:
                raise _Stop(tok.start, "'\\char`' needs the character after it")
            self.pos += 1
            return
        if _DIGITS.get(digit.text, base) >= base:
            raise _Stop(digit.start, f"'\\char' needs a base-{base} number after it, as in \\char\"41")
        while _DIGITS.get(self._peek().text, base) < base:
            self.pos += 1

    def _environment(self, begin: Token) -> Step:
        self.pos += 1
        name = self._environment_name(begin)
        environment = self.data.environments.get(name)
        if environment is None:
            raise _Stop(
                begin.start,
                f"unknown environment '{name}'{_suggest(name, self.data.environments)}: KaTeX cannot render it",
            )
        if environment.display_only and not self.display:
            raise _Stop(
                begin.start,
                f"{{{name}}} works only in display math: write the formula between $$ and $$, or use {{aligned}} or {{gathered}}",
            )
        columns = self._environment_arguments(begin, environment)
        if environment.optional == "alignment":
            self._alignment(name)
        self.env_depth += 1
        yield self._rows(begin, name, columns)
        self.env_depth -= 1
        end = self._peek()
        self.pos += 1
        closed = self._environment_name(end)
        if closed != name:
            raise _Stop(end.start, f"\\begin{{{name}}} is closed by \\end{{{closed}}}: make the names match")

    def _environment_name(self, command_tok: Token) -> str:
        start, end = self._argument_span(command_tok, 1)
        self.pos = self._after(start, end)
        return self._joined(start, end)

    def _environment_arguments(self, begin: Token, environment: Environment) -> int | None:
        """Read the environment's arguments; return how many columns a row may have, if limited."""
        limit = environment.max_columns
        for kind in environment.args:
            at = self._peek()
            start, end = self._argument_span(begin, 1)
            text = self._joined(start, end)
            self.pos = self._after(start, end)
            if kind == "columns":
                self._check_columns(at, text, environment)
            if kind == "count":
                if not text.isascii() or not text.isdigit() or int(text) < 1:
                    raise _Stop(
                        at.start, f"'{text}' is not a number of columns: write a positive whole number"
                    )
                limit = 2 * int(text)
        return limit

    def _check_columns(self, at: Token, spec: str, environment: Environment) -> None:
        letters = environment.column_letters
        if not set(spec) <= set(letters + " "):
            raise _Stop(
                at.start,
                f"'{spec}' is not a column spec KaTeX reads: use {', '.join(letters)} (one letter per column)",
            )
        named = sum(spec.count(c) for c in "lcr")
        if environment.spec_columns is not None and named > environment.spec_columns:
            raise _Stop(
                at.start,
                f"this environment takes {environment.spec_columns} column: write one letter, as {{c}}",
            )

    def _alignment(self, name: str) -> None:
        """The starred matrices' optional [l], [c] or [r] (katex/src/environments/array.ts)."""
        self._skip_spaces()
        if self._peek().text != "[":
            return
        self.pos += 1
        self._skip_spaces()
        tok = self._peek()
        if tok.text not in ("l", "c", "r"):
            raise _Stop(tok.start, f"{{{name}}} takes [l], [c] or [r] after it, to align its columns")
        self.pos += 1
        self._skip_spaces()
        if self._peek().text != "]":
            raise _Stop(self._peek().start, f"{{{name}}} takes [l], [c] or [r] after it: close it with ']'")
        self.pos += 1

    def _rows(self, begin: Token, name: str, limit: int | None) -> Step:
        """The body of an environment, cell by cell (katex/src/environments/array.ts parseArray)."""
        self._hlines()
        columns = 1
        while True:
            yield self._expression(_ROW_END)
            tok = self._peek()
            if tok.text == "&":
                if limit is not None and columns >= limit:
                    raise _Stop(
                        tok.start,
                        f"too many '&' in one row: {{{name}}} has at most {limit} column{'s' if limit > 1 else ''}",
                    )
                columns += 1
                self.pos += 1
            elif tok.text == "\\end":
                return
            elif tok.text in _ROW_END:
                self.pos += 1
                if tok.text == "\\\\" and self._peek().text == "[":  # a row gap: \\[2pt]
                    yield self._optional(tok, "size")
                columns = 1
                self._hlines()
            elif tok.text == EOF:
                raise _Stop(begin.start, f"\\begin{{{name}}} is never closed: add \\end{{{name}}}")
            else:
                raise self._stray(tok, inside=f"\\begin{{{name}}} ... \\end{{{name}}}")

    def _hlines(self) -> None:
        self._skip_spaces()
        while self._peek().text in ("\\hline", "\\hdashline"):
            self.pos += 1
            self._skip_spaces()

    # -- messages

    def _expect_close(self, opening: Token) -> None:
        closer = "}" if opening.text == "{" else "\\endgroup"
        tok = self._peek()
        if tok.text == closer:
            self.pos += 1
            return
        if tok.text == EOF:
            raise _Stop(opening.start, f"'{opening.text}' is never closed: add the '{closer}' that ends it")
        raise self._stray(tok, inside=f"{opening.text} ... {closer}")

    def _stray(self, tok: Token, inside: str = "") -> _Stop:
        """A token that ended an expression where it cannot stand."""
        where = f" inside {inside}" if inside else ""
        text = tok.text
        if text == EOF:
            message = "the formula ends too early"
        elif text == "}":
            message = "'}' closes nothing: delete it, or add the '{' it was meant to close"
        elif text == "&":
            message = f"'&'{where} separates columns only directly inside an environment such as \\begin{{aligned}} a &= b \\end{{aligned}}"
        elif text in ("\\right", "\\end", "\\endgroup", "\\)"):
            opener = {"\\right": "\\left", "\\end": "\\begin", "\\endgroup": "\\begingroup", "\\)": "\\("}[
                text
            ]
            message = f"'{text}' has no '{opener}' before it in the same group"
        elif text == "#":
            message = "'#' is TeX's macro parameter: write \\# for a number sign"
        elif text in _SCRIPT and self.mode == TEXT:
            literal = "\\textasciicircum" if text == "^" else "\\_"
            message = f"'{text}' works only in math, not inside \\text{{...}}: write {literal} in the text, or close the text first"
        elif text in _LIMITS:
            message = f"'{text}' must follow a large operator such as \\sum, \\int or \\lim"
        else:
            message = f"'{text}' cannot stand here{where}"
        return _Stop(tok.start, message)

    def _unknown(self, name: str) -> str:
        return f"unknown command '{name}'{_closest_command(name, self.mode == TEXT)}: KaTeX cannot render it; use one from {_SUPPORTED}"


def _missing_argument(name: str, count: int) -> str:
    example = name + "{...}" * max(count, 1)
    needs = "an argument" if count <= 1 else f"some of its {count} arguments"
    return f"'{name}' is missing {needs}: write it as {example}"


def _ends(tok: Token, until: frozenset[str] | str | None) -> bool:
    if until is None:
        return False
    return tok.text == until if isinstance(until, str) else tok.text in until


def _is_verb(tok: Token) -> bool:
    return tok.text.startswith("\\verb") and len(tok.text) > 5 and not tok.text[5].isalpha()


def _match_braces(toks: list[Token]) -> dict[int, int]:
    """Each `{` token's index -> the index of its `}` (unmatched ones are absent)."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    for i, tok in enumerate(toks):
        if tok.text == "{":
            open_at.append(i)
        elif tok.text == "}" and open_at:
            closing[open_at.pop()] = i
    return closing


def _nothing_after(script: str) -> str:
    what = "exponent" if script == "^" else "subscript"
    return f"'{script}' has nothing after it: write the {what}, as x{script}{{2}}"


def _double(script: str) -> str:
    which = "superscript" if script == "^" else "subscript"
    return (
        f"a second {which} on the same base: group them, as x{script}{{ab}}, or write {{x{script}a}}{script}b"
    )


def _needs_braces(name: str, context: str) -> str:
    if context == "operand":
        return f"'{name}' cannot follow ^ or _ without braces: write ^{{{name}...}}"
    return f"'{name}' cannot be an argument without braces: write {{{name}...}}"


def _bad_delimiter(command: str, tok: Token) -> str:
    found = "nothing" if tok.text == EOF else f"'{tok.text}'"
    return f"'{command}' needs a delimiter after it, not {found}: use ( ) [ ] \\{{ \\}} | \\| \\langle \\rangle, or . for none"


def _bad_size(command: str, text: str) -> str:
    return f"'{command}' needs a size such as 1em or 2pt, not '{text}'"


def _ends_early(text: str) -> str:
    what = "a '%' comment" if text == "%" else "'\\verb'" if text.startswith("\\verb") else f"'{text}'"
    return (
        f"{what} cannot stand in a formula: apps find the formula's end by its delimiters and would "
        "show the rest as a second formula; write '\\%' for a percent sign, '\\text{...}' for literal text"
    )


def _refused(name: str, why: str) -> str:
    if why == "trust":
        return f"'{name}' needs KaTeX's trust option, which published pages do not enable: put links and images in the Markdown, outside the math"
    if why == "definition":
        return f"'{name}' defines a macro, which KaTeX forgets after this formula and MathJax keeps for the whole page: write the commands out instead"
    return f"'{name}' is TeX programming or KaTeX internals, not part of a formula: write the formula out without it"


@lru_cache(maxsize=1024)  # a bank repeats its typos; each search compares against ~1000 names
def _closest_command(name: str, text: bool) -> str:
    wanted = TEXT if text else MATH + DISPLAY
    known = (c for c, spec in katex().commands.items() if "@" not in c and set(wanted) & set(spec.modes))
    return _suggest(name, known)


def _suggest(name: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.75)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _unreadable(char: str) -> str:
    what = "a backslash with nothing after it" if char == "\\" else f"the character U+{ord(char):04X}"
    return f"KaTeX cannot read {what}: delete it (write \\backslash for a backslash)"
