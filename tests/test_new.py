"""`mlbank new`: the next free id, a canonical file with every required field, TODOs that fail lint."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.commands import new
from mlbank.formatter import format_text
from mlbank.lint import lint_bank
from mlbank.loader import parse_yaml

NEW = "questions/screening/q02-cross-entropy-vs-brier-score.yaml"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.stdout, result.stderr


def create(bank: Path, *args: str, title: str = "Cross-entropy vs. Brier score") -> tuple[int, str, str]:
    return run("new", *args, title, cwd=bank)


def test_creates_the_next_id_with_every_required_field(minibank: Path) -> None:
    code, out, _ = create(minibank, "--section", "screening", "--topic", "loss-functions")
    assert code == 0 and out == f"created {NEW}\n"
    text = (minibank / NEW).read_text()
    assert text.splitlines()[0] == "# yaml-language-server: $schema=../../../schema/question.schema.json"
    data = parse_yaml(text)[0]
    assert data == {
        "id": "q02",
        "section": "screening",
        "title": "Cross-entropy vs. Brier score",
        "time_minutes": 1,  # the section's minutes_per_question.min
        "topics": ["loss-functions"],
        "see": ["loss-functions"],
        "prompt": new.PLACEHOLDERS["prompt"],
        "answer": new.PLACEHOLDERS["answer"],
        "rubric": {level: new.PLACEHOLDERS[level] for level in ("strong_hire", "lean_hire", "no_hire")},
    }
    assert all("TODO" in text for text in new.PLACEHOLDERS.values())


def test_the_new_file_is_already_canonical(minibank: Path) -> None:
    create(
        minibank,
        "--section",
        "quick-fire",
        "--topic",
        "bias-variance",
        "--topic",
        "loss-functions",
        "--company",
        "google",
        title="Variance: what is it?",
    )
    path = minibank / "questions/quick-fire/qf02-variance-what-is-it.yaml"
    text = path.read_text()
    assert format_text(text, "question") == text
    code, out, _ = run("fmt", "--check", str(path))
    assert code == 0, out
    data = parse_yaml(text)[0]
    assert data["time_minutes"] == 0.25 and data["topics"] == ["bias-variance", "loss-functions"]
    assert data["companies"] == [{"company": "google", "expects": new.PLACEHOLDERS["expects"]}]


def test_lint_fails_the_new_file_only_on_its_placeholders(minibank: Path) -> None:
    create(minibank, "--section", "screening", "--topic", "loss-functions", "--company", "google")
    path = minibank / NEW
    findings = lint_bank(load_bank(minibank), only=[path])  # every rule selected
    codes = {f.code for f in findings}
    assert "MB502" in codes
    assert codes == {"MB502", "MB600"}, findings  # and, a warning, no one has reviewed it yet
    placeholders = [f for f in findings if f.code == "MB502"]
    assert len(placeholders) == 6  # companies.0.expects, prompt, answer and the three rubric levels


def test_speaking_time_leaves_placeholders_to_mb502(minibank: Path) -> None:
    create(minibank, "--section", "screening", "--topic", "loss-functions")
    findings = lint_bank(load_bank(minibank), only=[minibank / NEW])
    assert {f.code for f in findings} == {"MB502", "MB600"}


def test_next_id_counts_the_prefix_across_the_whole_bank(minibank: Path) -> None:
    other = minibank / "questions/quick-fire/q09-misfiled.yaml"  # a `q` id in another section's folder
    other.write_text("id: q09\n")
    (minibank / "questions/screening/q1-short.yaml").write_text("id: q1\n")
    assert new.next_id(minibank, "q") == "q10"
    assert new.next_id(minibank, "qf") == "qf02"
    assert new.next_id(minibank, "x") == "x01"
    (minibank / "questions/screening/q120-long.yaml").write_text("id: q120\n")
    assert new.next_id(minibank, "q") == "q121"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--section", "screenin", "--topic", "loss-functions"),
            "unknown section 'screenin'; did you mean 'screening'?",
        ),
        (
            ("--section", "screening", "--topic", "loss-function"),
            "unknown topic 'loss-function'; did you mean 'loss-functions'?",
        ),
        (
            ("--section", "screening", "--topic", "loss-functions", "--company", "gogle"),
            "unknown company 'gogle'; did you mean 'google'?",
        ),
    ],
)
def test_unknown_names_exit_2_with_a_suggestion(minibank: Path, args: tuple[str, ...], message: str) -> None:
    before = sorted(minibank.rglob("*"))
    code, out, err = create(minibank, *args)
    assert code == 2 and message in err and out == ""
    assert sorted(minibank.rglob("*")) == before


def test_refuses_to_overwrite(minibank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    existing = minibank / "questions/screening/q01-log-loss.yaml"
    before = existing.read_bytes()
    monkeypatch.setattr(new, "next_id", lambda root, prefix: "q01")
    code, _, err = create(minibank, "--section", "screening", "--topic", "loss-functions", title="Log loss")
    assert code == 1 and "q01-log-loss.yaml already exists: not overwritten" in err
    assert existing.read_bytes() == before


def test_slug() -> None:
    assert new.slugify("Bias vs. variance: the trade-off") == "bias-vs-variance-the-trade-off"
    assert new.slugify("Café à la SGD — 99% of the time") == "cafe-a-la-sgd-99-of-the-time"
    assert (
        new.slugify("one two three four five six seven eight nine")
        == "one-two-three-four-five-six-seven-eight"
    )
    assert new.slugify("???") == ""
    assert new.slugify("a" * 5000) == "a" * 60  # a file name the filesystem accepts
    assert new.slugify("alpha " + "b" * 100) == "alpha"


def test_a_very_long_title_still_makes_a_file(minibank: Path) -> None:
    title = "Why " + "x" * 5000
    code, out, _ = create(minibank, "--section", "screening", "--topic", "loss-functions", title=title)
    assert code == 0 and out.strip().endswith("-why.yaml")


def test_title_without_letters_is_a_usage_error(minibank: Path) -> None:
    code, _, err = create(minibank, "--section", "screening", "--topic", "loss-functions", title="???")
    assert code == 2 and "no letters or digits" in err


def test_a_failed_write_is_a_clear_error(minibank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(path: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(new, "write_text", full)
    code, _, err = create(minibank, "--section", "screening", "--topic", "loss-functions")
    assert code == 2 and "cannot write" in err and "No space left on device" in err
    assert "internal error" not in err and "Traceback" not in err
