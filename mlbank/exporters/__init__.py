"""Exporters: one module per format, registered in one dict.

Each exporter turns a BankView (the linted bank's metadata and selected questions, in bank order)
into the bytes of one file, in pieces that are written as they come (a folder exporter, such as the
HTML site: the bytes of every file of a folder); it never writes files or prints.
mlbank/commands/export.py picks one by name, and writes its output atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from mlbank.exporters import anki, csv_export, json_export, markdown, site
from mlbank.exporters.view import BankView


@dataclass(frozen=True)
class ExportOptions:
    anki_headers: bool = False  # csv: Anki's text-import header lines and HTML cells
    claims_cache: Path | None = None  # json: verdicts lint already computed in this run
    jobs: int | None = None  # json: processes rendering the questions; None: one per core


class Exporter(NamedTuple):
    # The file's bytes in order; an error (a worked number that does not hold) comes before any.
    render: Callable[[BankView, ExportOptions], Iterable[bytes]]
    text: bool  # can go to stdout
    summary: str


EXPORTERS: dict[str, Exporter] = {
    "json": Exporter(
        lambda view, options: json_export.render(view, options.claims_cache, options.jobs),
        True,
        "one JSON document, schema/export.schema.json",
    ),
    "csv": Exporter(
        lambda view, options: csv_export.render(view, anki_headers=options.anki_headers),
        True,
        "one row per question (RFC 4180, UTF-8)",
    ),
    "markdown": Exporter(lambda view, _: markdown.render(view), True, "one page in bank order"),
    "anki": Exporter(
        lambda view, _: [anki.render(view)], False, "an .apkg: one note per question, a deck per section"
    ),
}


class FolderExporter(NamedTuple):
    render: Callable[[BankView, ExportOptions], dict[str, bytes]]  # relative POSIX path -> bytes
    summary: str


# Formats that write a folder (--out DIR), replaced whole by mlbank/commands/export.py.
FOLDER_EXPORTERS: dict[str, FolderExporter] = {
    "html": FolderExporter(
        lambda view, options: site.render(view, options.claims_cache),
        "a static site: index, one page per question and topic, MathML math",
    ),
}
