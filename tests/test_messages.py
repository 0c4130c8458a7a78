"""Messages that point a new author the right way (issue 13, item 5): each names the real place and
the real fix, not the first symptom a rule happened to see."""

from __future__ import annotations

from pathlib import Path

import pytest
from bank_edits import edit
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.finding import Finding
from mlbank.lint import Selection, lint_bank
from mlbank.markup import Unbalanced, scan
from mlbank.rules.base import did_you_mean

Q01 = "questions/screening/q01-log-loss.yaml"


def lint(bank: Path, *codes: str) -> list[Finding]:
    return lint_bank(load_bank(bank, cwd=bank), Selection(select=frozenset(codes)))


def shown(findings: list[Finding]) -> list[tuple[str, int, int, str]]:
    return [(f.code, f.line, f.column, f.message) for f in findings]


# --- MB301: the unclosed span, not the next line's correctly paired '$' ----------------------------


def test_unclosed_math_is_reported_where_it_opens(minibank: Path) -> None:
    edit(minibank / Q01, "\\log(1 - p)]$. A confident", "\\log(1 - p)]. A confident")
    assert shown(lint(minibank, "MB301")) == [
        (
            "MB301",
            17,
            25,
            "math span opened here is never closed: the '$' at line 18, column 61 opens the next "
            "span; close this one with '$', or write a literal dollar as '\\$'",
        )
    ]


def test_math_left_open_at_the_end_of_its_paragraph(minibank: Path) -> None:
    edit(minibank / Q01, "\\approx 4.6$.", "\\approx 4.6.")
    assert shown(lint(minibank, "MB301")) == [
        (
            "MB301",
            18,
            61,
            "math delimiter '$' is never closed in this paragraph: close it, or write a literal "
            "dollar as '\\$'",
        )
    ]


@pytest.mark.parametrize(
    ("text", "currency", "unbalanced"),
    [
        ("$a and $b$ end", (), (Unbalanced(0, "$", 7),)),  # ' $b' opens: the span before is open
        ("$a and ($b$) end", (), (Unbalanced(0, "$", 8),)),
        ("$a$ and ($b$) end", (), ()),
        ("$ a $ and $b$", (), ()),  # loose spacing inside a span still pairs
        ("costs $5 and $10", (6, 13), ()),
        ("$x = 1 costs $50 and $y$", (13,), (Unbalanced(0, "$", 13),)),
        ("$$a$$ and $$b", (), (Unbalanced(10, "$$"),)),  # display math keeps plain pairing
    ],
)
def test_scan_cuts_a_span_off_where_the_next_one_opens(
    text: str, currency: tuple[int, ...], unbalanced: tuple[Unbalanced, ...]
) -> None:
    assert scan(text) == (currency, unbalanced)


# --- did you mean: the id scheme (prefix, zero padding) before spelling -----------------------------


@pytest.mark.parametrize(
    ("value", "choices", "suggested"),
    [
        ("q2", ["q42", "q02", "q12"], "q02"),  # zero padding, not the nearest spelling
        ("q002", ["q20", "q02"], "q02"),
        ("qf2", ["q02", "qf02", "qf20"], "qf02"),  # the prefix counts
        ("gf2", ["q02", "qf02", "qf20"], "qf02"),  # a mistyped prefix, same number
        ("q99", ["q09", "q19", "q90"], None),  # no question has that number: no guess at another
        ("bias-varaince", ["bias-variance", "q02"], "bias-variance"),  # names: spelling as before
    ],
)
def test_did_you_mean_knows_the_id_scheme(value: str, choices: list[str], suggested: str | None) -> None:
    assert did_you_mean(value, choices) == (f" (did you mean '{suggested}'?)" if suggested else "")


def test_see_suggests_the_zero_padded_id(minibank: Path) -> None:
    (minibank / "questions/screening/q41-other.yaml").write_text("id: q41\nsection: screening\n")
    edit(minibank / Q01, "see: [loss-functions, qf01]", "see: [loss-functions, q1]")
    (finding,) = lint(minibank, "MB205")
    assert finding.message == "see: 'q1' is neither a topic nor a question id (did you mean 'q01'?)"


# --- empty values: say the field is empty and what to write, once -----------------------------------


def test_empty_rubric_level_says_what_to_write(minibank: Path) -> None:
    edit(minibank / Q01, "  no_hire: |\n    Says accuracy.", "  no_hire:")
    assert shown(lint(minibank, "MB1")) == [
        (
            "MB102",
            25,
            11,
            "rubric.no_hire is empty: say what a No Hire answer says or leaves out, as text after "
            "'no_hire: |' on the lines below it, indented",
        )
    ]


@pytest.mark.parametrize(
    ("value", "column", "message"),
    [
        ("title:", 7, "title is empty: write the title after 'title: '"),
        ("title: ~", 8, "title: '~' is YAML for no value: write the title (or quote it, \"~\", if you mean the text)"),
        ("title: null", 8, "title: 'null' is YAML for no value: write the title (or quote it, \"null\", if you mean the text)"),
        ('title: ""', 8, "title is empty: write the title"),
    ],
)  # fmt: skip
def test_empty_title_says_it_is_empty(minibank: Path, value: str, column: int, message: str) -> None:
    edit(minibank / Q01, "title: Log loss", value)
    assert shown(lint(minibank, "MB1", "MB2")) == [
        ("MB105" if '"' not in value else "MB100", 4, column, message)
    ]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("see: [loss-functions, qf01]", "see: qf01", "see must be a list, even of one item: write [qf01]"),
        ("see: [loss-functions, qf01]", "see:", "see is empty: write its items as a list, [a, b], or one '- ' line each"),
        ("topics: [loss-functions]", "topics: loss-functions", "topics must be a list, even of one item: write [loss-functions]"),
    ],
)  # fmt: skip
def test_a_list_field_written_otherwise_says_how_to_write_it(
    minibank: Path, old: str, new: str, message: str
) -> None:
    edit(minibank / Q01, old, new)
    assert [f.message for f in lint(minibank, "MB1", "MB2") if f.path == Q01] == [message]


def test_an_empty_rubric_says_what_goes_under_it(minibank: Path) -> None:
    text = (minibank / Q01).read_text()
    edit(minibank / Q01, text[text.index("rubric:") : text.index("worked:")], "rubric:\n")
    assert [f.message for f in lint(minibank, "MB1") if f.path == Q01] == [
        "rubric is empty: add strong_hire, lean_hire and no_hire under it, indented, "
        "each as 'level: |' with its text on the lines below"
    ]


@pytest.mark.parametrize(
    ("old", "field", "line"), [("id: q01", "id", 2), ("section: screening", "section", 3)]
)
def test_an_empty_id_or_section_is_reported_once(minibank: Path, old: str, field: str, line: int) -> None:
    edit(minibank / Q01, old, f'{field}: ""')
    findings = [f for f in lint(minibank, "MB1", "MB2") if f.path == Q01]
    assert shown(findings) == [("MB100", line, len(field) + 3, f"{field} is empty: write the {field}")]


def test_a_list_where_the_section_belongs_is_a_finding_not_a_crash(minibank: Path) -> None:
    edit(minibank / Q01, "section: screening", "section: []")
    findings = lint(minibank)
    assert [f.code for f in findings if f.line == 3] == ["MB100"]


def test_a_mapping_among_the_topics_is_a_finding_not_a_crash(minibank: Path) -> None:
    edit(minibank / Q01, "topics: [loss-functions]", "topics: [loss-functions, {}]")
    assert [f.code for f in lint(minibank) if f.line == 7] == ["MB100"]


# --- MB206: a duplicate id gets the section's next free id ------------------------------------------


def test_duplicate_id_suggests_the_next_free_id(minibank: Path) -> None:
    for name in ("q01-copy", "q01-again"):
        (minibank / f"questions/screening/{name}.yaml").write_text("id: q01\nsection: screening\n")
    messages = sorted(f.message for f in lint(minibank, "MB206"))
    assert messages == [
        "question id 'q01' is already used by questions/screening/q01-log-loss.yaml: "
        "give this question the section's next free id, q02 (`mlbank lint --fix` then renames its file)",
        "question id 'q01' is already used by questions/screening/q01-log-loss.yaml: "
        "give this question the section's next free id, q03 (`mlbank lint --fix` then renames its file)",
    ]


def test_duplicate_id_in_a_prefixed_section(minibank: Path) -> None:
    (minibank / "questions/quick-fire/qf01-copy.yaml").write_text("id: qf01\nsection: quick-fire\n")
    (finding,) = lint(minibank, "MB206")
    assert "the section's next free id, qf02 " in finding.message


# --- mlbank rule / rules: the severity this repository gives a rule ---------------------------------


@pytest.fixture
def configured(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mlbank]\nignore = ["MB203"]\n[tool.mlbank.severity]\nunchecked-result = "error"\n'
    )
    return tmp_path


def test_rule_shows_the_effective_severity(configured: Path) -> None:
    result = invoke("rule", "MB403", cwd=configured)
    first = result.output.splitlines()[0]
    assert result.exit_code == 0
    assert first == (
        "MB403 [unchecked-result] (error here: pyproject.toml [tool.mlbank.severity] sets it; "
        "warning by default)"
    )


def test_rule_says_when_it_is_off(configured: Path) -> None:
    first = invoke("rule", "unused-topic", cwd=configured).output.splitlines()[0]
    assert first == "MB203 [unused-topic] (warning by default; off here: pyproject.toml ignores it)"


def test_rule_without_configuration_shows_the_default(tmp_path: Path) -> None:
    assert (
        invoke("rule", "MB403", cwd=tmp_path).output.splitlines()[0] == "MB403 [unchecked-result] (warning)"
    )


def test_rules_lists_the_effective_severity(configured: Path) -> None:
    output = invoke("rules", cwd=configured).output
    lines = {line.split()[0]: line for line in output.splitlines() if line.startswith("MB")}
    assert output.splitlines()[0].split() == ["code", "name", "default", "here", "summary"]
    assert lines["MB403"].split()[2:4] == ["warning", "error"]
    assert lines["MB203"].split()[2:4] == ["warning", "off"]
    assert lines["MB102"].split()[2:4] == ["error", "error"]


# --- mlbank new: the message the README shows -------------------------------------------------------


def test_new_says_created(minibank: Path) -> None:
    result = invoke("new", "--section", "screening", "--topic", "loss-functions", "Brier score", cwd=minibank)
    assert result.exit_code == 0
    assert result.stdout == "created questions/screening/q02-brier-score.yaml\n"
