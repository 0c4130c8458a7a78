"""The bank index: declarations, uses and their places, kept by content."""

from __future__ import annotations

from pathlib import Path

from mlbank.lsp.features.index import BankIndex, Place, index_text


def read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8")


def token(place: Place) -> str:
    return place.path.read_text(encoding="utf-8").split("\n")[place.line][place.start : place.end]


def built(bank: Path, buffers: dict[Path, str] | None = None) -> BankIndex:
    index = BankIndex(bank)
    index.refresh(buffers or {}, read)
    return index


def test_declarations_carry_their_place_and_text(bank: Path) -> None:
    index = built(bank)
    (q02,) = index.declared("question", "q02")
    assert q02.place.path.name.startswith("q02-") and token(q02.place) == "q02"
    assert q02.title == "Loss for binary classification" and q02.text.startswith("You are training")
    (topic,) = index.declared("topic", "loss-functions")
    assert token(topic.place) == "loss-functions" and topic.place.path.name == "topics.yaml"
    assert topic.title == "Loss functions" and topic.text.startswith("Cross-entropy")
    (google,) = index.declared("company", "google")
    assert google.title == "Google" and google.place.path.name == "bank.yaml"
    (level,) = index.declared("level", "L5+")
    assert token(level.place) == '"L5+"'  # a quoted id's token keeps its quotes
    (section,) = index.declared("section", "screening")
    assert token(section.place) == "screening"
    assert index.declared("question", "q999") == []


def test_uses_resolve_to_their_declaration(bank: Path) -> None:
    index = built(bank)
    (q23,) = index.declared("question", "q23")
    uses = index.uses_of(q23)
    assert any(u.kind == "see" and u.place.path.name.startswith("q02-") for u in uses)
    assert all(token(u.place) == "q23" for u in uses)
    # the plan's `q16..q25` names q16 and q25 at their own columns
    (q16,) = index.declared("question", "q16")
    plan = [u for u in index.uses_of(q16) if u.kind == "ref"]
    assert plan and all(token(u.place) == "q16" for u in plan)
    (topic,) = index.declared("topic", "loss-functions")
    kinds = {u.kind for u in index.uses_of(topic)}
    assert kinds == {"topic", "see"}
    (google,) = index.declared("company", "google")
    assert {u.field[0] for u in index.uses_of(google)} == {"companies", "levels"}


def test_a_see_entry_names_a_topic_before_a_question(bank: Path) -> None:
    index = built(bank)
    see = [u for u in index.file(next(bank.glob("questions/screening/q02-*"))).uses if u.kind == "see"]
    assert [index.resolve(u)[0].kind for u in see] == ["topic", "question", "question"]


def test_at_finds_the_token_under_a_position(bank: Path) -> None:
    index = built(bank)
    path = next(bank.glob("questions/screening/q02-*"))
    lines = path.read_text(encoding="utf-8").split("\n")
    line = next(n for n, text in enumerate(lines) if text.startswith("see:"))
    found = index.at(path, line, lines[line].index("q23") + 2)
    assert found is not None and found.id == "q23"
    assert index.at(path, line, 0) is None


def test_only_the_changed_file_is_indexed_again(bank: Path) -> None:
    index = BankIndex(bank)
    total = index.refresh({}, read)
    assert total == len(list(bank.rglob("*.yaml")))
    assert index.refresh({}, read) == 0
    path = next(bank.glob("questions/screening/q02-*"))
    buffer = path.read_text(encoding="utf-8").replace("id: q02", "id: q92")
    assert index.refresh({path: buffer}, read) == 1
    assert index.declared("question", "q02") == [] and len(index.declared("question", "q92")) == 1
    assert index.refresh({path: buffer}, read) == 0
    path.write_text(buffer.replace("id: q92", "id: q93"), encoding="utf-8")
    assert index.refresh({}, read) == 1  # closed again: the file on disk, changed
    assert len(index.declared("question", "q93")) == 1


def test_an_unsaved_new_file_and_a_deleted_one(bank: Path) -> None:
    index = built(bank)
    new = bank / "questions" / "screening" / "q98-new.yaml"
    index.refresh({new: "id: q98\ntitle: New\nsee: [q02]\n"}, read)
    (q98,) = index.declared("question", "q98")
    assert q98.title == "New"
    old = next(bank.glob("questions/screening/q02-*"))
    old.unlink()
    index.refresh({}, read)
    assert index.declared("question", "q98") == [] and index.declared("question", "q02") == []


def test_broken_and_hostile_files_index_what_they_can(tmp_path: Path) -> None:
    path = tmp_path / "questions" / "s" / "q1.yaml"
    assert index_text(path, "id: q1\nsee: [q0").entries == ()  # does not load: nothing is guessed
    assert index_text(path, "- a\n- b").uses == ()
    assert index_text(path, "\x00\xff binary").entries == ()
    assert index_text(path, "id: &a q1\nsee: [*a]").entries == ()
    assert index_text(path, "id: !!python/object:os.system q1").entries == ()
    deep = "a: " + "[" * 100 + "]" * 100
    assert index_text(path, deep).entries == ()
    assert index_text(path, "id: [q1]\n---\nid: q2\n").entries == ()


def test_without_a_disk_check_only_buffers_and_closed_buffers_are_looked_at(bank: Path) -> None:
    index = built(bank)
    path = next(bank.glob("questions/screening/q02-*"))
    other = next(bank.glob("questions/screening/q03-*"))
    other.write_text(other.read_text(encoding="utf-8").replace("id: q03", "id: q83"), encoding="utf-8")
    buffer = path.read_text(encoding="utf-8").replace("id: q02", "id: q92")
    assert index.refresh({path: buffer}, read, disk=False) == 1  # the buffer only
    assert index.declared("question", "q92") and index.declared("question", "q03")
    assert index.refresh({}, read, disk=False) == 1  # closed: read from disk again
    assert index.declared("question", "q02") and not index.declared("question", "q92")
    assert index.refresh({}, read) == 1  # the disk check sees the other file's change
    assert index.declared("question", "q83") and not index.declared("question", "q03")


def test_answers_come_in_file_order_however_files_were_indexed(bank: Path) -> None:
    index = built(bank)
    (topic,) = index.declared("topic", "loss-functions")
    before = index.uses_of(topic)
    first = before[0].place.path
    index.refresh({first: first.read_text(encoding="utf-8") + "\n"}, read, disk=False)
    after = index.uses_of(topic)
    assert [(u.place.path, u.place.line) for u in after] == [(u.place.path, u.place.line) for u in before]
    assert [e.id for e in index.ids("section")] == sorted(e.id for e in index.ids("section"))
