"""A YAML syntax error names the parser's complaint, the likely slip and its fix, at the place to fix.

Each case is a slip a new author makes, typed as they would type it: (text, line, column, hint).
The line and column are 1-based, as the finding shows them; the hint is a fragment of the message.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlbank import loader
from mlbank.bank import load_bank
from mlbank.lint import Selection, lint_bank
from mlbank.loader import LoadProblem, Problem, parse_yaml

MINIBANK = Path(__file__).parent / "fixtures" / "minibank"

Q = "id: q01\nsection: screening\n"  # a question's first lines, so cases read like real files

SLIPS: dict[str, tuple[str, int, int, str]] = {
    # the three slips of issue 13
    "colon in a title": (
        Q + "title: Softmax: a worked example\n",
        3,
        15,
        'a colon followed by a space inside an unquoted value: quote the title: title: "Softmax: a worked example"',
    ),
    "answer without a pipe": (
        Q + "answer:\n  My default is log loss (a proper rule): it is calibrated,\n  and $p$ is\n"
        "  the probability.\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "tab before a list item": (
        Q + 'worked:\n\t- says: "4.6"\n\t  expr: -log(0.01)\n',
        4,
        1,
        "a tab: YAML indents with spaces, never tabs: replace the tab with spaces",
    ),
    # prose written without '|', whatever the parser trips on first
    "answer without a pipe, colon on a later line": (
        Q + "answer:\n  First we fit the model\n  and then: we check it\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "answer without a pipe, starting with bold": (
        Q + "answer:\n  **Offline metrics** come first\n  and online ones later.\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "answer text on the key line, list below": (
        Q + "answer: Use these:\n  - a\n  - b\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "rubric level without a pipe": (
        Q + "rubric:\n  strong_hire:\n    Writes the formula: and explains it\n    with numbers.\n",
        4,
        15,
        "a multi-line strong_hire needs '|' after 'strong_hire:'",
    ),
    "answer without a pipe, a numbered list": (
        Q + "answer:\n  Two fixes.\n  1. **Distil** the teacher\n     into a student: a small model\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "answer without a pipe, a line that looks like a key": (
        Q + "answer:\n  First we fit the model.\n  Then: we check it.\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "answer without a pipe, text on the key line": (
        Q + "answer: First we fit the model\n  and then: we check it\n",
        3,
        8,
        "a multi-line answer needs '|' after 'answer:'",
    ),
    "a colon inside a value above an indented key is not prose": (
        Q + "companies:\n  - company: google: more\n    level: L4\n",
        4,
        20,
        'quote the company: company: "google: more"',
    ),
    # tabs
    "tab inside a literal block": (
        Q + "answer: |\n  one line\n\tanother\n",
        5,
        1,
        "a tab: YAML indents with spaces",
    ),
    "tab after a dash": (Q + "worked:\n  -\tsays: x\n", 4, 4, "a tab: YAML indents with spaces"),
    "tab before a comment": (Q + "\t# a note\n", 3, 1, "a tab: YAML indents with spaces"),
    "tab with Windows line endings": (
        (Q + "worked:\n\t- says: x\n").replace("\n", "\r\n"),
        4,
        1,
        "a tab: YAML indents with spaces",
    ),
    # quotes
    "quote not closed swallows LaTeX below": (
        Q + 'title: "Softmax\nanswer: |\n  $\\sum_i p_i = 1$\n',
        3,
        8,
        "the quote that opens here is not closed on its line, so the value runs on to line 5, where '\\' "
        "starts an escape: close it on line 3",
    ),
    "quote then a colon": (
        Q + 'level: "L5+": staff\n',
        3,
        13,
        "text after the closing quote: quote the whole value: level: '\"L5+\": staff'",
    ),
    "unclosed double quote": (
        Q + 'title: "Softmax, a worked example\n',
        3,
        8,
        "the quote that opens here is never closed: end the value with '\"'",
    ),
    "unclosed single quote": (
        Q + "title: 'Softmax, a worked example\nprompt: x\n",
        3,
        8,
        'the quote that opens here is never closed: end the value with "\'"',
    ),
    "quote closed only on a later line": (
        Q + 'title: "Softmax, a worked example\nprompt: "x"\n',
        3,
        8,
        "the quote that opens here is not closed on its line, so the value runs on to the quote at "
        "line 4, column 9: close it on line 3",
    ),
    "text after the closing quote": (
        Q + 'title: "Softmax" in practice\n',
        3,
        18,
        "text after the closing quote: quote the whole value: title: '\"Softmax\" in practice'",
    ),
    "apostrophe inside single quotes": (
        Q + "title: 'Bayes' rule'\n",
        3,
        16,
        "an apostrophe inside single quotes ends the value: double it (''), or use double quotes: "
        'title: "Bayes\' rule"',
    ),
    "backslash escape in double quotes": (
        Q + 'answer: "$\\sigma$ is the scale"\n',
        3,
        11,
        "a backslash inside double quotes starts an escape (such as \\n or \\t), and '\\sigma' is none: "
        "write LaTeX in single quotes or a '|' block",
    ),
    "hex escape in double quotes": (
        Q + 'answer: "with $\\xi$ drawn at random"\n',
        3,
        16,
        "and '\\xi' is none: write LaTeX in single quotes or a '|' block",
    ),
    # a value's first character means something to YAML
    "value starting with an asterisk": (
        Q + "title: **Bold** claims\n",
        3,
        8,
        "'*' at the start of an unquoted value starts a YAML alias: quote the value: "
        'title: "**Bold** claims"',
    ),
    "value starting with an ampersand": (
        Q + "title: & more\n",
        3,
        8,
        "'&' at the start of an unquoted value starts a YAML anchor: quote the value: title: \"& more\"",
    ),
    "value starting with an at sign": (
        Q + "title: @home features\n",
        3,
        8,
        "'@' cannot start an unquoted value: quote the value: title: \"@home features\"",
    ),
    "value starting with a backtick": (
        Q + "title: `fit` versus `transform`\n",
        3,
        8,
        "'`' cannot start an unquoted value: quote the value: title: \"`fit` versus `transform`\"",
    ),
    "value starting with a percent sign": (
        Q + "title: %CPU time\n",
        3,
        8,
        "'%' cannot start an unquoted value: quote the value: title: \"%CPU time\"",
    ),
    "value starting with a dash": (
        Q + "title: - a list?\n",
        3,
        8,
        "'- ' starts a list item, which cannot follow a key on its line: put each item on its own "
        'line below the key, or quote the value if it is text: title: "- a list?"',
    ),
    "value starting with a question mark": (
        Q + "title: ? why\n",
        3,
        8,
        "'? ' at the start of an unquoted value marks a complex key: quote the value: title: \"? why\"",
    ),
    "value starting with a bracket, text after": (
        Q + "title: [Draft] Softmax\n",
        3,
        16,
        "text after the closing ']': a value that starts with '[' or '{' is a list or mapping: "
        'quote the whole value: title: "[Draft] Softmax"',
    ),
    "text after the pipe": (
        Q + "title: | Softmax\n",
        3,
        10,
        "text after '|' on its line: a block's text starts on the next line, indented under the key; "
        "if '|' is part of the text, quote the value",
    ),
    "pipe written twice": (
        Q + "answer: | |\n  text\n",
        3,
        11,
        "a second '|': write one '|' after 'answer:'",
    ),
    # indentation
    "list item at the wrong indentation": (
        Q + 'worked:\n  - says: "4.6"\n    expr: -log(0.01)\n - says: "0.92"\n   expr: -log(0.4)\n',
        6,
        2,
        "this '- ' item starts at column 2, but the items above it start at column 3 (line 4): "
        "line the dashes up",
    ),
    "key of a list item under the dash": (
        Q + 'worked:\n  - says: "4.6"\n  expr: -log(0.01)\n',
        5,
        3,
        "'expr' starts at column 3, under the '- ' on line 4, so YAML expects another item there: "
        "start it at column 5, like 'says'",
    ),
    "key of a list item one column too deep": (
        Q + 'worked:\n  - says: "4.6"\n     expr: -log(0.01)\n',
        5,
        6,
        "'expr' starts at column 6, but 'says' above it (line 4) starts at column 5: keys of one "
        "mapping start at the same column",
    ),
    "key less indented than its siblings": (
        Q + "rubric:\n    strong_hire: x\n  lean_hire: y\n",
        5,
        3,
        "'lean_hire' starts at column 3, but 'strong_hire' above it (line 4) starts at column 5: "
        "keys of one mapping start at the same column",
    ),
    "key more indented than its siblings": (
        Q + "rubric:\n  strong_hire: x\n    lean_hire: y\n",
        5,
        5,
        "'lean_hire' is indented deeper than 'strong_hire' (line 4), so YAML reads it as more of that "
        "value: start it at column 3, like 'strong_hire'",
    ),
    "literal block line less indented than the first": (
        Q + "answer: |\n    first line\n  second line\nrubric: x\n",
        5,
        3,
        "the text of 'answer: |' is indented 4 spaces, set by its first line (line 4); this line has 2, "
        "which ends the block: indent every line of the block by at least 4 spaces",
    ),
    "literal block with a paragraph pasted at column 1": (
        Q
        + "answer: |\n  First paragraph.\n\nSecond paragraph, pasted without indenting.\n  Third paragraph.\n",
        6,
        1,
        "the text of 'answer: |' is indented 2 spaces, set by its first line (line 4); this line has 0, "
        "which ends the block: indent every line of the block by at least 2 spaces",
    ),
    "literal block not indented": (
        Q + "answer: |\nFirst line.\nSecond line.\n",
        4,
        1,
        "the text of 'answer: |' must be indented under its key: indent these lines by 2 spaces",
    ),
    "first key indented": (
        "  id: q01\nsection: screening\n",
        1,
        3,
        "the first key is indented: top-level keys start at column 1",
    ),
    "dash without a space": (
        Q + "worked:\n  -says: x\n   expr: y\n",
        4,
        3,
        "'-' needs a space after it to start a list item: write '- says'",
    ),
    "list item one column too deep": (
        Q + 'worked:\n  - says: "4.6"\n    expr: -log(0.01)\n   - says: "0.92"\n',
        6,
        4,
        "this '- ' item starts at column 4, but the items above it start at column 3 (line 4): "
        "line the dashes up",
    ),
    "key of a list item one column short": (
        Q + 'review:\n  - by: ana\n    on: "2026-12-06"\n   digest: b76b2e835972\n',
        6,
        4,
        "'digest' starts at column 4, but 'on' above it (line 5) starts at column 5: keys of one "
        "mapping start at the same column",
    ),
    "literal block line less indented, starting with bold": (
        Q + "answer: |\n  First paragraph.\n\n **Second** paragraph.\n",
        6,
        2,
        "the text of 'answer: |' is indented 2 spaces, set by its first line (line 4); this line has 1",
    ),
    "value on the line below its key": (
        Q + "title:\nSoftmax in practice\n",
        4,
        1,
        "the value of 'title' must be on its line or indented under it: write 'title: Softmax in practice'",
    ),
    "an item list under a key is not prose": (
        Q + "companies:\n  - {id: google, name: Google}\n   - {id: meta, name: Meta}\n",
        5,
        4,
        "this '- ' item starts at column 4, but the items above it start at column 3 (line 4)",
    ),
    # flow collections
    "unclosed bracket": (
        Q + "topics: [loss-functions, calibration\nsee: [q02]\n",
        3,
        9,
        "the '[' that opens here is never closed: end the list with ']'",
    ),
    "unclosed bracket at the end of the file": (
        Q + "topics: [loss-functions\n",
        3,
        9,
        "the '[' that opens here is never closed: end the list with ']'",
    ),
    "unclosed brace": (
        Q + "where: {eps: 0.01, d: 100\nprompt: x\n",
        3,
        8,
        "the '{' that opens here is never closed: end the mapping with '}'",
    ),
    "hash inside a list hides the bracket": (
        Q + "topics: [loss-functions, #calibration]\nsee: [q02]\n",
        3,
        26,
        "this '#' starts a comment (a '#' after a space does), which hides the rest of the line and "
        "its ']': remove the '#' or quote the item",
    ),
    "missing comma in a list": (
        Q + 'topics: ["loss-functions" "calibration"]\n',
        3,
        27,
        "items of a [...] list are separated by commas: add ',' before this item",
    ),
    "list closed with a brace": (
        Q + "topics: [loss-functions}\n",
        3,
        24,
        "'[' at column 9 is closed with '}': close it with ']'",
    ),
    "extra closing bracket": (
        Q + "topics: [loss-functions]]\n",
        3,
        25,
        "an extra ']' with nothing open to close: remove it",
    ),
    # colons
    "key without a space after the colon": (
        Q + "title:Softmax\nprompt: x\n",
        3,
        6,
        "'title:' needs a space after the colon: write 'title: Softmax'",
    ),
    "nested key without a space after the colon": (
        Q + "rubric:\n  strong_hire:x\n  lean_hire: y\n",
        4,
        14,
        "'strong_hire:' needs a space after the colon: write 'strong_hire: x'",
    ),
    "pipe without a space after the colon": (
        Q + "rubric:\n  strong_hire:|\n    Writes the formula: and explains it.\n",
        4,
        14,
        "'strong_hire:' needs a space after the colon: write 'strong_hire: |'",
    ),
    "brace without a space after the colon": (
        Q + 'worked:\n  - expr: 1 - eps\n    domain:{eps: "[0, 1]"}\n',
        5,
        11,
        "'domain:' needs a space after the colon: write 'domain: {eps: \"[0, 1]\"}'",
    ),
    "text after a closing bracket, then a colon": (
        Q + "topics: [optimization]: more\n",
        3,
        23,
        "text after the closing ']'",
    ),
    "colon in a plain value inside braces": (
        Q + "where: {eps:0.01}\n",
        3,
        12,
        "inside [...] and {...} a key needs a space after its colon: write 'eps: 0.01', or quote the text",
    ),
    # invisible characters
    "byte-order mark inside the file": (
        Q + "\ufefftitle: Softmax\n",
        3,
        1,
        "an invisible character U+FEFF (byte-order mark): delete it",
    ),
    # positions stay right with non-ASCII text and Windows line endings
    "colon after non-ASCII text": (
        Q + "title: Café: a worked example\n",
        3,
        12,
        'quote the title: title: "Café: a worked example"',
    ),
    "colon with Windows line endings": (
        (Q + "title: Softmax: a worked example\n").replace("\n", "\r\n"),
        3,
        15,
        'quote the title: title: "Softmax: a worked example"',
    ),
}


def syntax_problem(text: str) -> LoadProblem:
    data, _, problems = parse_yaml(text)
    assert data is None, "the case must not load"
    found = [p for p in problems if p.kind is Problem.SYNTAX]
    assert len(found) == 1, problems
    return found[0]


@pytest.mark.parametrize(("text", "line", "column", "hint"), SLIPS.values(), ids=list(SLIPS))
def test_slip_gets_its_hint_at_the_place_to_fix(text: str, line: int, column: int, hint: str) -> None:
    problem = syntax_problem(text)
    assert problem.message.startswith("YAML syntax error"), problem.message
    assert hint in problem.message or hint[:1].upper() + hint[1:] in problem.message, problem.message
    assert (problem.position.line, problem.position.column) == (line, column), problem.message


def test_the_parsers_own_words_are_kept() -> None:
    message = syntax_problem(Q + "title: Softmax: a worked example\n").message
    assert message.startswith("YAML syntax error: mapping values are not allowed in this context. ")


def test_a_moved_position_still_names_where_the_parser_stopped() -> None:
    message = syntax_problem(SLIPS["answer without a pipe"][0]).message
    assert message.startswith("YAML syntax error at line 6, column 3: could not find expected ':'. ")


def test_a_directive_the_pure_parser_asserts_on_is_a_finding(pure_parser: None) -> None:
    problem = syntax_problem("%YAML 1.3\n---\nid: q01\n")
    assert problem.message == "YAML syntax error: version minor part can only be 2 or 1, got (1, 3)"


def test_an_error_no_hint_explains_keeps_the_parsers_message() -> None:
    problem = syntax_problem("%YAML 1.3\n---\nid: q01\n")
    assert problem.message == "YAML syntax error: found incompatible YAML document"


@pytest.fixture
def pure_parser(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The pure-Python parser (used where the C one is missing) words its errors differently."""
    from ruamel.yaml.main import YAML

    make: Callable[[str], Any] = lambda text: loader._PureParser(YAML(typ="safe", pure=True).parse(text))  # noqa: E731
    monkeypatch.setattr(loader, "_make_parser", make)
    yield


# Slips the pure-Python parser reads differently: it takes '*bold*' and '**Offline' for alias names
# (refused as aliases, MB005), accepts '{eps:0.01}' as a plain scalar and a byte-order mark as part
# of a key (the schema then reports the unknown key).
PURE_DIFFERS = {
    "value starting with an asterisk",
    "answer without a pipe, starting with bold",
    "colon in a plain value inside braces",
    "byte-order mark inside the file",
}


@pytest.mark.parametrize(
    ("text", "line", "column", "hint"),
    [v for k, v in SLIPS.items() if k not in PURE_DIFFERS],
    ids=[k for k in SLIPS if k not in PURE_DIFFERS],
)
def test_same_hints_from_the_pure_python_parser(
    pure_parser: None, text: str, line: int, column: int, hint: str
) -> None:
    test_slip_gets_its_hint_at_the_place_to_fix(text, line, column, hint)


# --- text the loader refuses for safety, when the author meant text --------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "hint"),
    [
        (
            Q + "title: *Note on scaling\n",
            Problem.ALIAS,
            'if it is text, quote the value: title: "*Note on scaling"',
        ),
        (Q + "title: &x more\n", Problem.ALIAS, 'if it is text, quote the value: title: "&x more"'),
        (
            Q + "title: !important idea\n",
            Problem.TAG,
            'if it is text, quote the value: title: "!important idea"',
        ),
    ],
)
def test_refused_alias_anchor_and_tag_say_how_to_write_text(text: str, kind: Problem, hint: str) -> None:
    problems = parse_yaml(text)[2]
    assert [p.kind for p in problems] == [kind]
    assert hint in problems[0].message, problems[0].message
    assert problems[0].position.line == 3


# --- end to end: the finding mlbank lint prints ---------------------------------------------------


def test_lint_reports_the_hint_as_mb001(tmp_path: Path) -> None:
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(MINIBANK, bank)
    target = bank / "questions/screening/q01-log-loss.yaml"
    target.write_text(target.read_text().replace("title: Log loss", "title: Log loss: a primer"))
    findings = [f for f in lint_bank(load_bank(bank, cwd=bank), Selection()) if f.code == "MB001"]
    assert [(f.path, f.line, f.column) for f in findings] == [
        ("questions/screening/q01-log-loss.yaml", 4, 16)
    ]
    assert findings[0].message == (
        "YAML syntax error: mapping values are not allowed in this context. A colon followed by a space "
        'inside an unquoted value: quote the title: title: "Log loss: a primer"'
    )


# --- MB011: text YAML loads without an error, but not as written -----------------------------------


def test_written_gives_a_one_line_scalar_as_typed_and_the_rest_of_its_line() -> None:
    from mlbank.loader import Document

    text = 'a: plain text  # note\nb: "q \\" x" tail\nc: |\n  block\n'
    data, nodes, _ = parse_yaml(text)
    doc = Document(Path("f.yaml"), "f.yaml", text, data, nodes)
    assert doc.written(("a",)) == ("plain text", "  # note")
    assert doc.written(("b",)) == ('"q \\" x"', " tail")
    assert doc.written(("c",)) is None and doc.written(("missing",)) is None


def test_mb011_says_what_the_value_became_and_how_to_write_it(tmp_path: Path) -> None:
    import shutil

    bank = tmp_path / "bank"
    shutil.copytree(MINIBANK, bank)
    target = bank / "questions/screening/q01-log-loss.yaml"
    text = target.read_text().replace("title: Log loss", "title: Why L1 #sparsity works")
    target.write_text(text.replace("- company: google", '- company: "google $\\beta$"'))
    findings = [f for f in lint_bank(load_bank(bank, cwd=bank), Selection()) if f.code == "MB011"]
    assert [f.message for f in findings] == [
        "title: '#sparsity works' is a YAML comment (a '#' after a space starts one), so the value is "
        "'Why L1': if the '#' is text, quote the value: title: \"Why L1 #sparsity works\"; if it is a "
        "comment, write '# ' with a space",
        "companies[0].company: inside double quotes '\\b' is an escape, so '\\beta' reads as a backspace "
        "and 'eta': write the value in single quotes, where a backslash is just a backslash: "
        "company: 'google $\\beta$'",
    ]
