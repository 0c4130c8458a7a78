"""CSV export: golden file, read back by the csv module, and Anki's own text importer."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from export_helpers import REAL_BANK, check_golden, export, import_apkg

from mlbank.exporters.anki import note_guid
from mlbank.exporters.csv_export import COLUMNS


@pytest.fixture(scope="module")
def mini_csv(shared_minibank: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "mini.csv"
    run = export("--format", "csv", "--out", out, shared_minibank)
    assert run.code == 0, run.output
    return out


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_matches_golden(mini_csv: Path) -> None:
    check_golden("minibank.csv", mini_csv.read_bytes())


def test_one_row_per_question_with_documented_columns(mini_csv: Path) -> None:
    found = rows(mini_csv)
    with mini_csv.open(encoding="utf-8", newline="") as fh:
        assert tuple(next(csv.reader(fh))) == COLUMNS
    assert [r["id"] for r in found] == ["q01", "qf01"]
    q01 = found[0]
    assert q01["topics"] == "loss-functions" and q01["see"] == "loss-functions;qf01"
    assert q01["companies"] == "google:L4" and q01["level"] == "L4" and q01["time_minutes"] == "2"
    assert q01["answer"].startswith("Binary cross-entropy, $L = -[y \\log p") and "\\$50" in q01["answer"]
    assert q01["tags"] == "topic::loss-functions section::screening company::google"
    assert q01["guid"] == note_guid("q01") and q01["deck"] == "Mini bank::Screening"
    assert found[1]["time_minutes"] == "0.5" and found[1]["level"] == "" and found[1]["companies"] == ""


def test_rfc4180_line_ends_and_quoting(mini_csv: Path) -> None:
    data = mini_csv.read_bytes()
    assert data.count(b"\r\n") >= 3 and data.endswith(b"\r\n")
    assert data.decode("utf-8")  # UTF-8, no BOM
    assert not data.startswith(b"\xef\xbb\xbf")


def test_real_bank_has_one_row_per_question(tmp_path: Path) -> None:
    out = tmp_path / "bank.csv"
    assert export("--format", "csv", "--out", out, REAL_BANK).code == 0
    found = rows(out)
    assert len(found) == len(list((REAL_BANK / "questions").rglob("*.yaml")))
    assert len({r["id"] for r in found}) == len(found)


def test_anki_headers(shared_minibank: Path, tmp_path: Path) -> None:
    out = tmp_path / "anki.csv"
    assert export("--format", "csv", "--anki-headers", "--out", out, shared_minibank).code == 0
    text = out.read_text(encoding="utf-8")
    headers = [line for line in text.splitlines() if line.startswith("#")]
    keys = [h[1:].split(":", 1)[0] for h in headers]
    assert keys == ["separator", "html", "notetype", "columns", "deck column", "guid column", "tags column"]
    body = [r for r in csv.reader(io.StringIO(text)) if not r[0].startswith("#")]
    assert len(body) == 2 and body[0][0] == "q01"
    assert "\\(-\\log(0.01) \\approx 4.6\\)" in body[0][4]  # HTML cells, MathJax delimiters
    check_golden("minibank-anki.csv", out.read_bytes())


def test_anki_imports_the_csv_onto_the_apkg_notes(shared_minibank: Path, tmp_path: Path) -> None:
    """Anki's own importer reads the headers: same note type, same GUIDs, so it updates, never adds."""
    from anki.collection import Collection
    from anki.import_export_pb2 import ImportCsvRequest

    apkg, sheet = tmp_path / "mini.apkg", tmp_path / "mini.csv"
    assert export("--format", "anki", "--out", apkg, shared_minibank).code == 0
    assert export("--format", "csv", "--anki-headers", "--out", sheet, shared_minibank).code == 0
    sheet.write_text(sheet.read_text(encoding="utf-8").replace("Binary cross-entropy", "Log loss"), "utf-8")
    col = Collection(str(tmp_path / "collection.anki2"))
    try:
        import_apkg(col, apkg)
        metadata = col.get_csv_metadata(str(sheet), None)
        assert metadata.guid_column == COLUMNS.index("guid") + 1
        log = col.import_csv(ImportCsvRequest(path=str(sheet), metadata=metadata)).log
        assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 1, 1), log
        assert col.note_count() == 2
        note = col.get_note(col.find_notes("Id:q01")[0])
        assert note["Answer"].startswith("<p>Log loss") and "company::google" in note.tags
    finally:
        col.close()
