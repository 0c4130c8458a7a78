"""The JSON export's data contract, published as schema/export.schema.json.

These models describe what `mlbank export --format json` writes, not what the bank files hold, so the
input models in mlbank/model.py can evolve without silently changing what apps consume. Every field is
required (optional values are written as null), so consumers never guess at a missing key. Objects
are open (unknown keys allowed), so a document from a newer minor version still validates against an
older schema of the same major version.

1.2 added what an app needs to show the bank without a Markdown parser: each prose field also as HTML
in a sibling `<name>_html` field (the Markdown field keeps its meaning, so old consumers read on), `see`
as typed `references`, practice-plan `refs` expanded to question ids, and each claim's numbers as JSON
numbers beside the exact strings.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from mlbank.model import SCHEMA_BASE

# Semantic versioning of the export format, written into every document as `schema_version`:
# - major: a field is removed, renamed, retyped or changes meaning (consumers must change);
# - minor: a field or an enum value is added (old consumers keep working: objects are open);
# - patch: descriptions and documentation only.
# The schema's `schema_version` pattern pins the major, so a 2.x document fails the 1.x schema.
SCHEMA_VERSION = "1.2.0"  # 1.1: each question's `review`; 1.2: `*_html`, references, plan questions, numbers
MAJOR = SCHEMA_VERSION.split(".")[0]


class Out(BaseModel):
    model_config = ConfigDict(frozen=True)


# What an app does with every `*_html` field (mlbank.render.to_html, Math.TEX).
HTML_USE = (
    "an inert HTML fragment: raw HTML in the text is escaped, only http(s) links become links, there "
    "are no images. Math is TeX between \\(...\\) (inline) and \\[...\\] (display), HTML-escaped: "
    "run KaTeX's or MathJax's auto-render on the element with these two delimiter pairs only. Do not "
    "enable $ delimiters: a dollar in the text is currency ($50)."
)


def html_field(source: str, note: str = "") -> Any:
    """A sibling `<source>_html` field, documented for app authors."""
    return Field(description=f"Added in 1.2. `{source}` as {HTML_USE}{note}")


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
    description: str | None = Field(description="Markdown, like a question's prompt.")
    description_html: str | None = html_field("description", " Null when description is null.")
    questions: list[str] = Field(description="Ids of the exported questions in this section, in order.")


class ExportTopic(Out):
    id: str
    title: str
    page: int
    summary: str = Field(description="Markdown, like a question's prompt.")
    summary_html: str = html_field("summary")


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
    text: str = Field(description="Markdown, like a question's prompt.")
    text_html: str = html_field("text")


class ExportPlanTask(Out):
    text: str = Field(description="Markdown, like a question's prompt.")
    text_html: str = html_field("text")
    refs: list[str] = Field(
        description="The references as bank.yaml writes them; read `questions` instead. Each is a "
        "question id (q26), a question range (q01..q10: the questions whose ids have that letter "
        "prefix and a number from the first to the last, inclusive), a section id (the section's "
        "questions) or a topic id (the questions tagged with the topic)."
    )
    questions: list[str] = Field(
        description="Added in 1.2. `refs` expanded to the ids of the exported questions they name, "
        "each once, in the order of `refs` (within one reference: bank order, a range by number). "
        "Questions the export's --only filters left out are not listed."
    )


class ExportPlanDay(Out):
    day: int
    title: str
    tasks: list[ExportPlanTask]


class ExportPractice(Out):
    method: list[str] = Field(description="Markdown, one step each.")
    method_html: list[str] = html_field("method", " One fragment per step, in order.")
    plan: list[ExportPlanDay]


class ExportBankInfo(Out):
    title: str
    description: str = Field(description="Markdown, like a question's prompt.")
    description_html: str = html_field("description")
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
    expects: str | None = Field(description="Markdown, like prompt.")
    expects_html: str | None = html_field("expects", " Null when expects is null.")


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
    value_number: float | None = Field(
        description="Added in 1.2. `value` as a JSON number (the double nearest to it; the string stays "
        "exact). Null when value is null (an identity) or beyond a double's range."
    )
    rounded_number: float | None = Field(
        description="Added in 1.2. The number `rounded` writes, on value's scale: 87% is 0.87, 100x is "
        "100, 500:1 is 500. Null when rounded is null or beyond a double's range."
    )


class ExportReview(Out):
    """The question's newest trusted review stamp (docs/REVIEWING.md)."""

    by: str = Field(description="Who reviewed: a person's handle, or the name of a review pass.")
    on: str = Field(description="The day of the review, YYYY-MM-DD.")
    current: bool = Field(
        description="True when nothing reviewed has changed since and the review has not expired "
        "(the bank's review-max-age); an app may show only current questions."
    )


class ExportReference(Out):
    """One entry of a question's `see`, typed (added in 1.2)."""

    kind: Literal["topic", "question"] = Field(
        description="topic: an id in `topics`; question: a question id."
    )
    id: str
    title: str = Field(
        description="The topic's title, or the question's title as written (Markdown, like a question's "
        "`title`), taken from the bank even when the question is not exported."
    )
    title_html: str = Field(
        description="The title as inline HTML (a question's through the renderer, math as \\(...\\); a "
        "topic's escaped), safe to insert like the other *_html fields."
    )
    exported: bool = Field(
        description="True when the target is in this document (topics always are); false for a question "
        "the export's --only filters left out: show its title, but do not link to it."
    )


class ExportQuestion(Out):
    id: str
    section: str
    label: str | None
    title: str = Field(description="Markdown on one line; may hold $...$ math.")
    title_html: str = html_field("title", " Inline: no enclosing paragraph.")
    prompt: str = Field(description="Markdown; math as $...$, currency dollars escaped as \\$.")
    prompt_html: str = html_field("prompt")
    answer: str = Field(description="Markdown, like prompt.")
    answer_html: str = html_field("answer")
    rubric: ExportRubric
    rubric_html: ExportRubric = Field(description=f"Added in 1.2. Each of `rubric`'s grades as {HTML_USE}")
    topics: list[str]
    see: list[str] = Field(description="Ids of topics or questions to study next; `references` types them.")
    references: list[ExportReference] = Field(
        description="Added in 1.2. `see`, in the same order, each entry with its kind and title (every "
        "entry of a bank that passes lint; one that names nothing is left out)."
    )
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
