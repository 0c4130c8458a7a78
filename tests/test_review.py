"""Review stamps: `mlbank review`, the review rules' verdicts on edits, and review state in stats and exports.

The mini bank's two questions carry stamps written by `mlbank review --by fixture-review --on 2026-12-06`.
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
from cli_runner import invoke

from mlbank.bank import load_bank
from mlbank.lint import Selection, lint_bank
from mlbank.loader import parse_yaml
from mlbank.review import COVERED, field_digests, review_state, stamp_digest

ROOT = Path(__file__).parent.parent
Q = "questions/screening/q01-log-loss.yaml"
QF = "questions/quick-fire/qf01-bias.yaml"
STAMPED = "by fixture-review on 2026-12-06"

# One edit of substance per reviewed field of the mini bank's q01.
EDITS = {
    "title": ("title: Log loss", "title: Log-loss"),
    "prompt": ("Which loss would you train", "Which loss would you fit"),
    "answer": ("A confident", "A very confident"),
    "rubric": ("Says accuracy.", "Says accuracy only."),
    "worked": ("expr: -log(0.01)", "expr: -log(1/100)"),
    "topics": ("topics: [loss-functions]", "topics: [loss-functions, bias-variance]"),
    "see": ("see: [loss-functions, qf01]", "see: [qf01]"),
    "companies": ("The formula.", "The formula and why."),
    "level": ('level: "L4"\ntime_minutes', 'level: "L4+"\ntime_minutes'),
    "time_minutes": ("time_minutes: 2", "time_minutes: 3"),
}


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.output


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def review_findings(bank: Path) -> list[str]:
    findings = lint_bank(load_bank(bank), Selection(select=frozenset({"MB6"})))
    return [f"{Path(f.path).name}:{f.line}: {f.code} {f.message}" for f in findings]


def test_every_reviewed_field_is_covered_by_an_edit() -> None:
    assert set(EDITS) == set(COVERED)


@pytest.mark.parametrize("field", COVERED)
def test_an_edit_of_a_reviewed_field_makes_the_review_stale_and_names_it(minibank: Path, field: str) -> None:
    assert review_findings(minibank) == []
    edit(minibank / Q, *EDITS[field])
    found = review_findings(minibank)
    words = field.replace("_", " ")
    assert found == [
        f"q01-log-loss.yaml:31: MB601 {words} changed since the review {STAMPED}: "
        "have the change reviewed, then run `mlbank review PATH --by NAME`"
    ]


def test_two_changed_fields_are_both_named(minibank: Path) -> None:
    edit(minibank / Q, *EDITS["answer"])
    edit(minibank / Q, *EDITS["rubric"])
    assert "answer and rubric have changed since the review" in review_findings(minibank)[0]


def test_fmt_key_order_quoting_comments_and_trailing_blanks_keep_the_review(minibank: Path) -> None:
    path = minibank / Q
    edit(path, "title: Log loss\n", "")
    edit(path, "worked:\n", "title: 'Log loss'   # moved, single-quoted\nworked:\n")
    edit(path, 'level: "L4"\ntime_minutes: 2', "level: L4\ntime_minutes: 2.0")
    edit(path, "    Says accuracy.\n", "    Says accuracy.   \n\n")
    edit(path, "topics: [loss-functions]\n", "topics:\n  - loss-functions\n")
    assert (
        parse_yaml(path.read_text())[0] != parse_yaml((ROOT / "tests/fixtures/minibank" / Q).read_text())[0]
    )
    assert review_findings(minibank) == []
    code, out = run("fmt", str(path))
    assert code == 0 and "reformatted" in out, out
    assert "title: Log loss" in path.read_text()
    assert review_findings(minibank) == []


def test_a_hand_edited_digest_or_field_digest_is_not_trusted(minibank: Path) -> None:
    path = minibank / Q
    edit(path, *EDITS["answer"])
    data = parse_yaml(path.read_text())[0]
    forged = field_digests(data)["answer"]  # make `fields` match the new answer, digest left as was
    edit(path, "answer: 922fb93a", f"answer: {forged}")
    found = review_findings(minibank)
    assert [f.split(": ", 1)[1][:5] for f in found] == ["MB600", "MB603"]
    assert "does not match `fields`: the stamp was edited by hand" in found[1]


def test_an_older_trusted_stamp_still_counts_when_a_newer_one_is_forged() -> None:
    data = {"title": "t", "answer": "a"}
    good = field_digests(data)
    stamps = [
        {"by": "ana", "on": "2026-01-02", "digest": stamp_digest(good), "fields": good},
        {"by": "bob", "on": "2026-02-03", "digest": "0" * 12, "fields": good},
    ]
    state = review_state({**data, "review": stamps})
    assert state.status == "current" and state.stamp is not None and state.stamp.by == "ana"
    assert [(u.item, u.field) for u in state.untrusted] == [(1, "digest")]


def test_malformed_review_data_never_raises() -> None:
    for review in (None, "x", [None], [{"by": 3}], [{"by": "a", "on": "2026-02-30"}], [{"by": "a", "on": 5}]):
        state = review_state({"review": review})
        assert state.status == "unreviewed"


def test_review_records_a_stamp_that_makes_lint_pass_and_keeps_comments(minibank: Path) -> None:
    path = minibank / Q
    edit(path, *EDITS["answer"])
    edit(path, "prompt: |\n", "# asked in every screen\nprompt: |\n")
    code, out = run("review", str(path), "--by", "ben", "--note", "checked the formula")
    assert code == 0, out
    assert out.strip() == f"{path}: reviewed by ben on {__import__('datetime').date.today()}"
    text = path.read_text()
    assert "# asked in every screen\nprompt: |\n" in text
    stamps = parse_yaml(text)[0]["review"]
    assert [s["by"] for s in stamps] == ["fixture-review", "ben"] and stamps[1][
        "note"
    ] == "checked the formula"
    assert review_findings(minibank) == []
    assert run("fmt", "--check", str(path))[0] == 0  # written in canonical form


def test_review_refuses_a_file_with_lint_errors_and_leaves_it_alone(minibank: Path) -> None:
    path = minibank / Q
    edit(path, "title: Log loss", "title: 2024")  # MB105, an error
    before = path.read_bytes()
    code, out = run("review", str(path), "--by", "ben")
    assert code == 1
    assert "not reviewed: it has 1 lint error(s); fix them first" in out and "MB105" in out
    assert path.read_bytes() == before


def test_review_writes_atomically(minibank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = minibank / Q
    before = path.read_bytes()

    def fail(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    code, out = run("review", str(path), "--by", "ben")
    assert code == 1 and "cannot write it: No space left on device" in out
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["q01-log-loss.yaml"]  # no temp file left


def test_review_usage_errors(minibank: Path) -> None:
    assert run("review", str(minibank / Q))[0] == 2  # no --by
    code, out = run("review", "--by", "ben")
    assert code == 2 and "name the question files" in out
    code, out = run("review", str(minibank / Q), "--by", "ben", "--on", "2999-01-01")
    assert code == 2 and "cannot be dated in the future" in out
    code, out = run("review", str(minibank / "bank.yaml"), "--by", "ben")
    assert code == 2 and "no question files" in out


def test_status_lists_what_needs_review(minibank: Path) -> None:
    assert run("review", "--status", str(minibank)) == (
        0,
        "2 question(s): 2 current, 0 stale, 0 unreviewed, 0 expired.\n",
    )
    edit(minibank / Q, *EDITS["answer"])
    (minibank / "questions/quick-fire/qf02-new.yaml").write_text(
        (minibank / QF).read_text().split("review:")[0].replace("id: qf01", "id: qf02")
    )
    code, out = run("review", "--status", str(minibank))
    assert code == 1
    lines = out.splitlines()
    assert lines[-1] == "3 question(s): 1 current, 1 stale, 1 unreviewed, 0 expired."
    assert sorted(line.rsplit("/", 1)[1] for line in lines[:-1]) == [
        f"q01-log-loss.yaml: stale: answer changed since the review {STAMPED}",
        "qf02-new.yaml: unreviewed",
    ]


def test_expiry_comes_from_the_configuration(minibank: Path) -> None:
    project = minibank.parent / "pyproject.toml"
    project.write_text('[tool.mlbank]\nbank = "bank"\nreview-max-age = 30\n')
    code, out = run("review", "--status", cwd=minibank.parent)  # the stamps are of 2026-12-06
    today = __import__("datetime").date.today()
    expired = (today - __import__("datetime").date(2026, 12, 6)).days > 30
    assert code == (1 if expired else 0), out
    code, out = run("lint", "--select", "MB602", cwd=minibank.parent)
    assert ("MB602" in out) == expired
    project.write_text('[tool.mlbank]\nbank = "bank"\nreview-max-age = "1y"\n')
    code, out = run("lint", cwd=minibank.parent)
    assert code == 2 and "'review-max-age' must be a whole number of days" in out


def test_an_old_review_expires_in_lint_stats_and_exports(minibank: Path, tmp_path: Path) -> None:
    project = minibank.parent / "pyproject.toml"
    project.write_text('[tool.mlbank]\nbank = "bank"\nreview-max-age = 30\n')
    path = minibank / Q
    edit(path, *EDITS["answer"])
    assert run("review", str(path), "--by", "old", "--on", "2020-01-01", cwd=minibank.parent)[0] == 0
    code, out = run("lint", "--select", "MB602", cwd=minibank.parent)
    assert code == 0 and "MB602 [expired-review] the review by old on 2020-01-01 is" in out
    code, out = run("stats", "--format", "json", cwd=minibank.parent)
    assert json.loads(out)["sections"]["screening"]["review"] == {
        "current": 0,
        "stale": 0,
        "expired": 1,
        "unreviewed": 0,
    }
    out_file = tmp_path / "bank.json"
    assert run("export", "--format", "json", "--out", str(out_file), cwd=minibank.parent)[0] == 0
    q01 = json.loads(out_file.read_text())["questions"][0]
    assert q01["review"] == {"by": "old", "on": "2020-01-01", "current": False}


def _schema(name: str) -> dict[str, object]:
    schema: dict[str, object] = json.loads((ROOT / name).read_text())
    return schema


def test_only_reviewed_exports_current_questions_read_back_by_jsonschema_and_csv(
    minibank: Path, tmp_path: Path
) -> None:
    """Run from the mini bank's folder: no configuration there, so a stale review is a warning."""
    edit(minibank / Q, *EDITS["answer"])  # q01's review is now stale
    here = minibank.parent
    full, only = tmp_path / "all.json", tmp_path / "reviewed.json"
    assert run("export", "--format", "json", "--out", str(full), cwd=here)[0] == 0
    assert run("export", "--format", "json", "--only", "reviewed", "--out", str(only), cwd=here)[0] == 0
    for doc in (json.loads(full.read_text()), json.loads(only.read_text())):
        jsonschema.validate(doc, _schema("schema/export.schema.json"))
        jsonschema.validate(doc, _schema("tests/exporters/golden/export.schema.1.0.0.json"))  # old apps
    everything = {q["id"]: q["review"] for q in json.loads(full.read_text())["questions"]}
    assert everything == {
        "q01": {"by": "fixture-review", "on": "2026-12-06", "current": False},
        "qf01": {"by": "fixture-review", "on": "2026-12-06", "current": True},
    }
    assert [q["id"] for q in json.loads(only.read_text())["questions"]] == ["qf01"]
    code, out = run("export", "--format", "csv", "--only", "reviewed", "--out", "-", cwd=here)
    assert code == 0
    assert [row["id"] for row in csv.DictReader(io.StringIO(out))] == ["qf01"]


def test_only_reviewed_that_selects_nothing_is_a_usage_error(minibank: Path, tmp_path: Path) -> None:
    for name in (Q, QF):
        edit(minibank / name, "  no_hire: |\n", "  no_hire: |\n    Also wrong.\n")
    out_file = str(tmp_path / "x.json")
    code, out = run(
        "export", "--format", "json", "--only", "reviewed", "--out", out_file, cwd=minibank.parent
    )
    assert code == 2 and "select no questions" in out
    code, out = run("export", "--format", "json", "--only", "review", "--out", "-", str(minibank))
    assert code == 2 and "--only reviewed" in out


def test_the_bank_is_fully_reviewed_with_unique_labels() -> None:
    bank = load_bank(ROOT / "bank")
    states = {d.display: review_state(d.data) for d in bank.questions if isinstance(d.data, dict)}
    assert len(states) == 65
    assert all(s.status == "current" for s in states.values()), [
        p for p, s in states.items() if s.status != "current"
    ]
    assert all(s.stamp is not None and s.stamp.by == "expert-review-2026-12" for s in states.values())
