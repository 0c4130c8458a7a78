"""The JSON export's data contract, published as schema/export.schema.json.

These models describe what `mlbank export --format json` writes, not what the bank files hold, so the
input models in mlbank/model.py can evolve without silently changing what apps consume. Every field is
required (optional values are written as null), so consumers never guess at a missing key. Objects
are open (unknown keys allowed), so a document from a newer minor version still validates against an
older schema of the same major version.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from mlbank.model import SCHEMA_BASE

# Semantic versioning of the export format, written into every document as `schema_version`:
# - major: a field is removed, renamed, retyped or changes meaning (consumers must change);
# - minor: a field or an enum value is added (old consumers keep working: objects are open);
# - patch: descriptions and documentation only.
# The schema's `schema_version` pattern pins the major, so a 2.x document fails the 1.x schema.
SCHEMA_VERSION = "1.1.0"  # 1.1: each question's `review`
MAJOR = SCHEMA_VERSION.split(".")[0]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class ExportRange(Out):
    min: float
    max: float


class ExportSection(Out):
    id: str
    title: str
    round: str
    round_minutes: ExportRange | None
    questions_per_round: ExportRange
    minutes_per_question: ExportRange
    depth: str
    id_prefix: str
    description: str | None
    questions: list[str] = Field(description="Ids of the exported questions in this section, in order.")


class ExportTopic(Out):
    id: str
    title: str
    page: int
    summary: str


class ExportCompany(Out):
    id: str
    name: str


class ExportLevel(Out):
    id: str
    company: str | None
    name: str | None


class ExportFrameworkStep(Out):
    id: str
    title: str
    text: str


class ExportPlanTask(Out):
    text: str
    refs: list[str]


class ExportPlanDay(Out):
    day: int
    title: str
    tasks: list[ExportPlanTask]


class ExportPractice(Out):
    method: list[str]
    plan: list[ExportPlanDay]


class ExportBankInfo(Out):
    title: str
    description: str
    roles: list[str]
    companies: list[ExportCompany]
    levels: list[ExportLevel]
    framework: list[ExportFrameworkStep]
    practice: ExportPractice


class ExportRubric(Out):
    strong_hire: str
    lean_hire: str
    no_hire: str


class ExportCompanyNote(Out):
    company: str
    level: str | None
    expects: str | None


class ExportClaim(Out):
    """A worked number as written, plus what mlbank computed for it."""

    says: str | None
    expr: str
    equals: str | None
    where: dict[str, str | int | float]
    domain: dict[str, str]
    tolerance: str | None
    value: str | None = Field(description="The expression's computed value (for `says` claims).")
    rounded: str | None = Field(description="The computed value at the precision the stated number has.")


class ExportReview(Out):
    """The question's newest trusted review stamp (docs/REVIEWING.md)."""

    by: str = Field(description="Who reviewed: a person's handle, or the name of a review pass.")
    on: str = Field(description="The day of the review, YYYY-MM-DD.")
    current: bool = Field(
        description="True when nothing reviewed has changed since and the review has not expired "
        "(the bank's review-max-age); an app may show only current questions."
    )


class ExportQuestion(Out):
    id: str
    section: str
    label: str | None
    title: str
    prompt: str = Field(description="Markdown; math as $...$, currency dollars escaped as \\$.")
    answer: str = Field(description="Markdown, like prompt.")
    rubric: ExportRubric
    topics: list[str]
    see: list[str]
    companies: list[ExportCompanyNote]
    level: str | None
    time_minutes: float | None
    worked: list[ExportClaim]
    review: ExportReview | None = Field(
        description="Added in 1.1. The newest trusted review, or null when the question was never reviewed."
    )


class Export(Out):
    model_config = ConfigDict(
        title="mlbank export", json_schema_extra={"$id": SCHEMA_BASE + "export.schema.json"}
    )

    schema_version: str = Field(
        pattern=rf"^{MAJOR}\.[0-9]+\.[0-9]+$", description="Semantic version of this format."
    )
    bank: ExportBankInfo
    sections: list[ExportSection]
    topics: list[ExportTopic]
    questions: list[ExportQuestion] = Field(description="The exported questions in bank order.")


def json_schema() -> dict[str, Any]:
    """The published JSON Schema (2020-12) of the JSON export."""
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **Export.model_json_schema()}
