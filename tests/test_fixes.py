"""Issue 13, items 1 and 7: prose keeps its `|` block, trailing whitespace is a finding with a safe
fix, and the fixes a new author expects (a `says:` number quoted as written, tab indentation replaced
where that is unambiguous) are made by both `mlbank lint --fix` and `mlbank fmt`."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from cli_runner import invoke
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, LiteralScalarString

from mlbank.formatter import FormatError, format_text
from mlbank.loader import parse_yaml
from mlbank.tab_indent import untab
from mlbank.trailing_whitespace import trailing_blanks, without_trailing_blanks

Q = "questions/screening/q01-log-loss.yaml"
FIRST = "A confident\n"  # the end of the answer's first line (line 17), a paragraph going on below
STRONG = "    Formula and the penalty on confident mistakes.\n"  # rubric.strong_hire, line 22


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.output


@pytest.fixture(autouse=True)
def fmt_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MLBANK_CACHE_DIR", str(directory))
    return directory


def edit(bank: Path, *pairs: tuple[str, str]) -> Path:
    path = bank / Q
    text = path.read_text()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text)
    return path


def data(path: Path) -> dict[str, object]:
    loaded, _, problems = parse_yaml(path.read_text())
    assert not problems and isinstance(loaded, dict)
    return loaded


# --- which trailing whitespace is which ------------------------------------------------------------


def test_exactly_two_spaces_before_more_text_is_a_line_break_and_the_rest_is_not() -> None:
    text = "two  \nnext\nthree   \nnext\ntab\t\nnext\nend of paragraph  \n\n   \nlast  "
    found = [(text[b.offset : b.offset + len(b.blank)], b.hard_break) for b in trailing_blanks(text)]
    assert found == [
        ("  ", True),
        ("   ", False),
        ("\t", False),
        ("  ", False),
        ("   ", False),
        ("  ", False),
    ]
    assert without_trailing_blanks(text) == "two  \nnext\nthree\nnext\ntab\nnext\nend of paragraph\n\n\nlast"
    assert without_trailing_blanks(without_trailing_blanks(text)) == without_trailing_blanks(text)


# --- item 1: fmt never turns prose into a quoted scalar ----------------------------------------------


def test_fmt_keeps_the_block_and_removes_accidental_trailing_whitespace(minibank: Path) -> None:
    path = edit(minibank, (FIRST, "A confident   \n"), (STRONG, STRONG[:-1] + "\t\n"))
    before = data(path)
    assert run("fmt", str(path))[0] == 0
    text = path.read_text()
    assert "answer: |\n  Binary cross-entropy" in text and "A confident\n" in text
    assert "strong_hire: |\n    Formula and the penalty on confident mistakes.\n" in text
    after = data(path)
    assert after["answer"] == str(before["answer"]).replace("   \n", "\n", 1)


def test_fmt_keeps_a_two_space_line_break_as_written(minibank: Path) -> None:
    path = edit(minibank, (FIRST, "A confident  \n"))
    assert run("fmt", str(path))[0] == 0
    assert "answer: |\n" in path.read_text() and "A confident  \n" in path.read_text()


def test_fmt_writes_an_answer_it_once_quoted_back_as_a_block() -> None:
    mangled = 'id: q01\nanswer: "Two sources that   \\npull against each other:\\n\\n- **Bias**\\t\\n"\n'
    out = format_text(mangled, "question")
    assert out == "id: q01\nanswer: |\n  Two sources that\n  pull against each other:\n\n  - **Bias**\n"


def test_fmt_keeps_tabs_inside_prose_in_the_block() -> None:
    text = 'id: q01\nanswer: "\\tcode after a tab\\nname\\tvalue\\n"\n'
    out = format_text(text, "question")
    assert out.startswith("id: q01\nanswer: |2\n  \tcode after a tab\n  name\tvalue\n")
    assert parse_yaml(out)[0] == parse_yaml(text)[0]


def test_fmt_keeps_invisible_unicode_spaces_in_the_block() -> None:
    text = 'id: q01\nanswer: "10\u00a0% of the\u200bdata\\n"\n'  # a no-break and a zero-width space
    assert format_text(text, "question") == "id: q01\nanswer: |\n  10\u00a0% of the\u200bdata\n"


def test_import_keeps_prose_with_trailing_whitespace_in_a_block(minibank: Path, tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    assert run("export", "--format", "markdown", "--out", str(page), cwd=minibank)[0] == 0
    page.write_text(page.read_text().replace(FIRST, "A confident   \n", 1))
    code, out = run("import", str(page), cwd=minibank)
    assert code == 0, out
    nodes = parse_yaml((minibank / Q).read_text())[1]
    assert nodes[("answer",)].style == "|" and "A confident   \n" in str(nodes[("answer",)].raw)


def test_fmt_refuses_block_prose_it_cannot_write_as_a_block() -> None:
    text = "id: q01\nanswer: |\n  pasted from a web page:\ufeff an invisible byte-order mark\n"
    with pytest.raises(FormatError, match=r"answer holds U\+FEFF .*which a \| block cannot hold"):
        format_text(text, "question")


_line_pieces = st.sampled_from(["word", "  ", "   ", "\t", " ", "- item", "$x$", "#", "é", ""])
_prose = st.lists(st.lists(_line_pieces, max_size=4).map("".join), min_size=1, max_size=5).map("\n".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_prose, st.sampled_from([LiteralScalarString, DoubleQuotedScalarString, str]), st.booleans())
def test_prose_always_comes_out_as_a_block(text: str, style: type, newline: bool) -> None:
    text += "\n" if newline else ""
    assume(text.strip())
    source = io.StringIO()
    YAML(typ="rt").dump(CommentedMap([("id", "q01"), ("answer", style(text))]), source)
    loaded, _, problems = parse_yaml(source.getvalue())
    assume(not problems and loaded["answer"] == text)  # what ruamel wrote reads back
    answer = parse_yaml(format_text(source.getvalue(), "question"))[1][("answer",)]
    assert answer.style == "|"
    assert answer.raw == without_trailing_blanks(text)


# --- item 1: the lint finding and its fix ------------------------------------------------------------


def test_lint_reports_trailing_whitespace_where_it_is(minibank: Path) -> None:
    path = edit(minibank, (FIRST, "A confident   \n"), (STRONG, STRONG[:-1] + "\t\n"))
    lines = path.read_text().splitlines()
    code, out = run("lint", "--select", "MB106", str(minibank))
    assert code == 1
    col17 = len(lines[16].rstrip()) + 1
    col22 = len(lines[21].rstrip()) + 1
    assert f"{Q}:17:{col17}: MB106 [trailing-whitespace] answer: 3 spaces at the end of the line" in out
    assert "$. A confident': delete them (`mlbank lint --fix` or `mlbank fmt` does)" in out
    assert f"{Q}:22:{col22}: MB106 [trailing-whitespace] rubric.strong_hire: a tab at the end" in out


def test_lint_explains_a_two_space_line_break(minibank: Path) -> None:
    edit(minibank, (FIRST, "A confident  \n"))
    code, out = run("lint", "--select", "MB106", str(minibank))
    assert code == 1
    assert "ends in two spaces, Markdown's way of writing a line break that no one can see" in out
    assert "end the line with a backslash instead" in out and "delete the spaces" in out


def test_fix_removes_trailing_whitespace_keeps_the_line_break_and_the_review(minibank: Path) -> None:
    path = edit(
        minibank,
        (FIRST, "A confident   \n"),
        (STRONG, STRONG[:-1] + " \t\n"),
        ("title: Log loss\n", 'title: "Log loss  "  # kept\n'),
        ("\\approx 4.6$.\n", "\\approx 4.6$.  \n"),  # more text follows: a line break
    )
    code, out = run("lint", "--fix", "--select", "MB106", "--select", "MB601", str(minibank))
    assert "fixed 3 problem(s)" in out
    text = path.read_text()
    assert "A confident\n" in text and STRONG in text and 'title: "Log loss"  # kept\n' in text
    assert "\\approx 4.6$.  \n" in text  # the author's call
    assert code == 1 and out.count("MB106") == 1 and "MB601" not in out  # the review still holds


def test_fix_rewrites_a_quoted_multi_line_answer(minibank: Path) -> None:
    path = minibank / Q
    answer = str(data(path)["answer"])
    quoted = json.dumps(answer.replace("A confident\n", "A confident \t\n"))  # JSON is YAML
    block = "answer: |\n" + "".join("  " + line + "\n" for line in answer.splitlines())
    edit(minibank, (block, f"answer: {quoted}\n"))
    code, out = run(
        "lint", "--fix", "--select", "MB106", "--select", "MB300", "--select", "MB601", str(minibank)
    )
    assert code == 0, out
    assert data(path)["answer"] == answer


def test_bank_and_topics_files_are_checked_and_fixed_only_when_selected(minibank: Path) -> None:
    bank_yaml, topics = minibank / "bank.yaml", minibank / "topics.yaml"
    bank_yaml.write_text(
        bank_yaml.read_text().replace("tests build on.\n", "tests build on.\n  More.  \n", 1)
    )
    bank_yaml.write_text(bank_yaml.read_text().replace("description: A two", "description: |\n  A two", 1))
    topics.write_text(
        topics.read_text().replace("summary: What each loss penalises.", 'summary: "Penalties. "')
    )
    code, out = run("lint", "--select", "MB106", str(minibank))
    assert code == 1 and "bank.yaml:4:8: MB106" in out and "topics.yaml:9:25: MB106" in out
    before = bank_yaml.read_text(), topics.read_text()
    run("lint", "--fix", str(minibank / Q))  # a question file only: bank.yaml and topics.yaml stay
    assert (bank_yaml.read_text(), topics.read_text()) == before
    run("lint", "--fix", str(minibank))
    assert "description: |\n  A two-question bank the tests build on.\n  More.\n" in bank_yaml.read_text()
    assert 'summary: "Penalties."' in topics.read_text()


def test_fix_says_what_it_leaves_to_fmt_and_fmt_does_it(minibank: Path) -> None:
    path = edit(minibank, ("no_hire: |\n    Says accuracy.\n", "no_hire: >\n    Says accuracy.   \n"))
    code, out = run("lint", "--fix", "--select", "MB106", str(minibank))
    assert code == 1 and "rubric.no_hire not fixed: it is a folded > block; `mlbank fmt` rewrites it" in out
    assert run("fmt", str(path))[0] == 0
    assert "no_hire: |\n    Says accuracy.\n" in path.read_text()
    assert run("lint", "--select", "MB106", "--select", "MB601", str(minibank))[0] == 0


# --- item 7: quote a number YAML would round; replace tab indentation ---------------------------------


def test_fix_quotes_unquoted_values_as_written(minibank: Path) -> None:
    path = edit(minibank, ('says: "4.6"', "says: 4.60"), ("title: Log loss", "title: 2024"))
    code, out = run("lint", "--fix", "--select", "MB105", str(minibank))
    assert code == 0, out
    assert 'says: "4.60"\n' in path.read_text() and 'title: "2024"\n' in path.read_text()


def test_fmt_quotes_a_number_where_text_belongs_as_written() -> None:
    text = "id: q01\nworked:\n  - says: 0.090\n    expr: 9/100\n    tolerance: 0.0010\n"
    out = format_text(text, "question")
    assert 'says: "0.090"\n' in out and 'tolerance: "0.0010"\n' in out


TABBED = 'worked:\n\t- says: "4.6"\n\t  expr: -log(0.01)\n'


def test_fix_replaces_tab_indentation_when_unambiguous(minibank: Path) -> None:
    path = minibank / Q
    worked = data(path)["worked"]
    edit(minibank, ('worked:\n  - says: "4.6"\n    expr: -log(0.01)\n', TABBED))
    code, out = run("lint", "--fix", str(minibank))
    assert "replaced the tabs that indent lines 28, 29 with spaces" in out
    assert data(path)["worked"] == worked and "\t" not in path.read_text()
    assert code == 0, out


def test_fix_leaves_ambiguous_tab_indentation_and_says_why(minibank: Path) -> None:
    path = edit(minibank, ("  mistake costs a lot", "\tmistake costs a lot"))
    before = path.read_text()
    code, out = run("lint", "--fix", str(minibank))
    assert code == 1 and path.read_text() == before
    assert "tab indentation on line 18 not replaced" in out
    assert "2, 4 or 8 columns wide" in out


def test_fmt_replaces_tab_indentation_when_unambiguous() -> None:
    out = format_text("id: q01\n" + TABBED, "question")
    assert out == 'id: q01\nworked:\n  - says: "4.6"\n    expr: -log(0.01)\n'


def test_fmt_refuses_ambiguous_tab_indentation() -> None:
    with pytest.raises(FormatError, match="tab indentation on line 4 not replaced"):
        format_text("id: q01\nanswer: |\n  Text\n\tmore\n", "question")


def test_untab_agrees_only_when_every_width_that_loads_gives_the_same_data() -> None:
    assert untab("id: q01\n") is None  # loads: nothing to repair
    assert untab("id: [unclosed\n") is None  # an error that is not a tab
    assert untab("id: q01\n\ttitle: x\nsee: [unclosed\n") is None  # another error is in the way
    mixed = untab('worked:\n  - says: "4.6"\n\texpr: x\n')  # only a 4-column tab makes it load
    assert mixed is not None and mixed.text == 'worked:\n  - says: "4.6"\n    expr: x\n'
    dash = untab("topics:\n  -\tloss\n")
    assert dash is not None and dash.text is not None and parse_yaml(dash.text)[0] == {"topics": ["loss"]}
    ambiguous = untab("answer: |\n  Text\n\tmore\n")
    assert ambiguous is not None and ambiguous.text is None and ambiguous.lines == (3,)
