"""CSV export: RFC 4180 (Python's csv module, CRLF line ends, quoting as needed), UTF-8, one row per
question in bank order.

Columns, in order:

    id, section, title, prompt, answer, strong_hire, lean_hire, no_hire,
    topics, see, companies, level, time_minutes, deck, guid, tags

- `topics`, `see`: ids joined with `;` (ids never contain one).
- `companies`: `company` or `company:level` per company note, joined with `;`; the companies' `expects`
  text is in the JSON and Markdown exports.
- `time_minutes`: a number, `2` or `0.5`; empty when unset, like `level`.
- `deck`: the Anki deck, `<bank title>::<section title>`; `guid`: the Anki note GUID, the same as the
  .apkg's, so either import updates the same note; `tags`: Anki tags separated by spaces
  (`topic::<id>`, `section::<id>`, `company::<id>`).

The plain file starts with a header row of the column names, and prose cells hold the Markdown as
written. With `--anki-headers` the file is for Anki's text importer instead: Anki's header lines
(`#separator`, `#html`, `#notetype`, `#columns`, `#deck column`, `#guid column`, `#tags column`)
replace the header row, the first eleven columns are named after the note type's fields (Id, Section,
Title, Prompt, Answer, StrongHire, LeanHire, NoHire, Topics, See, Companies) so Anki maps them by
name, and those cells hold the same HTML as the .apkg's fields. The note type "mlbank question" comes
with the .apkg: import that once, and the CSV then updates the same notes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from mlbank.exporters.anki import FIELDS, NOTE_TYPE_NAME, deck_name, fields, note_guid, tags
from mlbank.exporters.view import BankView
from mlbank.model import Question

COLUMNS = (
    "id",
    "section",
    "title",
    "prompt",
    "answer",
    "strong_hire",
    "lean_hire",
    "no_hire",
    "topics",
    "see",
    "companies",
    "level",
    "time_minutes",
    "deck",
    "guid",
    "tags",
)
LIST_SEPARATOR = ";"
TAG_SEPARATOR = " "


def render(view: BankView, *, anki_headers: bool = False) -> Iterator[bytes]:
    """The file's bytes a row at a time (the header, then one row per question)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, dialect="excel", lineterminator="\r\n")
    if anki_headers:
        buffer.write(_anki_header())
    else:
        writer.writerow(COLUMNS)
    for question in view.questions:
        writer.writerow(row(view, question, html=anki_headers))
        yield _taken(buffer)
    yield _taken(buffer)


def render_text(view: BankView, *, anki_headers: bool = False) -> str:
    return b"".join(render(view, anki_headers=anki_headers)).decode("utf-8")


def _taken(buffer: io.StringIO) -> bytes:
    """What the buffer holds, encoded; the buffer is emptied."""
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


def row(view: BankView, q: Question, *, html: bool = False) -> list[str]:
    """One question's cells in COLUMNS order."""
    prose = fields(view, q) if html else _markdown_cells(q)
    return [
        *prose,
        q.level or "",
        _number(q.time_minutes),
        deck_name(view, q.section),
        note_guid(q.id),
        TAG_SEPARATOR.join(tags(q)),
    ]


def _markdown_cells(q: Question) -> list[str]:
    """The first eleven columns as plain text: prose as Markdown, lists joined."""
    companies = [f"{c.company}:{c.level}" if c.level else c.company for c in q.companies]
    return [
        q.id,
        q.section,
        q.title,
        q.prompt,
        q.answer,
        q.rubric.strong_hire,
        q.rubric.lean_hire,
        q.rubric.no_hire,
        LIST_SEPARATOR.join(q.topics),
        LIST_SEPARATOR.join(q.see),
        LIST_SEPARATOR.join(companies),
    ]


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else repr(value)


def _anki_header() -> str:
    """Anki's text-import header: https://docs.ankiweb.net/importing/text-files.html#file-headers"""
    names = [*FIELDS, *COLUMNS[len(FIELDS) :]]
    return "".join(
        f"#{key}:{value}\r\n"
        for key, value in (
            ("separator", "Comma"),
            ("html", "true"),
            ("notetype", NOTE_TYPE_NAME),
            ("columns", ",".join(names)),
            ("deck column", str(COLUMNS.index("deck") + 1)),
            ("guid column", str(COLUMNS.index("guid") + 1)),
            ("tags column", str(COLUMNS.index("tags") + 1)),
        )
    )
