"""Issue 13, worked numbers: settings versus results, hedged results, constants, messages that point
the author at what is actually wrong (on the command line: the options, not the YAML keys)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from bank_edits import edit
from cli_runner import invoke
from hypothesis import given
from hypothesis import strategies as st

from mlbank.bank import load_bank
from mlbank.claims import ClaimSpec, check_claims, find_stated_results, prose, run_calc, validate_claim
from mlbank.finding import Finding
from mlbank.formatter import format_text
from mlbank.importer import read_page
from mlbank.lint import Selection, lint_bank
from mlbank.model import Question, json_schema

MINIBANK = Path(__file__).parent / "fixtures" / "minibank"
Q01 = "questions/screening/q01-log-loss.yaml"
ANSWER_END = "neither does any amount of extra training data.\n"


def tokens(text: str) -> list[str]:
    return [token for _, token in find_stated_results(text)]


# --- settings are not results ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "With temperature $T = 2$ the distribution flattens.",
        "with $\\alpha = 0.25, \\gamma = 2$ as in the paper",
        "at $p_t = 0.9$ the factor is small",
        "set $\\lambda_{\\text{max}} = 10$",
        "$\\hat{y} = 1$ for positives",
        "$x' = 0.5$ and $\\theta^{\\prime} = 1$",
        "With temperature T = 2 the distribution flattens.",
        "train with batch_size = 32 and d_model = 512",
        "set `lr = 3e-4` and `optim.momentum=0.9`",
        "x = -0.5.",
        "T equals 2 here",
        "Done. T = 2 then.",
        "$\\quad k = 5$",
    ],
)
def test_a_lone_symbol_set_to_a_literal_is_a_setting(text: str) -> None:
    assert tokens(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("loss = 0.92", ["0.92"]),  # a quantity named in words is a result
        ("the threshold = 0.1.", ["0.1"]),
        ("$(1-0.9)^2 = 0.01$", ["0.01"]),
        ("$x = y = 0.5$", ["0.5"]),  # the end of a chain is a derived value
        ("the break-even is $p^* = 0.01$.", ["0.01"]),  # a starred symbol names a derived optimum
        ("$a + T = 2$", ["2"]),
        ("$2T = 4$", ["4"]),
        ("$2 \\cdot T = 4$", ["4"]),
        ("$f(x) = 3$", ["3"]),
        ("$5 \\times 5 \\times 20 = 500$", ["500"]),
        ("$T \\approx 2$", ["2"]),  # nothing is set approximately
        ("loss = -0.5.", ["-0.5"]),
        ("the loss =\n0.92 at the end", ["0.92"]),  # a wrapped line does not hide a result
    ],
)
def test_equations_that_state_results(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


# --- hedged and spelled-out results ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the loss drops to about 0.245 on average", ["0.245"]),
        ("About 0.245 of it", ["0.245"]),
        ("roughly 4.6 nats", ["4.6"]),
        ("approximately 1.87", ["1.87"]),
        ("approx. 1.87", ["1.87"]),
        ("around 0.31", ["0.31"]),
        ("nearly 99.9% accuracy", ["99.9%"]),
        ("almost 2.5x faster", ["2.5x"]),
        ("keeps about 18% on average", ["18%"]),
        ("a loss of ~0.245", ["0.245"]),
        ("$\\sim 0.245$", ["0.245"]),
        ("about $0.245$", ["0.245"]),
        ("costs about\n0.245 per step", ["0.245"]),
        ("the total comes to 500 fits", ["500"]),
        ("which works out to 0.41", ["0.41"]),
        ("the spend amounts to 1,200", ["1,200"]),
        ("the weights add up to 1", ["1"]),
        ("the sum equals 12", ["12"]),
    ],
)
def test_hedged_and_spelled_out_results(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "PCA to about 50 dimensions",  # a whole number after a hedge counts or sizes something
        "a dispute window of about 120 days",
        "the fraud rate is about 0.2%; and",  # one significant digit: an estimate
        "a learning rate around 3e-4",
        "a cross-entropy around 0.3",
        "costs about \\$1.25 per user",  # a price is a given
        "about 0.25 * n",  # an expression, as after '='
        "Table~2.5",  # a LaTeX tie, not a hedge
        "throughout 0.25",
        "when it comes to 3 classes",  # the idiom, not a sum
    ],
)
def test_estimates_are_not_results(text: str) -> None:
    assert tokens(text) == []


_PIECES = [
    *"0123456789 \t\n$-~.,%x=",
    "about",
    "About",
    "roughly",
    "approx.",
    "\\sim",
    "comes to",
    "adds up to",
    "equals",
    "when it",
    "ABOUT",
]


@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_the_digit_led_prefilter_keeps_every_cued_number(text: str) -> None:
    """The fast path (a lookbehind prefilter on digits) never drops a number that _CUE accepts."""
    candidates = {m.start() for m in prose._MAY_BE_CUED.finditer(text)}
    for i, char in enumerate(text):
        if char.isdigit() and prose._CUE.search(text, max(0, i - prose._CUE_REACH), i) is not None:
            assert i in candidates, (text, i)


def test_offsets_of_hedged_results_point_at_the_token() -> None:
    text = "It is about 0.245, which comes to 500 and $\\approx 4.6$."
    found = find_stated_results(text)
    assert [token for _, token in found] == ["0.245", "500", "4.6"]
    for offset, token in found:
        assert text[offset : offset + len(token)] == token


# --- lint on the mini bank: settings: and the MB400/MB403 messages ---------------------------------


def lint(bank: Path, *codes: str) -> list[Finding]:
    selection = Selection(select=frozenset(codes))
    return [f for f in lint_bank(load_bank(bank, cwd=bank), selection) if f.code in codes]


@pytest.fixture
def bank(tmp_path: Path) -> Path:
    shutil.copytree(MINIBANK, tmp_path / "bank")
    return tmp_path / "bank"


def test_an_unclaimed_hedged_result_is_reported_with_both_ways_out(bank: Path) -> None:
    edit(bank / Q01, ANSWER_END, ANSWER_END + "  A hesitant 0.8 costs about 0.223.\n")
    findings = lint(bank, "MB403")
    assert [(f.line, f.column) for f in findings] == [(20, 30)]
    assert '"0.223" reads as a computed result' in findings[0].message
    assert 'add a worked: claim with says: "0.223"' in findings[0].message
    assert 'list "0.223" under settings:' in findings[0].message


def test_settings_mark_a_given_number(bank: Path) -> None:
    edit(bank / Q01, ANSWER_END, ANSWER_END + "  We assume a prior of about 0.25.\n")
    edit(bank / Q01, "worked:\n", 'settings: ["0.25"]\nworked:\n')
    assert lint(bank, "MB403") == []


def test_a_setting_that_marks_nothing_is_reported(bank: Path) -> None:
    edit(bank / Q01, "worked:\n", 'settings: ["0.25"]\nworked:\n')
    findings = lint(bank, "MB403")
    assert [(f.line, f.column) for f in findings] == [(27, 12)]
    assert 'settings: lists "0.25"' in findings[0].message and "remove it" in findings[0].message


def test_a_setting_that_a_claim_proves_is_reported(bank: Path) -> None:
    edit(bank / Q01, "worked:\n", 'settings: ["4.6"]\nworked:\n')
    findings = lint(bank, "MB403")
    assert [(f.line, f.column) for f in findings] == [(27, 12)]
    assert "a worked: claim proves" in findings[0].message


def test_mb400_says_what_is_wrong_when_only_says_changed(bank: Path) -> None:
    edit(bank / Q01, 'says: "4.6"', 'says: "4.7"')
    (finding,) = lint(bank, "MB400")
    assert "write 4.6 in the text and in says:" not in finding.message
    assert "does not match the text, which already states 4.6" in finding.message
    assert 'change says: to "4.6"' in finding.message


def test_mb400_keeps_its_advice_when_text_and_claim_are_both_wrong(bank: Path) -> None:
    edit(bank / Q01, "\\approx 4.6$", "\\approx 4.7$")
    edit(bank / Q01, 'says: "4.6"', 'says: "4.7"')
    (finding,) = lint(bank, "MB400")
    assert "write 4.6 in the text and in says:" in finding.message


# --- the settings: field in the schema, fmt and the Markdown round trip -----------------------------


def test_settings_is_in_the_schema_after_worked() -> None:
    fields = list(Question.model_fields)
    assert fields.index("settings") == fields.index("worked") + 1
    schema = json_schema("question")
    assert schema["properties"]["settings"]["items"]["type"] == "string"
    published = (Path(__file__).parent.parent / "schema" / "question.schema.json").read_text()
    assert '"settings"' in published


def test_fmt_puts_settings_after_worked_and_keeps_them_quoted(bank: Path) -> None:
    text = (bank / Q01).read_text(encoding="utf-8")
    moved = text.replace("prompt: |", 'settings: ["0.25"]\nprompt: |', 1)
    formatted = format_text(moved, "question", None)
    assert 'worked:\n  - says: "4.6"\n    expr: -log(0.01)\nsettings: ["0.25"]\n' in formatted


def test_unquoted_setting_is_reported_as_mangled(bank: Path) -> None:
    edit(bank / Q01, "worked:\n", "settings: [0.25]\nworked:\n")
    findings = lint(bank, "MB105")
    assert findings and 'quote it: "0.25"' in findings[0].message


def test_settings_survive_the_markdown_round_trip(bank: Path, tmp_path: Path) -> None:
    edit(bank / Q01, ANSWER_END, ANSWER_END + "  We assume a prior of about 0.25.\n")
    edit(bank / Q01, "worked:\n", 'settings: ["0.25"]\nworked:\n')
    out = tmp_path / "bank.md"
    result = invoke("export", str(bank), "--format", "markdown", "--out", str(out))
    assert result.exit_code == 0, result.output
    imported = {q.data["id"]: q.data for q in read_page(out.read_text(encoding="utf-8"))}
    assert imported["q01"]["settings"] == ["0.25"]


def test_settings_are_not_exported_to_learners(bank: Path, tmp_path: Path) -> None:
    edit(bank / Q01, ANSWER_END, ANSWER_END + "  We assume a prior of about 0.25.\n")
    edit(bank / Q01, "worked:\n", 'settings: ["0.25"]\nworked:\n')
    out = tmp_path / "bank.json"
    result = invoke("export", str(bank), "--format", "json", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert '"settings"' not in out.read_text(encoding="utf-8")


# --- constants -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        ("pi", "3.14"),
        ("e", "2.718"),
        ("sqrt(2*pi)", "2.507"),
        ("0.5*log(2*pi*e)", "1.419"),  # the entropy of a standard Gaussian, in nats
        ("4/3*pi*r^3", "4.19"),
    ],
)
def test_pi_and_e_are_exact_constants(expr: str, says: str) -> None:
    code, lines = run_calc(expr, says=says, where=["r=1"] if "r" in expr.replace("pi", "") else [])
    assert code == 0, lines
    assert lines[-1].startswith("holds: ")


def test_constants_in_identities_and_where_values() -> None:
    assert run_calc("exp(1)", equals="e")[0] == 0
    assert run_calc("log(e^x)", equals="x", domain=["x=[-5, 5]"])[0] == 0
    assert run_calc("c", says="6.28", where=["c=2*pi"])[0] == 0
    assert run_calc("pi", says="3.15")[0] == 1


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"expr": "pi*r", "says": "3", "where": ["pi=3.14", "r=1"]}, "'pi' is the constant"),
        ({"expr": "e*x", "equals": "x*e", "domain": ["e=[0, 1]", "x=[0, 1]"]}, "'e' is Euler's number"),
        ({"expr": "E", "says": "2.7"}, "for Euler's number write e"),
        ({"expr": "PI", "says": "3.1"}, "for the constant write pi"),
    ],
)
def test_constant_names_cannot_be_rebound_and_near_misses_are_hinted(
    kwargs: dict[str, object], words: str
) -> None:
    code, lines = run_calc(**kwargs)  # type: ignore[arg-type]
    assert code == 2
    assert words in lines[0], lines


def test_the_bank_has_no_claim_whose_meaning_changes() -> None:
    """No claim of the bank names pi, e, E or PI: their verdicts cannot change with the constants."""
    bank = load_bank(Path(__file__).parent.parent / "bank")
    from mlbank.worked import claims_of

    specs = [c.spec for doc in bank.documents for c in claims_of(doc)]
    assert len(specs) > 40
    assert [validate_claim(spec) for spec in specs] == [None] * len(specs)
    assert {v.status for v in check_claims(specs)} == {"holds"}


# --- calc names its options, not the YAML keys -----------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "words", "not_words"),
    [
        ({"expr": "x^2", "equals": "x*x"}, "bind it in --where or declare it in --domain", "where:"),
        ({"expr": "x + 1", "says": "2"}, "bind it in --where (a --says claim", "where:"),
        ({"expr": "x", "says": "1", "domain": ["x=[0, 1]"]}, "--domain", "domain:"),
        (
            {"expr": "x", "equals": "x", "tolerance": "0.1", "domain": ["x=[0, 1]"]},
            "only --says claims take --tolerance, so",
            "says:",
        ),
    ],
)
def test_calc_refusals_name_the_options(kwargs: dict[str, object], words: str, not_words: str) -> None:
    code, lines = run_calc(**kwargs)  # type: ignore[arg-type]
    assert code == 2
    text = "\n".join(lines)
    assert words in text
    assert re.search(rf"(?<![-\w]){not_words}", text) is None, text


def test_calc_fails_with_option_advice() -> None:
    code, lines = run_calc("-log(0.01)", says="4.60")
    assert code == 1
    assert "--says" in lines[-1] and "says:" not in lines[-1].split("fails: ", 1)[1]


def test_calc_cli_names_the_options() -> None:
    result = invoke("calc", "x^2", "--equals", "x*x")
    assert result.exit_code == 2
    assert "--where" in result.output and "--domain" in result.output
    assert "where:" not in result.output


def test_lint_messages_still_name_the_yaml_keys() -> None:
    message = validate_claim(ClaimSpec("x^2", equals="x*x"))
    assert message is not None and "where:" in message and "domain:" in message
