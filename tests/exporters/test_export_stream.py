"""The JSON export is written a part at a time (here or in worker processes), and its bytes are
exactly the whole document's serialisation; the view it reads holds no document's contents."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from export_helpers import REAL_BANK, export

import mlbank.exporters
from mlbank.bank import load_bank
from mlbank.exporters import Exporter, json_export
from mlbank.exporters.parts import PART_SIZE
from mlbank.exporters.view import BankView, Filters, build_view

ROOT = Path(__file__).parents[2]


def whole(view: BankView) -> bytes:
    """The document serialised at once, as the export wrote it before it streamed."""
    data = json_export.integral(json_export.document(view).model_dump(mode="json"))
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def streamed(view: BankView, jobs: int) -> bytes:
    return b"".join(json_export.render(view, jobs=jobs))


@pytest.fixture(scope="module")
def real_view() -> BankView:
    return build_view(load_bank(REAL_BANK), Filters())


@pytest.fixture(scope="module")
def synthetic_view(tmp_path_factory: pytest.TempPathFactory) -> BankView:
    out = tmp_path_factory.mktemp("synthetic") / "bank"
    script = ROOT / "scripts" / "make_bank.py"
    subprocess.run([sys.executable, str(script), str(2 * PART_SIZE + 50), str(out)], check=True)
    return build_view(load_bank(out), Filters())


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_real_bank_streams_to_the_whole_documents_bytes(real_view: BankView, jobs: int) -> None:
    assert streamed(real_view, jobs) == whole(real_view)


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_synthetic_bank_streams_to_the_whole_documents_bytes(synthetic_view: BankView, jobs: int) -> None:
    assert len(synthetic_view.entries) > 2 * PART_SIZE  # three parts: the joins between parts are exercised
    assert streamed(synthetic_view, jobs) == whole(synthetic_view)


def test_the_command_writes_the_whole_documents_bytes_for_the_real_bank(
    real_view: BankView, tmp_path: Path
) -> None:
    out = tmp_path / "bank.json"
    run = export("--format", "json", "--out", out, REAL_BANK)
    assert run.code == 0, run.output
    assert out.read_bytes() == whole(real_view)


def test_line_separators_inside_strings_do_not_break_the_indentation(real_view: BankView) -> None:
    # json.dumps writes U+2028, U+0085 and form feeds as they are (ensure_ascii=False): a line splitter
    # that knows them (str.splitlines, textwrap.indent) would indent inside the string.
    odd = 'one\u2028two\x85three\x0cfour\r\nfive "quoted" \\ tab\t'
    first = real_view.entries[0]
    question = first.question.model_copy(update={"prompt": odd, "topics": [], "see": []})
    view = replace(real_view, entries=(replace(first, question=question), *real_view.entries[1:]))
    assert streamed(view, 1) == whole(view)
    assert json.loads(streamed(view, 1))["questions"][0]["prompt"] == odd


def test_the_view_keeps_no_documents_contents(real_view: BankView) -> None:
    for entry in real_view.entries:
        assert entry.doc.text == "" and not entry.doc.data and entry.doc.model is None
        assert entry.doc.source() == entry.doc.path.read_text(encoding="utf-8")  # read again on demand
    assert any(entry.claims for entry in real_view.entries)  # the worked numbers were read first


def test_a_failure_after_the_first_piece_leaves_the_earlier_export(
    shared_minibank: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "bank.json"
    out.write_text("earlier export\n")

    def half(view: object, options: object) -> Iterator[bytes]:
        yield b'{"schema_version": '
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(mlbank.exporters.EXPORTERS, "json", Exporter(half, True, "half"))
    with pytest.raises(RuntimeError, match="disk on fire"):
        export("--format", "json", "--out", out, shared_minibank)
    assert out.read_text() == "earlier export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["bank.json"]  # the temporary file is gone


def test_csv_and_markdown_come_a_row_and_a_block_at_a_time(real_view: BankView) -> None:
    from mlbank.exporters import csv_export, markdown

    rows = list(csv_export.render(real_view))
    assert len(rows) > len(real_view.entries)  # the header, a row per question, the rest
    assert all(len(row) < 20_000 for row in rows)
    blocks = list(markdown.render(real_view))
    assert len(blocks) > 5 * len(real_view.entries)  # headings, prose, facts: block by block
    assert b"".join(blocks).decode("utf-8") == markdown.render_text(real_view)
