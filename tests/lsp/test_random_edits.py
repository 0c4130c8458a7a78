"""A random sequence of edits through didChange ends with the diagnostics `mlbank lint` gives.

One server serves every example. Each example edits the bank's four files in their buffers, then
moves a syntax error in a fifth, sync file down to a line of its own: the server lints jobs in the
order they came, so once that diagnostic is published every edit before it has been linted (claim
verdicts may still follow: the comparison waits for them). The same texts are then written to a
copy of the project and `mlbank lint --no-cache --format json` runs there; every file's published
diagnostics must come to equal its findings, positions converted independently of the server.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from cli_runner import invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsp_editor import Editor, make_project, start_editor, stop_editor

FILES = (
    "questions/screening/q01-log-loss.yaml",
    "questions/quick-fire/qf01-bias.yaml",
    "topics.yaml",
    "bank.yaml",
)
SYNC = "questions/zz-sync.yaml"

# Edits that change what other files' findings say, beside random typing.
SWAPS = [
    ("qf01", "qf02"),
    ("id: q01", "id: qf01"),
    ("loss-functions", "loss-function"),
    ("bias-variance", "bias"),
    ("google", "goog"),
    ('"L4"', '"L5"'),
    ("screening", "screen"),
    ('says: "4.6"', 'says: "4.7"'),
    ("4.6", "4.7"),
    ("Log loss", "Bias"),
    ("  - id: loss-functions\n", "  - id: loss-functions\n  - id: loss-functions\n"),
]
TYPED = st.text(
    alphabet=st.sampled_from([*"abz09 :-[]{},'\"#&*!$\\\n\t", "\r", "é", "\u2028", "😀"]), max_size=6
)

Edit = tuple[int, str, Any, int, int]


def edits() -> st.SearchStrategy[list[Edit]]:
    typing = st.tuples(st.integers(0, 3), st.just("type"), TYPED, st.integers(0, 10_000), st.integers(0, 8))
    swapping = st.tuples(st.integers(0, 3), st.just("swap"), st.sampled_from(SWAPS), st.just(0), st.just(0))
    return st.lists(st.one_of(typing, swapping), min_size=1, max_size=6)


def apply(text: str, edit: Edit) -> str:
    _, kind, what, at, cut = edit
    if kind == "swap":
        old, new = what
        return text.replace(old, new, 1)
    at %= len(text) + 1
    return text[:at] + what + text[at + cut :]


# --- the expected side: lint's 1-based positions as an LSP client counts them ---------------------

YAML_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
LSP_BREAK = re.compile("\r\n|[\r\n]")


def lsp_position(text: str, line: int, column: int) -> tuple[int, int]:
    """mlbank's (line, column), both from 1, YAML's line breaks -> LSP's (line, UTF-16 column) from 0."""
    starts = [0, *(m.end() for m in YAML_BREAK.finditer(text))]
    if line - 1 >= len(starts):
        return line - 1, column - 1
    start = starts[line - 1]
    stop = YAML_BREAK.search(text, start)
    end_of_line = stop.start() if stop else len(text)
    offset = min(start + column - 1, end_of_line)
    before = text[:offset]
    lsp_line = len(LSP_BREAK.findall(before))
    last = max(before.rfind("\n"), before.rfind("\r")) + 1
    utf16 = len(before[last:].encode("utf-16-le")) // 2
    return lsp_line, utf16 + (start + column - 1 - offset)


def expected(copy: Path, texts: dict[str, str]) -> dict[str, list[tuple[Any, ...]]]:
    for relative, text in texts.items():
        (copy / "bank" / relative).write_bytes(text.encode("utf-8", "surrogatepass"))
    # from the bank's folder, so that paths in messages are shown from there, as the server shows them
    result = invoke("lint", "--no-cache", "--format", "json", cwd=copy / "bank")
    found: dict[str, list[tuple[Any, ...]]] = {}
    for f in json.loads(result.output):
        relative = f["path"]
        line, column = lsp_position(texts[relative], f["line"], f["column"])
        found.setdefault(relative, []).append(
            (line, column, f["code"], f["severity"], f"{f['name']}: {f['message']}")
        )
    return {k: sorted(v) for k, v in found.items()}


def published(editor: Editor) -> dict[str, list[tuple[Any, ...]]]:
    found = {}
    for relative in (*FILES, SYNC):
        diagnostics = editor.diagnostics(relative)
        if diagnostics:
            found[relative] = sorted(
                (
                    d.range.start.line,
                    d.range.start.character,
                    d.code,
                    "error" if d.severity == 1 else "warning",
                    d.message,
                )
                for d in diagnostics
            )
    return found


async def converge(editor: Editor, want: dict[str, list[tuple[Any, ...]]]) -> None:
    """Wait until the published diagnostics equal `want` (claim verdicts may come late)."""
    loop = asyncio.get_running_loop()
    end = loop.time() + 30
    while published(editor) != want and loop.time() < end:
        await asyncio.sleep(0.02)
    assert published(editor) == want


def random_edits(project: Path, copy: Path, examples: int) -> None:
    loop = asyncio.new_event_loop()
    editor = loop.run_until_complete(start_editor(project))
    original = {f: (editor.bank / f).read_text(encoding="utf-8") for f in FILES}
    for relative in FILES:
        editor.open(relative)
    editor.open(SYNC, "key: [unclosed\n")
    rounds = iter(range(1, 1_000_000))

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    @given(edits())
    def check(sequence: list[Edit]) -> None:
        texts = dict(original)
        for edit in sequence:
            relative = FILES[edit[0]]
            texts[relative] = apply(texts[relative], edit)
            editor.change(relative, texts[relative])
        n = next(rounds)
        sync = "\n" * n + "key: [unclosed\n"
        editor.change(SYNC, sync)

        async def settle() -> None:
            await editor.until(lambda: any(d.range.start.line >= n for d in editor.diagnostics(SYNC)))
            await converge(editor, expected(copy, {**texts, SYNC: sync}))

        try:
            loop.run_until_complete(settle())
        finally:
            for relative in FILES:
                editor.change(relative, original[relative])

    try:
        check()
    finally:
        loop.run_until_complete(stop_editor(editor))
        loop.close()


@pytest.fixture
def projects(tmp_path: Path) -> tuple[Path, Path]:
    project = make_project(tmp_path / "project")
    copy = tmp_path / "copy"
    shutil.copytree(project, copy)
    return project, copy


def test_random_edits_end_with_lints_findings(projects: tuple[Path, Path]) -> None:
    random_edits(*projects, examples=6)


@pytest.mark.slow
def test_random_edits_end_with_lints_findings_long(projects: tuple[Path, Path]) -> None:
    random_edits(*projects, examples=100)
