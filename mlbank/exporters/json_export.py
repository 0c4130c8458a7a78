"""JSON export: one document `{schema_version, bank, sections, topics, questions}`.

The shape is mlbank/exporters/json_model.py, published as schema/export.schema.json. Each worked
number carries the value mlbank computed for it (`value`, and `rounded` at the stated precision, as
exact strings and as JSON numbers), so apps can show the arithmetic without a computer-algebra system.
Every prose field also comes as HTML from the one renderer (mlbank.render, math kept as TeX for
KaTeX/MathJax auto-render), `see` comes typed and titled, and practice-plan references come expanded
to question ids, so an app needs neither a Markdown parser nor the bank's reference grammar.
Integral numbers are written without a fraction (`2`, not `2.0`), and keys keep the model's order, so
the text is stable between runs.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from mlbank.claims.errors import ClaimError
from mlbank.claims.stated import parse_stated
from mlbank.exporters.json_model import (
    SCHEMA_VERSION,
    Export,
    ExportBankInfo,
    ExportClaim,
    ExportQuestion,
    ExportReference,
    ExportReview,
    ExportSection,
    ExportTopic,
)
from mlbank.exporters.parts import rendered
from mlbank.exporters.view import BankView, Entry, plan_questions
from mlbank.model import Question
from mlbank.render import inline_html, plain_html, to_html


class ClaimFailure(Exception):
    """A worked number that does not hold: exporting it would publish a wrong number."""


def render(view: BankView, cache_dir: Path | None = None, jobs: int | None = None) -> Iterator[bytes]:
    """The document's UTF-8 text in pieces, the questions a part at a time (see mlbank.exporters.parts):
    joined, exactly the text of `document` as `_dumps` writes it. Worked numbers are computed before
    the first piece, so a number that does not hold (ClaimFailure) stops the export before it writes."""
    values = computed_values(view.entries, cache_dir)
    targets = Targets.of(view)
    head = Export(
        schema_version=SCHEMA_VERSION,
        bank=bank_info(view),
        sections=sections(view),
        topics=topics(view),
        questions=[],
    )

    def render_part(start: int, stop: int) -> str:
        entries = view.entries[start:stop]
        return ",\n".join(_item(_question(e, values[e.question.id], targets)) for e in entries)

    return _pieces(head, rendered(render_part, len(view.entries), jobs))


def render_text(view: BankView, cache_dir: Path | None = None) -> str:
    return b"".join(render(view, cache_dir)).decode("utf-8")


def document(view: BankView, cache_dir: Path | None = None) -> Export:
    """The whole document as one model (what `render` writes a part at a time)."""
    values = computed_values(view.entries, cache_dir)
    targets = Targets.of(view)
    return Export(
        schema_version=SCHEMA_VERSION,
        bank=bank_info(view),
        sections=sections(view),
        topics=topics(view),
        questions=[_question(e, values[e.question.id], targets) for e in view.entries],
    )


def dumps(model: BaseModel) -> str:
    """A model as the export writes JSON: two-space indents, UTF-8 as is, integral numbers as ints."""
    return json.dumps(integral(model.model_dump(mode="json")), indent=2, ensure_ascii=False)


# `questions` is the document's last key, and each question an item of that list: json.dumps writes
# an item at the list's depth by indenting every line of the item's own text, which only the
# document's structure breaks into lines (a newline inside a string is written `\n`).
_EMPTY_LIST_END = '"questions": []\n}'
_ITEM_INDENT = "    "


def _pieces(head: Export, parts: Iterator[str]) -> Iterator[bytes]:
    text = dumps(head)
    assert text.endswith(_EMPTY_LIST_END), "questions must stay the document's last key"
    opening = text[: -len("[]\n}")]
    first = next(parts, None)
    if first is None:
        yield (text + "\n").encode("utf-8")
        return
    yield f"{opening}[\n{first}".encode()
    for part in parts:
        yield f",\n{part}".encode()
    yield b"\n  ]\n}\n"


def _item(question: ExportQuestion) -> str:
    return _ITEM_INDENT + dumps(question).replace("\n", "\n" + _ITEM_INDENT)


def bank_info(view: BankView) -> ExportBankInfo:
    meta = view.meta
    keys = {"title", "description", "roles", "companies", "levels"}
    return ExportBankInfo.model_validate(
        {
            **with_html(meta.model_dump(include=keys), "description"),
            "framework": [with_html(step.model_dump(), "text") for step in meta.framework],
            "practice": _practice(view),
        }
    )


def _practice(view: BankView) -> dict[str, Any]:
    practice = view.meta.practice
    plan = [
        {
            **day.model_dump(exclude={"tasks"}),
            "tasks": [
                {**with_html(t.model_dump(), "text"), "questions": plan_questions(view, t.refs)}
                for t in day.tasks
            ],
        }
        for day in practice.plan
    ]
    return {"method": practice.method, "method_html": [to_html(m) for m in practice.method], "plan": plan}


def sections(view: BankView) -> list[ExportSection]:
    return [
        ExportSection.model_validate(
            with_html(
                {**s.model_dump(), "questions": [e.question.id for e in view.in_section(s.id)]}, "description"
            )
        )
        for s in view.meta.sections
    ]


def topics(view: BankView) -> list[ExportTopic]:
    return [ExportTopic.model_validate(with_html(t.model_dump(), "summary")) for t in view.topics]


def with_html(data: dict[str, Any], *names: str) -> dict[str, Any]:
    """`data` with a `<name>_html` beside each named Markdown field (a null field stays null)."""
    return {**data, **{f"{name}_html": None if data[name] is None else to_html(data[name]) for name in names}}


def _question(entry: Entry, values: list[tuple[str | None, str | None]], targets: Targets) -> ExportQuestion:
    q = entry.question
    data = q.model_dump(exclude={"worked", "review", "settings"})
    stamp = entry.stamp
    review = (
        None
        if stamp is None
        else ExportReview(by=stamp.by, on=stamp.on.isoformat(), current=entry.review_current)
    )
    html = {
        "title_html": inline_html(q.title),
        **with_html(data, "prompt", "answer"),
        "rubric_html": {level: to_html(text) for level, text in data["rubric"].items()},
        "companies": [with_html(note, "expects") for note in data["companies"]],
    }
    return ExportQuestion.model_validate(
        {**data, **html, "references": targets.references(q), "worked": _claims(q, values), "review": review}
    )


def _claims(question: Question, values: list[tuple[str | None, str | None]]) -> list[ExportClaim]:
    return [
        ExportClaim.model_validate(
            {
                **claim.model_dump(),
                "value": value,
                "rounded": rounded,
                "value_number": as_number(value),
                "rounded_number": as_number(rounded),
            }
        )
        for claim, (value, rounded) in zip(question.worked, values, strict=True)
    ]


@dataclass(frozen=True)
class Targets:
    """What a `see` entry can name, looked up once per export (a bank may hold thousands of questions)."""

    topics: dict[str, str]  # topic id -> title
    questions: dict[str, str]  # question id -> title, for every question of the bank
    exported: frozenset[str]  # the ids of the questions in this export

    @classmethod
    def of(cls, view: BankView) -> Targets:
        return cls(
            {t.id: t.title for t in view.topics},
            {q.id: q.title for q in view.bank_questions},
            frozenset(q.id for q in view.questions),
        )

    def references(self, question: Question) -> list[ExportReference]:
        """`see` typed and titled, in order; an entry that names nothing (lint's MB205) is left out."""
        found = []
        for ref in question.see:
            if ref in self.questions:  # a question first, as the Anki export reads `see`
                title = self.questions[ref]
                found.append(
                    ExportReference(
                        kind="question",
                        id=ref,
                        title=title,
                        title_html=inline_html(title),
                        exported=ref in self.exported,
                    )
                )
            elif ref in self.topics:
                title = self.topics[ref]
                found.append(
                    ExportReference(
                        kind="topic", id=ref, title=title, title_html=plain_html(title), exported=True
                    )
                )
        return found


def as_number(text: str | None) -> float | None:
    """A computed value or a rounded stated number as a JSON number, on the value's scale (`87%` is
    0.87, `500:1` is 500); None for no value, or one beyond a double's range (JSON has no infinity)."""
    if text is None:
        return None
    try:
        number = float(parse_stated(text).value)
    except (ClaimError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def computed_values(
    entries: tuple[Entry, ...], cache_dir: Path | None = None
) -> dict[str, list[tuple[str | None, str | None]]]:
    """Question id -> (value, rounded) per claim, computed in one worker run for the whole export."""
    from mlbank.claims import check_claims

    located = [(e, i, spec) for e in entries for i, spec in enumerate(e.claims)]
    verdicts = check_claims([spec for _, _, spec in located], cache_dir) if located else []
    values: dict[str, list[tuple[str | None, str | None]]] = {e.question.id: [] for e in entries}
    for (entry, i, _), verdict in zip(located, verdicts, strict=True):
        if verdict.status != "holds":
            raise ClaimFailure(f"{entry.doc.display}: worked[{i}]: {verdict.message}")
        values[entry.question.id].append((verdict.value, verdict.rounded))
    return values


def integral(node: Any) -> Any:
    """2.0 -> 2: YAML's `time_minutes: 2` reads back as written, in every language."""
    if isinstance(node, float) and node.is_integer():
        return int(node)
    if isinstance(node, dict):
        return {k: integral(v) for k, v in node.items()}
    if isinstance(node, list):
        return [integral(v) for v in node]
    return node
