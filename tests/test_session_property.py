"""Equivalence as a property: after any sequence of edits, a session's findings equal those of a cold
`mlbank lint --no-cache` over the same files; in one process and with workers, with the edits read
from disk and given as unsaved text."""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from cli_runner import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlbank.engine.policy import Selection
from mlbank.engine.session import Session

ROOT = Path(__file__).parent.parent
S = "questions/screening/"
Q02 = S + "q02-loss-for-binary-classification.yaml"
Q03 = S + "q03-l1-vs-l2-regularization.yaml"
Q04 = S + "q04-gradient-descent-and-variants.yaml"
Q05 = S + "q05-evaluating-a-classification-model.yaml"
Q06 = S + "q06-overfitting-and-prevention.yaml"
Q08 = S + "q08-handling-missing-data.yaml"
NEW = S + "q99-new.yaml"
COMPANY = "questions/company/q33-multi-task-loss-design.yaml"


def _replace(old: str, new: str) -> Callable[[str, dict[str, str]], str]:
    return lambda text, _: text.replace(old, new, 1)


def _answer(text: str) -> str:
    lines = text.splitlines(keepends=True)
    start = lines.index("answer: |\n")
    end = next(i for i in range(start + 1, len(lines)) if not lines[i].startswith((" ", "\n")))
    return "".join(lines[start:end])


def _copy_answer(text: str, files: dict[str, str]) -> str:
    return text.replace(_answer(text), _answer(files[Q08]), 1) if Q08 in files else text


def _original(name: str) -> Callable[[str, dict[str, str]], str]:
    return lambda text, _: (ROOT / "bank" / name).read_text(encoding="utf-8")


# An edit: (file, new text from its text and every file's text; None deletes the file).
EDITS: dict[str, tuple[str, Callable[[str, dict[str, str]], str | None]]] = {
    "per-file finding": (Q04, _replace("topics: [", "topics: [optimisation, ")),
    "claim fails": (Q02, _replace('says: "4.6"', 'says: "4.7"')),
    "claim invalid": (Q02, _replace("expr: -log(0.4)", "expr: -log(0.4))")),
    "duplicate id": (Q03, _replace("id: q03", "id: q02")),
    "near duplicate": (COMPANY, _copy_answer),
    "near duplicate undone": (COMPANY, _original(COMPANY)),
    "duplicate id undone": (Q03, _original(Q03)),
    "duplicate label": (Q04, _replace("label: Q4", "label: q3 (Bonus)")),
    "duplicate label undone": (Q04, _replace("label: q3 (Bonus)", "label: Q4")),
    "suppression": (Q05, _replace("section:", "# mlbank: ignore[MB200] old\nsection:")),
    "broken YAML": (Q06, lambda text, _: "id: q06\nsection: [unclosed\n"),
    "a comment line": (Q04, lambda text, _: text + "# edited\n"),
    "lines moved down": (Q03, lambda text, _: "# a comment above it all\n" + text),
    "deleted": (Q08, lambda text, _: None),
    "new file": (NEW, lambda text, files: files.get(Q03, "id: q99\n")),
    "topics.yaml": ("topics.yaml", _replace("  - id: bias-variance", "  - id: bias")),
    "topic tagged": (Q04, _replace("topics: [", "topics: [bias, ")),
    "topic untagged": (Q04, _replace("topics: [bias, ", "topics: [")),
    "unresolved reference": (Q02, _replace("q23, q32]", "q99, q32]")),
    "reference resolved": (
        NEW,
        lambda text, files: files.get(Q03, "id: q03\n").replace("id: q03", "id: q99", 1),
    ),
    "new file deleted": (NEW, lambda text, _: None),
    "bank.yaml": ("bank.yaml", _replace("  - id: screening", "  - id: screen")),
}
REVERT = "revert"


def _files(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8") for p in root.rglob("*.yaml")}


def _cold(root: Path) -> list[dict[str, Any]]:
    run = invoke("lint", "--no-cache", "--format", "json", ".", cwd=root)
    return list(json.loads(run.output[: run.output.rindex("]") + 1]))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("via", ["disk", "text"])
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=st.lists(st.sampled_from([*EDITS, REVERT]), min_size=1, max_size=3))
def test_a_session_after_edits_equals_a_cold_lint(jobs: int, via: str, steps: list[str]) -> None:
    _edit_and_compare(jobs, via, steps)


# Every bank-wide verdict kept between a session's lints, flipped on and back off, from either side.
FLIPS = [
    "near duplicate",
    "duplicate id",
    "duplicate label",
    "near duplicate undone",
    "duplicate id",
    "duplicate label undone",
    "near duplicate",
    "deleted",
    "duplicate id undone",
]


# The same for the verdicts that hang on the ids and topics in use: a topic taken into use and out
# of it (MB203), a reference that a new question's id resolves and its deletion breaks again (MB205),
# and an id that leaves and comes back while others refer to it (MB205, MB206).
FLIPS_IN_USE = [
    "topics.yaml",
    "topic tagged",
    "topic untagged",
    "topic tagged",
    "unresolved reference",
    "reference resolved",
    "new file deleted",
    "reference resolved",
    "duplicate id",
    "lines moved down",  # the same verdicts, now one line lower
    "duplicate id undone",
    "revert",
]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
@pytest.mark.parametrize(("jobs", "via"), [(1, "text"), (2, "disk")])
@pytest.mark.parametrize("steps", [FLIPS, FLIPS_IN_USE], ids=["kept", "in-use"])
def test_bank_wide_verdicts_flip_both_ways_as_a_cold_lint_says(jobs: int, via: str, steps: list[str]) -> None:
    seen = _edit_and_compare(jobs, via, steps)
    flipped = {"MB206"} | ({"MB500", "MB209"} if steps is FLIPS else {"MB203", "MB205"})
    for code in flipped:  # a verdict of each came and went, and one went and came back
        assert any(f[0] == code for a, b in pairwise(seen) for f in a - b), code
        assert any(f[0] == code for a, b in pairwise(seen) for f in b - a), code


def _edit_and_compare(jobs: int, via: str, steps: list[str]) -> list[set[tuple[str, str]]]:
    """The (code, path) of each finding after the first lint and after each step."""
    with tempfile.TemporaryDirectory() as tmp:
        work, truth = Path(tmp) / "work" / "bank", Path(tmp) / "truth" / "bank"
        shutil.copytree(ROOT / "bank", work)
        shutil.copytree(ROOT / "bank", truth)
        original = _files(truth)
        session = Session(work, Selection(), jobs=jobs, claims_cache=Path(tmp) / "claims")
        seen = [{(f.code, f.path) for f in session.lint()}]
        for step in steps:
            files = _files(truth)
            if step == REVERT:
                name, new = Q02, original[Q02]
            else:
                name, change = EDITS[step]
                if name not in files and name != NEW:
                    continue  # deleted earlier: nothing to edit
                new = change(files.get(name, ""), files)
            _apply(truth / name, new)
            if via == "disk" or new is None:
                _apply(work / name, new)
                found = session.close(work / name) if via == "text" else session.update(work / name)
            else:
                found = session.update(work / name, new)
            assert [f.as_dict() for f in found] == _cold(truth), steps
            seen.append({(f.code, f.path) for f in found})
        session.shutdown()
    return seen


def _apply(path: Path, text: str | None) -> None:
    if text is None:
        path.unlink(missing_ok=True)
    else:
        path.write_text(text, encoding="utf-8")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_a_bank_wide_rule_without_an_incremental_form_is_run_over_the_whole_bank(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from mlbank.engine import bankwide

    monkeypatch.setattr(bankwide, "kept_forms", lambda rules: {})  # as a rule that offers none
    seen = _edit_and_compare(1, "text", ["duplicate id", "duplicate label", "duplicate id undone"])
    assert any(code == "MB206" for a, b in pairwise(seen) for code, _ in b - a)
