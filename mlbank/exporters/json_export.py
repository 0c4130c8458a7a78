"""JSON export: one document `{schema_version, bank, sections, topics, questions}`.

The shape is mlbank/exporters/json_model.py, published as schema/export.schema.json. Each worked
number carries the value mlbank computed for it (`value`, and `rounded` at the stated precision), so
apps can show the arithmetic without a computer-algebra system. Integral numbers are written without
a fraction (`2`, not `2.0`), and keys keep the model's order, so the text is stable between runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlbank.exporters.json_model import (
    SCHEMA_VERSION,
    Export,
    ExportBankInfo,
    ExportClaim,
    ExportQuestion,
    ExportReview,
    ExportSection,
    ExportTopic,
)
from mlbank.exporters.view import BankView, Entry
from mlbank.model import Claim

if TYPE_CHECKING:
    from mlbank.claims import ClaimSpec


class ClaimFailure(Exception):
    """A worked number that does not hold: exporting it would publish a wrong number."""


def render(view: BankView, cache_dir: Path | None = None) -> bytes:
    return render_text(view, cache_dir).encode("utf-8")


def render_text(view: BankView, cache_dir: Path | None = None) -> str:
    data = integral(document(view, cache_dir).model_dump(mode="json"))
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def document(view: BankView, cache_dir: Path | None = None) -> Export:
    values = computed_values(view.entries, cache_dir)
    return Export(
        schema_version=SCHEMA_VERSION,
        bank=bank_info(view),
        sections=sections(view),
        topics=topics(view),
        questions=[_question(e, values[e.question.id]) for e in view.entries],
    )


def bank_info(view: BankView) -> ExportBankInfo:
    keys = {"title", "description", "roles", "companies", "levels", "framework", "practice"}
    return ExportBankInfo.model_validate(view.meta.model_dump(include=keys))


def sections(view: BankView) -> list[ExportSection]:
    return [
        ExportSection.model_validate(
            {**s.model_dump(), "questions": [e.question.id for e in view.in_section(s.id)]}
        )
        for s in view.meta.sections
    ]


def topics(view: BankView) -> list[ExportTopic]:
    return [ExportTopic.model_validate(t.model_dump()) for t in view.topics]


def _question(entry: Entry, values: list[tuple[str | None, str | None]]) -> ExportQuestion:
    q = entry.question
    data = q.model_dump(exclude={"worked", "review"})
    claims = [
        ExportClaim.model_validate({**c.model_dump(), "value": value, "rounded": rounded})
        for c, (value, rounded) in zip(q.worked, values, strict=True)
    ]
    stamp = entry.stamp
    review = (
        None
        if stamp is None
        else ExportReview(by=stamp.by, on=stamp.on.isoformat(), current=entry.review_current)
    )
    return ExportQuestion.model_validate({**data, "worked": claims, "review": review})


def computed_values(
    entries: tuple[Entry, ...], cache_dir: Path | None = None
) -> dict[str, list[tuple[str | None, str | None]]]:
    """Question id -> (value, rounded) per claim, computed in one worker run for the whole export."""
    from mlbank.claims import check_claims

    located = [(e, i, claim) for e in entries for i, claim in enumerate(e.question.worked)]
    verdicts = check_claims([claim_spec(e, i, c) for e, i, c in located], cache_dir) if located else []
    values: dict[str, list[tuple[str | None, str | None]]] = {e.question.id: [] for e in entries}
    for (entry, i, _), verdict in zip(located, verdicts, strict=True):
        if verdict.status != "holds":
            raise ClaimFailure(f"{entry.doc.display}: worked[{i}]: {verdict.message}")
        values[entry.question.id].append((verdict.value, verdict.rounded))
    return values


def claim_spec(entry: Entry, index: int, claim: Claim) -> ClaimSpec:
    """The claims engine's input; `where` values keep their YAML text, so `0.10` is not 0.1."""
    from mlbank.worked import spec_of

    spec = spec_of(entry.doc, index, claim.model_dump())
    assert spec is not None  # a validated Claim always has the shape spec_of needs
    return spec


def integral(node: Any) -> Any:
    """2.0 -> 2: YAML's `time_minutes: 2` reads back as written, in every language."""
    if isinstance(node, float) and node.is_integer():
        return int(node)
    if isinstance(node, dict):
        return {k: integral(v) for k, v in node.items()}
    if isinstance(node, list):
        return [integral(v) for v in node]
    return node
