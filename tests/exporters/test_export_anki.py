"""Anki export, read back by Anki's own Python library (`anki` on PyPI) into a fresh collection."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from export_helpers import REAL_BANK, export, fresh_minibank, import_apkg

from mlbank.exporters.anki import FIELDS, NOTE_TYPE_ID, deck_id, note_guid, stable_id
from mlbank.exporters.history import last_changed

Q01 = "questions/screening/q01-log-loss.yaml"


@pytest.fixture
def collection(tmp_path: Path) -> Any:
    from anki.collection import Collection

    col = Collection(str(tmp_path / "learner.anki2"))
    yield col
    col.close()


def test_one_note_per_question_with_fields_tags_and_decks(
    minibank: Path, tmp_path: Path, collection: Any
) -> None:
    out = tmp_path / "mini.apkg"
    assert export("--format", "anki", "--out", out, minibank).code == 0
    log = import_apkg(collection, out)
    assert len(log.new) == 2 and collection.note_count() == 2
    note = collection.get_note(collection.find_notes("Id:q01")[0])
    assert list(note.keys()) == list(FIELDS)
    assert note.guid == note_guid("q01")
    assert note.note_type()["id"] == NOTE_TYPE_ID
    assert sorted(note.tags) == ["company::google", "section::screening", "topic::loss-functions"]
    assert "\\(L = -[y \\log p + (1 - y) \\log(1 - p)]\\)" in note["Answer"]
    assert "$50" in note["Answer"] and "\\$50" not in note["Answer"]
    assert "<b>Google</b> &middot; L4<p>The formula.</p>" in note["Companies"]
    deck = collection.decks.get(note.cards()[0].did)
    assert deck["name"] == "Mini bank::Screening"  # Anki matches decks by name and picks its own id


def test_reimport_after_an_edit_updates_the_note_and_adds_none(
    minibank: Path, tmp_path: Path, collection: Any
) -> None:
    first, second = tmp_path / "first.apkg", tmp_path / "second.apkg"
    assert export("--format", "anki", "--out", first, minibank).code == 0
    assert len(import_apkg(collection, first).new) == 2

    assert len(import_apkg(collection, first).updated) == 0  # unchanged: nothing to update

    path = minibank / Q01
    path.write_text(path.read_text(encoding="utf-8").replace("Binary cross-entropy", "Log loss"), "utf-8")
    edited_at = int(path.stat().st_mtime) + 60  # an edit made a minute after the first export
    os.utime(path, (edited_at, edited_at))
    assert export("--format", "anki", "--out", second, minibank).code == 0
    log = import_apkg(collection, second)
    assert (len(log.new), len(log.updated)) == (0, 1)
    assert collection.note_count() == 2
    note = collection.get_note(collection.find_notes("Id:q01")[0])
    assert note["Answer"].startswith("<p>Log loss") and note.mod == edited_at


def test_two_runs_are_byte_identical_and_the_zip_is_clean(minibank: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.apkg", tmp_path / "b.apkg"
    assert export("--format", "anki", "--out", a, minibank).code == 0
    assert export("--format", "anki", "--out", b, minibank).code == 0
    assert a.read_bytes() == b.read_bytes()
    with zipfile.ZipFile(a) as archive:
        assert archive.namelist() == ["collection.anki2", "media"]
        (tmp_path / "c.anki2").write_bytes(archive.read("collection.anki2"))
    db = sqlite3.connect(tmp_path / "c.anki2")
    mods = dict(db.execute("select flds, mod from notes").fetchall())
    decks = json.loads(db.execute("select decks from col").fetchone()[0])
    db.close()
    assert str(deck_id("screening")) in decks and str(deck_id("quick-fire")) in decks
    times = last_changed(minibank.rglob("q*.yaml"), minibank)
    assert sorted(mods.values()) == sorted(times.values())


def test_ids_are_fixed() -> None:
    assert (
        NOTE_TYPE_ID == stable_id("mlbank question v1") == 1619658992
    )  # never change: learners' notes use it
    assert deck_id("screening") == stable_id("mlbank deck screening")
    assert note_guid("q01") == note_guid("q01") != note_guid("q02")


def _git(repo: Path, *args: str, when: int | None = None) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    if when is not None:
        env |= {"GIT_COMMITTER_DATE": f"{when} +0000", "GIT_AUTHOR_DATE": f"{when} +0000"}
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def test_note_time_is_the_files_last_commit_unless_it_has_local_changes(tmp_path: Path) -> None:
    bank = fresh_minibank(tmp_path)
    _git(tmp_path, "init", "-q")
    _git(tmp_path, "add", ".")
    _git(tmp_path, "commit", "-qm", "first", when=1_600_000_000)
    q01, qf01 = (bank / Q01).resolve(), (bank / "questions/quick-fire/qf01-bias.yaml").resolve()
    q01.write_text(q01.read_text(encoding="utf-8") + "# edited\n", "utf-8")
    _git(tmp_path, "commit", "-qam", "edit q01", when=1_700_000_000)
    assert last_changed([q01, qf01], bank) == {q01: 1_700_000_000, qf01: 1_600_000_000}

    qf01.write_text(qf01.read_text(encoding="utf-8") + "# local\n", "utf-8")
    os.utime(qf01, (1_750_000_000, 1_750_000_000))
    assert last_changed([q01, qf01], bank) == {q01: 1_700_000_000, qf01: 1_750_000_000}


def test_bank_outside_git_uses_mtime(tmp_path: Path) -> None:
    bank = fresh_minibank(tmp_path)
    os.utime(bank / Q01, (1_650_000_000, 1_650_000_000))
    assert last_changed([bank / Q01], bank) == {(bank / Q01).resolve(): 1_650_000_000}


def test_real_bank_has_one_note_per_question(tmp_path: Path, collection: Any) -> None:
    out = tmp_path / "bank.apkg"
    assert export("--format", "anki", "--out", out, REAL_BANK).code == 0
    count = len(list((REAL_BANK / "questions").rglob("*.yaml")))
    assert len(import_apkg(collection, out).new) == count == collection.note_count()
    assert len([d for d in collection.decks.all_names_and_ids() if "::" in d.name]) == 5
