"""Anki export: an .apkg (through genanki) with one note per question and one deck per section.

Re-importing must update the learner's notes, never duplicate them or reset their reviews:

- The note GUID is `genanki.guid_for("mlbank", question id)`, so an edited question is the same note
  (genanki's default hashes every field, which turns an edit into a new card).
- The note type and the decks have fixed ids: `stable_id(text)` hashes a fixed string, so the note
  type is `stable_id("mlbank question v1")` (NOTE_TYPE_ID) and a section's deck is
  `stable_id("mlbank deck <section id>")`, the same in every export of every bank.
- Anki replaces a note only when the incoming one has a newer modification time. Each note's time
  is its file's last change (mlbank/exporters/history.py), and the package's own time is the newest
  of them, so an edited question arrives newer while an unchanged bank exports byte-identical bytes.

genanki's own `write_to_file` stamps every note with one time and zips the database with the temp
file's mtime; both are done here instead: per-note times, and zip entries with a fixed date, mode and
host system.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import sqlite3
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from mlbank.exporters.view import BankView, Entry
from mlbank.model import Question
from mlbank.render import inline_html, plain_html, to_html

NOTE_TYPE_NAME = "mlbank question"
FIELDS = (
    "Id",
    "Section",
    "Title",
    "Prompt",
    "Answer",
    "StrongHire",
    "LeanHire",
    "NoHire",
    "Topics",
    "See",
    "Companies",
)

FRONT = """<div class="mlbank-meta">{{Section}} &middot; {{Id}}</div>
<div class="mlbank-title">{{Title}}</div>
<div class="mlbank-prompt">{{Prompt}}</div>"""

BACK = """{{FrontSide}}
<hr id="answer">
<div class="mlbank-answer">{{Answer}}</div>
<div class="mlbank-rubric">
<h4>Strong hire</h4>{{StrongHire}}
<h4>Lean hire</h4>{{LeanHire}}
<h4>No hire</h4>{{NoHire}}
</div>
{{#Companies}}<div class="mlbank-companies"><h4>Company variations</h4>{{Companies}}</div>{{/Companies}}
<div class="mlbank-topics">Topics: {{Topics}}{{#See}} &middot; See also: {{See}}{{/See}}</div>"""

CSS = """.card { font-family: system-ui, sans-serif; font-size: 18px; text-align: left; max-width: 46em; margin: auto; }
.mlbank-meta { color: #777; font-size: 14px; }
.mlbank-title { font-weight: bold; font-size: 22px; margin: 0.3em 0; }
.mlbank-rubric h4, .mlbank-companies h4 { margin: 0.8em 0 0.2em; }
.mlbank-topics { color: #777; font-size: 14px; margin-top: 1em; }"""


def stable_id(text: str) -> int:
    """A fixed id in genanki's recommended range [2**30, 2**31) from a fixed string."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


NOTE_TYPE_ID = stable_id("mlbank question v1")


def deck_id(section_id: str) -> int:
    return stable_id(f"mlbank deck {section_id}")


def deck_name(view: BankView, section_id: str) -> str:
    return f"{view.meta.title}::{view.section(section_id).title}"


def note_guid(question_id: str) -> str:
    import genanki  # type: ignore[import-untyped]

    guid: str = genanki.guid_for("mlbank", question_id)
    return guid


def tags(question: Question) -> list[str]:
    """Anki tags: hierarchical, so a learner can browse by topic, section or company."""
    return [
        *(f"topic::{t}" for t in question.topics),
        f"section::{question.section}",
        *(f"company::{c}" for c in dict.fromkeys(c.company for c in question.companies)),
    ]


def fields(view: BankView, question: Question) -> list[str]:
    """The note's fields, in FIELDS order, as HTML."""
    return [
        plain_html(question.id),
        plain_html(view.section(question.section).title),
        inline_html(question.title),
        to_html(question.prompt),
        to_html(question.answer),
        to_html(question.rubric.strong_hire),
        to_html(question.rubric.lean_hire),
        to_html(question.rubric.no_hire),
        plain_html(", ".join(_topic_title(view, t) for t in question.topics)),
        plain_html(", ".join(_ref_title(view, r) for r in question.see)),
        _companies(view, question),
    ]


def _topic_title(view: BankView, topic_id: str) -> str:
    topic = view.topic(topic_id)
    return topic.title if topic is not None else topic_id


def _ref_title(view: BankView, ref: str) -> str:
    entry = view.entry(ref)
    return f"{ref} \u00b7 {entry.question.title}" if entry is not None else _topic_title(view, ref)


def _companies(view: BankView, question: Question) -> str:
    names = {c.id: c.name for c in view.meta.companies}
    parts = []
    for note in question.companies:
        label = plain_html(names.get(note.company, note.company))
        level = f" &middot; {plain_html(note.level)}" if note.level else ""
        body = to_html(note.expects) if note.expects else ""
        parts.append(f'<div class="mlbank-company"><b>{label}</b>{level}{body}</div>')
    return "".join(parts)


def render(view: BankView) -> bytes:
    """The .apkg bytes: deterministic for an unchanged bank (see the module docstring)."""
    from mlbank.exporters.history import last_changed

    times = last_changed([e.doc.path for e in view.entries], view.root)
    stamps = {e.question.id: times[e.doc.path.resolve()] for e in view.entries}
    package_time = max(stamps.values())
    database = _database(view, stamps, package_time)
    return _zip(database, package_time)


def _database(view: BankView, stamps: dict[str, int], package_time: int) -> bytes:
    """The SQLite collection genanki writes, with each note stamped with its own time."""
    import genanki

    model = _note_type()
    decks = {
        s.id: genanki.Deck(deck_id(s.id), deck_name(view, s.id), _deck_text(view, s.id))
        for s in view.sections_present
    }
    for deck in decks.values():
        deck.add_model(model)
    with tempfile.TemporaryDirectory(prefix="mlbank-anki-") as folder:
        path = Path(folder) / "collection.anki2"
        conn = sqlite3.connect(path)
        try:
            cursor = conn.cursor()
            # A scratch file: no fsync per statement (the bytes stay deterministic, run after run).
            cursor.execute("PRAGMA synchronous = OFF")
            cursor.execute("PRAGMA journal_mode = MEMORY")
            ids = itertools.count(package_time * 1000)
            genanki.Package(list(decks.values())).write_to_db(cursor, package_time, ids)
            for entry in view.entries:
                note = _note(view, model, entry)
                note.write_to_db(
                    cursor, stamps[entry.question.id], decks[entry.question.section].deck_id, ids
                )
            conn.commit()
        finally:
            conn.close()
        return path.read_bytes()


def _note_type() -> Any:
    import genanki

    return genanki.Model(
        NOTE_TYPE_ID,
        NOTE_TYPE_NAME,
        fields=[{"name": name} for name in FIELDS],
        templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}],
        css=CSS,
        sort_field_index=0,
    )


def _note(view: BankView, model: Any, entry: Entry) -> Any:
    import genanki

    question = entry.question
    return genanki.Note(
        model=model, fields=fields(view, question), tags=tags(question), guid=note_guid(question.id)
    )


def _deck_text(view: BankView, section_id: str) -> str:
    section = view.section(section_id)
    parts = [f"<p>{plain_html(section.round)} &middot; {plain_html(section.depth)}</p>"]
    if section.description:
        parts.append(to_html(section.description))
    return "".join(parts)


def _zip(database: bytes, package_time: int) -> bytes:
    """A zip whose bytes depend only on its contents and the package time."""
    stamp = time.gmtime(max(package_time, 315532800))[:6]  # zip dates start in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("collection.anki2", database), ("media", json.dumps({}).encode())):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # unix, on every platform
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()
