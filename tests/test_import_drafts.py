"""`mlbank import` of a Markdown draft written by hand, and `mlbank new --markdown`, its template.

The draft layout is documented in mlbank/importer.py; exported pages are covered by test_import.py.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.lint import lint_bank
from mlbank.loader import parse_yaml

DRAFT = """\
# Hinge loss

id: q02
section: screening
topics: [loss-functions]

## Prompt

When would you train a classifier with hinge loss?

## Model answer

When only the decision matters: hinge loss gives a max-margin classifier, as in a support vector machine, and stops pushing once an example is past the margin, so it says nothing about probabilities.

## Rubric

### Strong hire

Names the margin and the missing probabilities.

### Lean hire

Names the SVM.

### No hire

Cannot say.
"""

EXPECTED = {
    "id": "q02",
    "section": "screening",
    "title": "Hinge loss",
    "topics": ["loss-functions"],
    "prompt": "When would you train a classifier with hinge loss?\n",
    "answer": "When only the decision matters: hinge loss gives a max-margin classifier, as in a support vector machine, and stops pushing once an example is past the margin, so it says nothing about probabilities.\n",
    "rubric": {
        "strong_hire": "Names the margin and the missing probabilities.\n",
        "lean_hire": "Names the SVM.\n",
        "no_hire": "Cannot say.\n",
    },
}
CREATED = "questions/screening/q02-hinge-loss.yaml"


def run(cwd: Path, *args: str) -> tuple[int, str, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.stdout, result.stderr


def import_draft(bank: Path, text: str, *args: str) -> tuple[int, str, str]:
    page = bank.parent / "draft.md"
    page.write_text(text, encoding="utf-8")
    return run(bank.parent, "import", "--bank", str(bank), *args, "draft.md")


def deeper(text: str, levels: int) -> str:
    """The draft with every heading `levels` levels deeper."""
    return "\n".join("#" * levels + line if line.startswith("#") else line for line in text.split("\n"))


def imported(bank: Path, name: str = CREATED) -> Any:
    return parse_yaml((bank / name).read_text(encoding="utf-8"))[0]


# --- drafts that import -----------------------------------------------------------------------------


def test_a_hand_written_draft_imports(minibank: Path) -> None:
    code, out, err = import_draft(minibank, DRAFT)
    assert code == 0, err
    assert imported(minibank) == EXPECTED
    assert "1 question read, 1 changed, 0 unchanged." in out
    findings = lint_bank(load_bank(minibank), only=[minibank / CREATED])
    assert {f.code for f in findings} == {"MB600"}, findings  # only: no one has reviewed it yet


@pytest.mark.parametrize("levels", [1, 2, 3])
def test_heading_levels_are_relative_to_the_question_heading(minibank: Path, levels: int) -> None:
    code, _, err = import_draft(minibank, deeper(DRAFT, levels))
    assert code == 0, err
    assert imported(minibank) == EXPECTED


def test_the_heading_may_carry_the_id_as_the_export_writes_it(minibank: Path) -> None:
    draft = deeper(DRAFT, 2).replace("### Hinge loss\n\nid: q02\n", "### q02 \u00b7 Hinge loss\n\n")
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    assert imported(minibank) == EXPECTED


def test_a_page_of_drafts_under_its_own_title(minibank: Path) -> None:
    second = deeper(DRAFT, 1).replace("q02", "q03").replace("Hinge loss", "Squared hinge")
    page = "# My drafts\n\nTo review on Monday.\n\n" + deeper(DRAFT, 1) + "\n" + second
    code, out, err = import_draft(minibank, page)
    assert code == 0, err
    assert imported(minibank) == EXPECTED
    assert imported(minibank, "questions/screening/q03-squared-hinge.yaml")["title"] == "Squared hinge"
    assert "2 questions read, 2 changed" in out


def test_a_section_heading_after_a_draft_ends_it(minibank: Path) -> None:
    page = deeper(DRAFT, 1) + "\n# Notes\n\nNot part of the question.\n"
    code, _, err = import_draft(minibank, page)
    assert code == 0, err
    assert imported(minibank) == EXPECTED


def test_optional_fields_and_what_an_author_types(minibank: Path) -> None:
    fields = (
        "id: q02\nsection: screening\ntopics: loss-functions, bias-variance\nsee: q01\nlevel: L4\n"
        "time_minutes: 2\ncompanies: [google]\nworked:\n  - says: 0.50\n    expr: 1/2\n"
    )
    draft = DRAFT.replace("id: q02\nsection: screening\ntopics: [loss-functions]\n", fields)
    draft += "\n## Company variations\n\n### Google\n\nThe margin.\n"
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    data = imported(minibank)
    assert data == {
        **EXPECTED,
        "level": "L4",
        "time_minutes": 2,
        "topics": ["loss-functions", "bias-variance"],
        "see": ["q01"],
        "companies": [{"company": "google", "expects": "The margin.\n"}],
        "worked": [{"says": "0.50", "expr": "1/2"}],  # the digits as typed: 0.50, not 0.5
    }


def test_companies_without_their_section_have_no_expectations(minibank: Path) -> None:
    draft = DRAFT.replace("topics: [loss-functions]\n", "topics: [loss-functions]\ncompanies: [google]\n")
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    assert imported(minibank)["companies"] == [{"company": "google"}]


def test_a_comment_question_with_a_plain_title_heading(minibank: Path) -> None:
    comment = '<!-- mlbank: {"id": "q02", "section": "screening", "topics": ["loss-functions"]} -->'
    draft = DRAFT.replace("id: q02\nsection: screening\ntopics: [loss-functions]\n", comment + "\n")
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    assert imported(minibank)["title"] == "Hinge loss"  # was "# Hinge loss"


def test_a_pasted_export_question_under_a_page_title(minibank: Path) -> None:
    """The export's layout, comment and all, pasted under a title of the author's own (no anchor)."""
    comment = '<!-- mlbank: {"id": "q02", "section": "screening", "topics": ["loss-functions"]} -->'
    question = deeper(DRAFT, 2).replace(
        "id: q02\nsection: screening\ntopics: [loss-functions]\n", comment + "\n"
    )
    code, _, err = import_draft(
        minibank, "# My drafts\n\n" + question.replace("### Hinge", "### q02 \u00b7 Hinge")
    )
    assert code == 0, err  # was: missing the heading '## Prompt'
    assert imported(minibank) == EXPECTED


def test_code_fences_and_closing_hashes(minibank: Path) -> None:
    code_sample = "```python\n# Prompt\n## Prompt\nloss = hinge(y, s)\n```"
    draft = DRAFT.replace("# Hinge loss\n", "# Hinge loss ##\n").replace("Names the SVM.", code_sample)
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    data = imported(minibank)
    assert data["title"] == "Hinge loss" and data["rubric"]["lean_hire"] == code_sample + "\n"


def test_settings_keep_their_digits(minibank: Path) -> None:
    draft = DRAFT.replace("topics: [loss-functions]\n", "topics: [loss-functions]\nsettings: [0.50, 1]\n")
    code, _, err = import_draft(minibank, draft)
    assert code == 0, err
    assert imported(minibank)["settings"] == ["0.50", "1"]


def test_a_draft_updating_a_reviewed_question_keeps_its_stamps(minibank: Path) -> None:
    q01 = minibank / "questions/screening/q01-log-loss.yaml"
    stamps = parse_yaml(q01.read_text())[0]["review"]
    draft = DRAFT.replace("id: q02", "id: q01").replace("# Hinge loss", "# Log loss")
    code, out, err = import_draft(minibank, draft)
    assert code == 0, err
    assert "updated bank/questions/screening/q01-log-loss.yaml" in out
    assert parse_yaml(q01.read_text())[0]["review"] == stamps  # lint now says what the edit made stale
    stale = [f for f in lint_bank(load_bank(minibank), only=[q01]) if f.code == "MB601"]
    assert stale and "prompt" in stale[0].message


def test_an_edited_draft_imports_again_into_the_same_file(minibank: Path) -> None:
    assert import_draft(minibank, DRAFT)[0] == 0
    code, out, err = import_draft(minibank, DRAFT.replace("Names the SVM.", "Names the SVM only."))
    assert code == 0, err
    assert f"updated bank/{CREATED}" in out  # relative to the working folder, as `mlbank new` shows it
    assert imported(minibank)["rubric"]["lean_hire"] == "Names the SVM only.\n"
    assert len(list((minibank / "questions/screening").glob("q02-*"))) == 1


def test_text_right_under_a_heading_is_kept(minibank: Path) -> None:
    """No blank line around a heading: before, the first line under each heading was dropped."""
    tight = DRAFT.replace("\n\n", "\n").replace("id: q02", "\nid: q02")
    code, _, err = import_draft(minibank, tight)
    assert code == 0, err
    assert imported(minibank) == EXPECTED


def test_windows_line_endings_and_a_byte_order_mark(minibank: Path) -> None:
    page = minibank.parent / "draft.md"
    page.write_bytes(b"\xef\xbb\xbf" + DRAFT.replace("\n", "\r\n").encode())
    code, _, err = run(minibank.parent, "import", "--bank", str(minibank), "draft.md")
    assert code == 0, err
    assert imported(minibank) == EXPECTED


# --- the template -----------------------------------------------------------------------------------


def test_new_markdown_writes_a_draft_that_imports_to_what_new_writes(minibank: Path, tmp_path: Path) -> None:
    args = ("--section", "screening", "--topic", "loss-functions", "--company", "google", "Hinge loss")
    code, out, err = run(tmp_path, "new", "--bank", str(minibank), "--markdown", *args)
    assert code == 0, err
    draft = tmp_path / "q02-hinge-loss.md"
    assert "q02-hinge-loss.md" in out and draft.is_file()
    assert not (minibank / CREATED).exists()  # a draft, not yet a bank file
    code, _, err = run(tmp_path, "import", "--bank", str(minibank), str(draft))
    assert code == 0, err
    from_draft = (minibank / CREATED).read_bytes()

    other = tmp_path / "other" / "bank"
    shutil.copytree(Path(__file__).parent / "fixtures/minibank", other)
    assert run(tmp_path, "new", "--bank", str(other), *args)[0] == 0
    assert (other / CREATED).read_bytes() == from_draft


def test_new_markdown_does_not_overwrite_a_draft(minibank: Path, tmp_path: Path) -> None:
    (tmp_path / "q02-hinge-loss.md").write_text("mine\n")
    args = ("--section", "screening", "--topic", "loss-functions", "Hinge loss")
    code, _, err = run(tmp_path, "new", "--bank", str(minibank), "--markdown", *args)
    assert code == 1 and "already exists: not overwritten" in err
    assert (tmp_path / "q02-hinge-loss.md").read_text() == "mine\n"


# --- drafts that do not: each error names the line and what was expected there ----------------------


@pytest.mark.parametrize(
    ("old", "new", "where", "message"),
    [
        ("## Prompt", "### Prompt", "7:1", "`### Prompt` is 2 levels below the question heading"),
        ("## Prompt", "### Prompt", "7:1", "write `## Prompt`"),
        ("### Lean hire", "## Lean hire", "21:1", "write `### Lean hire`"),
        ("## Model answer", "## Answer", "11:1", "expected `## Model answer` here, found `## Answer`"),
        ("### No hire", "### No-hire", "25:1", "expected `### No hire` here, found `### No-hire`"),
        ("### No hire\n\nCannot say.\n", "", "21:1", "missing the heading `### No hire`"),
        ("## Prompt\n\nWhen", "## Rubric\n\nWhen", "7:1", "expected `## Prompt` here, found `## Rubric`"),
        ("id: q02\nsection: screening\ntopics: [loss-functions]\n\n", "", "2:1", "no fields under"),
        ("id: q02\n", "", "1:1", "no id: add `id: q02`"),
        ("id: q02\n", "id: q01\n", "3:5", "q01 is already another question"),
        ("id: q02\n", "id: q01\n", "3:5", "`id: q02`"),
        ("section: screening\n", "", "1:1", "no section: add `section: <id>`"),
        ("section: screening\n", "section: screenin\n", "4:10", "did you mean 'screening'?"),
        ("section: screening\n", "sectoin: screening\n", "4:1", "unknown field 'sectoin'"),
        ("topics: [loss-functions]\n", "", "1:1", "no topics: add `topics: [<id>, ...]`"),
        ("topics: [loss-functions]\n", "topics: [loss-functions\n", "5:9", "not valid YAML"),
        ("topics: [loss-functions]\n", "topics: [Loss functions]\n", "5:10", "topics[0]"),
        (
            "topics: [loss-functions]\n",
            "prompt: Why?\n",
            "5:1",
            "`prompt` is not a field: write the prompt under the Prompt heading",
        ),
        ("Names the SVM.\n", "", "21:1", "nothing under `### Lean hire`"),
        ("# Hinge loss", "# q03 \u00b7 Hinge loss", "1:1", "the heading's id q03"),
        ("# Hinge loss", "# q02 - Hinge loss", "1:1", "write `# q02 \u00b7 Hinge loss` or `# Hinge loss`"),
        (
            "id: q02\nsection: screening\ntopics: [loss-functions]\n",
            "- **Section:** [Screening](#section-screening)\n",
            "3:1",
            "expected the question's fields as `key: value` lines",
        ),
        ("## Prompt", "# Prompt", "7:1", "`# Prompt` is not one level below a question heading"),
        ("Cannot say.\n", "Cannot say.\n\n## Company variations\n\n### Google\n\nX.\n", "29:1", "companies"),
        ("Cannot say.\n", "Cannot say.\n\n## Prompt\n\nAgain.\n", "29:1", "`## Prompt` again"),
        (
            "topics: [loss-functions]\n",
            "topics: [loss-functions]\ncompanies: {google: L4}\n",
            "6:12",
            "companies: write a list of company ids",
        ),
    ],
)
def test_errors_name_the_line_and_what_was_expected(
    minibank: Path, old: str, new: str, where: str, message: str
) -> None:
    assert old in DRAFT
    code, out, err = import_draft(minibank, DRAFT.replace(old, new, 1))
    assert code == 2, out
    assert f"draft.md:{where}: " in err and message in err, err
    assert "Traceback" not in err
    assert not (minibank / CREATED).exists()


def test_one_company_heading_per_listed_company(minibank: Path) -> None:
    draft = DRAFT.replace("topics: [loss-functions]\n", "topics: [loss-functions]\ncompanies: [google]\n")
    draft += "\n## Company variations\n\n### Google\n\nThe margin.\n\n### Meta\n\nThe loss.\n"
    code, _, err = import_draft(minibank, draft)
    assert code == 2 and "draft.md:36:1: `### Meta` is one company heading too many" in err, err


def test_two_questions_with_one_id(minibank: Path) -> None:
    page = DRAFT + "\n" + DRAFT.replace("Hinge loss", "Squared hinge")
    code, _, err = import_draft(minibank, page)
    assert code == 2 and "draft.md:29:1: " in err and "q02 is also the id of the question on line 1" in err


def test_every_question_with_a_problem_is_reported(minibank: Path) -> None:
    page = (
        DRAFT.replace("## Model answer", "## Answer")
        + "\n"
        + DRAFT.replace("q02", "q03").replace("### Lean hire", "## Lean hire")
    )
    code, _, err = import_draft(minibank, page)
    assert code == 2 and "draft.md:11:1: " in err and "draft.md:49:1: " in err, err


def test_not_a_draft_says_what_a_draft_looks_like(minibank: Path) -> None:
    code, _, err = import_draft(minibank, "# Notes\n\nJust notes.\n")
    assert code == 2 and "no questions found" in err and "mlbank new --markdown" in err
