"""Numbers that prose states as computed results, so the linter can ask for a claim behind each.

A computed result is:

- a number right after ``=``, ``≈`` or ``\\approx`` (spaces, one line break and a ``$`` or a
  currency ``\\$`` may come between), a multiplier ``100x`` (or with the sign U+00D7), a ratio
  ``500:1`` and a percentage followed by "of" (``87% of``);
- a number after words that say it was computed: "comes to", "works out to", "amounts to", "adds up
  to" and "equals" (as ``=``);
- a number after a hedge ("about", "around", "roughly", "approximately", "approx.", "nearly",
  "almost", ``~``, ``\\sim``) when it carries the precision of a computation: two or more
  significant digits and not a whole number ("about 0.245", "roughly 4.6", "about 87%"). A hedge
  before a round number or a count ("about 0.2%", "around 3e-4", "about 50 dimensions", "about 120
  days") states an estimate or a given, and a hedged price ("about \\$1.25") is a given.

The token is the number as written, with its suffix.

Not flagged: a lone symbol set to a number (``$T = 2$``, ``$\\alpha = 0.25, \\gamma = 2$``,
``p_t = 0.9``, ``batch_size = 32``, "T equals 2", a name opening a code span: `` `lr = 3e-4` ``),
which is a setting; a number that goes on as an expression (followed by ``/``, ``*``, ``^``,
``\\times``, ``\\cdot``, a letter or ``(``, as in ``= 1/(2λ)``); a number inside a word (``F1``,
``L2x``); and a number after a comparison (``<=``, ``>=``, ``!=``, ``==``) or a bound ("at most",
"under"), which states a condition, not a result. A quantity named in words is not a symbol:
"loss = 0.92" and "the threshold = 0.1" are results, and so are an optimum, ``$p^* = 0.01$``, and
the end of a chain, ``$x = y = 0.5$``. Numbers after verbs that report a change ("becomes",
"reaches", "drops to") or after "of" ("a gap of 0.15") are not flagged either: they state measured
and given values as often as computed ones. Digits are ASCII only.
"""

from __future__ import annotations

import re

# The lone leading [0-9] lets the regex engine skip straight to digits when a pattern starts here.
# (Possessive quantifiers would also stop useless backtracking, but need Python 3.11.)
_NUMBER = r"[0-9][0-9]*(?:,[0-9]{3})*(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?"
_SUFFIX = r"(?:%|x|\u00d7|:[0-9]+(?:\.[0-9]+)?(?![0-9:]))?"
# Between a cue and its number: spaces and at most one line break, since prose is wrapped.
_GAP = r"[ \t]*(?:\n[ \t]*)?"

# Both patterns start with plain characters (the lookbehind comes after the '='), so the regex
# engine skips ahead to candidates instead of trying a full match at every position of the text.
_PATTERNS = (
    re.compile(
        rf"(?:=(?<![<>!=:]=)(?!=)|\u2248|\\approx(?![A-Za-z])){_GAP}(?:\\?\$)?[ \t]*"
        rf"(?P<token>-?{_NUMBER}{_SUFFIX})"
    ),
    # Multipliers, ratios and "N% of" in one pattern that starts with a digit, so the regex engine
    # can skip straight to digits; the not-inside-a-word test is done on the character before.
    re.compile(rf"(?P<token>{_NUMBER}(?:x|\u00d7|:[0-9]+(?:\.[0-9]+)?(?![0-9:])|%(?=[ \t]+of\b)))"),
)
# Words before a number ("about 0.245"), matched backwards from the number: ending at \Z, the
# cue, then at most three characters of spaces, one line break, a '$' and a sign.
_CUE = re.compile(
    r"(?:(?P<hedge>(?i:about|around|roughly|approximately|approx\.?|nearly|almost)|~|\\sim)"
    r"|(?P<sum>(?i:comes to|come to|works? out to|amounts? to|adds? up to))"
    r"|(?P<equals>(?i:equals)))(?![A-Za-z])"
    r"(?=[ \t\n$-]{0,3}\Z)[ \t]*(?:\n[ \t]*)?(?:\$[ \t]*)?(?P<sign>-?)\Z"
)
_CUE_REACH = 20  # the longest cue ("approximately") and its gap
# Scanning for the cue words would try a match at every a, e, n, r ... of the prose (three times the
# cost of everything else here), and so would running _CUE before every number. So a digit-led
# pattern first keeps only the digits whose last characters before them end like a cue (its last
# two letters or '~', then up to three gap characters: fixed-width lookbehinds), about one number
# in twelve, and _CUE decides for those.
_CUE_TAILS = (r"(?i:ut|nd|ly|ox|x\.|st|to|ls|im)", "~")
_MAY_BE_CUED = re.compile(
    "[0-9](?:"
    + "|".join(rf"(?<={tail}[ \t\n$-]{{{gap}}}[0-9])" for tail in _CUE_TAILS for gap in range(4))
    + ")"
)
_NUMBER_TOKEN = re.compile(rf"{_NUMBER}{_SUFFIX}")
_WORDISH = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.,:\\^")
_OPERATOR_AFTER = re.compile(r"[ \t]*(?:[/*^]|\\times|\\cdot)")
_IDIOM = re.compile(r"(?i:when it )\Z")  # "when it comes to 3 classes" is not a sum

# A symbol, anchored at the end of the text before an '=': a letter or a LaTeX command (with one
# argument of letters: \hat{y}, \text{lr}), or a snake_case name, then subscripts and primes.
# Powers are not decorations (x^2 = 4 is an equation), and neither is a star: p^* names an optimum,
# which is derived, so "$p^* = 0.01$" states a result.
_SYMBOL = re.compile(
    r"(?:\\[A-Za-z]+(?:\{[A-Za-z ]+\})?|[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+|[A-Za-z])"
    r"(?:_[A-Za-z0-9]|_\{(?:[^{}$\n]|\{[^{}$\n]*\})*\}|_\\[A-Za-z]+|\^\\prime|\^\{\\prime\}|')*"
    r"[ \t]*\Z"
)
# In a code span every name is a symbol: `lr = 3e-4` is an assignment.
_CODE_NAME = re.compile(r"`[A-Za-z_][A-Za-z0-9_.]*[ \t]*\Z")
_SYMBOL_WINDOW = 48  # longer than any symbol worth the name; keeps the search O(1) per '='
# What may come right before a lone symbol: the text's or a math span's start, an opening bracket,
# a separator, a line break; spacing commands count too (\quad T = 2).
_OPENERS = frozenset("$([{,;:\n")
_SPACING_COMMANDS = frozenset({"quad", "qquad", "text"})


def find_stated_results(text: str) -> list[tuple[int, str]]:
    """(offset, token) of every stated result in ``text``, by offset; offsets index ``text``."""
    found: dict[int, str] = {}
    has_equals = "=" in text or "\u2248" in text or "\\approx" in text
    for pattern in _PATTERNS[0 if has_equals else 1 :]:  # most prose has no '=': skip that scan
        for match in pattern.finditer(text):
            start, end = match.span("token")
            if _goes_on(text, end) or (pattern is not _PATTERNS[0] and start and text[start - 1] in _WORDISH):
                continue
            if pattern is _PATTERNS[0] and text[match.start()] == "=" and _sets_a_symbol(text, match.start()):
                continue
            _keep(found, start, match["token"])
    worded = _add_cued_results(text, found)
    # One pattern's matches come in offset order; the '=' and worded ones can interleave with them.
    return sorted(found.items()) if has_equals or worded else list(found.items())


def _add_cued_results(text: str, found: dict[int, str]) -> bool:
    """Add the numbers that a cue word states as results; True when there was one."""
    added = False
    for candidate in _MAY_BE_CUED.finditer(text):
        start = candidate.start()
        cue = _CUE.search(text, max(0, start - _CUE_REACH), start)
        number = _NUMBER_TOKEN.match(text, start)
        if cue is not None and number is not None and _cued_result(text, cue, number):
            _keep(found, cue.start("sign"), cue["sign"] + number.group())
            added = True
    return added


def _keep(found: dict[int, str], start: int, token: str) -> None:
    if len(token) > len(found.get(start, "")):
        found[start] = token


def _goes_on(text: str, end: int) -> bool:
    """True when the number is the start of a longer expression or word, not a result."""
    if end < len(text) and (text[end].isalnum() or text[end] in "_("):
        return True
    return _OPERATOR_AFTER.match(text, end) is not None


def _cued_result(text: str, cue: re.Match[str], number: re.Match[str]) -> bool:
    at = cue.start()
    if at and (text[at - 1].isalnum() or text[at - 1] in "_\\"):
        return False  # inside a word ("throughout 0.5"), or a LaTeX tie ("Table~2.5")
    if _goes_on(text, number.end()):
        return False
    if cue["hedge"] is not None:
        return _precise(number.group())
    if cue["equals"] is not None:
        return not _sets_a_symbol(text, at)
    return _IDIOM.search(text, max(0, at - 8), at) is None


def _precise(token: str) -> bool:
    """Two or more significant digits on a number that is not a whole count: 0.245, 4.6, 87%, 2.5x.

    A computed value is written with the digits its computation gives; an estimate is round.
    """
    number = token.lstrip("-").split(":")[0]
    scaled = number[-1:] in ("%", "x", "\u00d7")
    mantissa = number.rstrip("%x\u00d7").lower().partition("e")[0].replace(",", "")
    if "." not in mantissa and not scaled:
        return False
    digits = mantissa.replace(".", "").lstrip("0")
    if "." not in mantissa:
        digits = digits.rstrip("0")  # 120%: the trailing zero of a whole number is not a digit of precision
    return len(digits) >= 2


def _sets_a_symbol(text: str, at: int) -> bool:
    """True when the '=' (or "equals") at ``at`` gives one lone symbol a value: a setting."""
    window_start = max(0, at - _SYMBOL_WINDOW)
    if _CODE_NAME.search(text, window_start, at) is not None:
        return True
    match = _SYMBOL.search(text, window_start, at)
    if match is None:
        return False
    start = match.start()
    if start and (text[start - 1].isalnum() or text[start - 1] in "_\\}"):
        return False  # the tail of a word ("loss"), a command or a group: not a symbol of its own
    return _opens_an_expression(text, start)


def _opens_an_expression(text: str, start: int) -> bool:
    """True when what precedes ``start`` ends a phrase rather than leads into an expression."""
    i = start - 1
    while i >= 0 and text[i] in " \t":
        i -= 1
    if i < 0 or text[i] in _OPENERS:
        return True
    if text[i] in ".!?":  # the end of a sentence, not a decimal point
        return i == 0 or not text[i - 1].isdigit()
    if not text[i].isalpha():
        return False  # a digit, an operator, '=', a closing bracket: the symbol is part of a formula
    word_start = i
    while word_start > 0 and text[word_start - 1].isalpha():
        word_start -= 1
    if word_start and text[word_start - 1] == "\\":
        return text[word_start : i + 1] in _SPACING_COMMANDS  # \cdot T: a product, \quad T: a start
    return True  # a prose word: "temperature T = 2", "with p_t = 0.9"
