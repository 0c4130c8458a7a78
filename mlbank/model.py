"""The data contract: pydantic models for question files, bank.yaml and topics.yaml.

These models are the single source of truth: `mlbank schema --write` generates schema/*.json from them,
and the loader validates every file against them. Unknown keys are rejected everywhere (extra="forbid"),
and validation is strict (no silent str<->number coercion), so the published schema and the linter agree.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

SCHEMA_BASE = "https://mlbank.dev/schema/"

KEBAB = r"^[a-z0-9]+(-[a-z0-9]+)*$"
QUESTION_ID = r"^[a-z]+[0-9]+$"

Kebab = Annotated[str, StringConstraints(pattern=KEBAB)]
QuestionId = Annotated[str, StringConstraints(pattern=QUESTION_ID)]
Text = Annotated[str, StringConstraints(min_length=1)]
Name = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Rubric(Strict):
    """The three grades an interviewer gives; each says what an answer at that grade contains."""

    strong_hire: Text
    lean_hire: Text
    no_hire: Text


class CompanyNote(Strict):
    """How one company asks or grades this question."""

    company: Kebab
    level: str | None = None
    expects: str | None = None


class Claim(Strict):
    """A worked number (`says` + `expr`) or an identity (`expr` + `equals`) proven with sympy."""

    says: str | None = Field(
        None, description="The number exactly as the prose writes it; its digits fix the precision."
    )
    expr: Text = Field(
        description="Arithmetic expression; ^ and ** are power, log is natural, pi and e are the constants."
    )
    equals: str | None = Field(None, description="For identities: the other side.")
    where: dict[Name, str | int | float] = Field(default_factory=dict, description="Names bound to values.")
    domain: dict[Name, str] = Field(
        default_factory=dict, description='Domains of free names: "[0, 1]", "integer [1, 50]".'
    )
    tolerance: str | None = Field(None, description="Absolute widening of the stated interval.")

    @model_validator(mode="after")
    def _says_xor_equals(self) -> Claim:
        if (self.says is None) == (self.equals is None):
            raise ValueError(
                "a claim needs exactly one of `says` (a stated number) or `equals` (an identity)"
            )
        return self


class ReviewStamp(Strict):
    """One review: who reviewed the question, when, and digests of what they saw (`mlbank review`)."""

    by: Text = Field(description="Who reviewed: a person's handle, or the name of a review pass.")
    on: Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] = Field(
        description="The day of the review, YYYY-MM-DD."
    )
    digest: str = Field(description="Hash of `fields`, written by `mlbank review`; never edit it by hand.")
    fields: dict[str, str] = Field(description="Per reviewed field, a hash of its value as data.")
    note: str | None = None


class Question(Strict):
    """One interview question: prompt, model answer, rubric, tags, references and worked numbers."""

    model_config = ConfigDict(
        title="mlbank question", json_schema_extra={"$id": SCHEMA_BASE + "question.schema.json"}
    )

    id: QuestionId
    section: Kebab
    label: str | None = Field(
        None, description="The source's own number for the question, e.g. 'Q31 (Bonus)'."
    )
    title: Text
    level: str | None = None
    time_minutes: Annotated[float, Field(gt=0, le=120)] | None = None
    topics: list[Kebab] = Field(min_length=1, description="Topic ids from topics.yaml, most relevant first.")
    see: list[Kebab] = Field(default_factory=list, description="Ids of topics or questions to study next.")
    companies: list[CompanyNote] = Field(default_factory=list)
    prompt: Text
    answer: Text
    rubric: Rubric
    worked: list[Claim] = Field(default_factory=list)
    settings: list[Text] = Field(
        default_factory=list,
        description="Numbers the prose states like results that are givens, not computed (a chosen "
        'temperature, a quoted rate), written exactly as in the prose ("0.25"): lint asks no claim '
        "for them. Not shown to learners.",
    )
    review: list[ReviewStamp] = Field(
        default_factory=list, description="Review stamps, oldest first; `mlbank review` appends one."
    )


class Topic(Strict):
    id: Kebab
    title: Text
    page: Annotated[int, Field(ge=1)]
    summary: Text


class TopicsFile(Strict):
    model_config = ConfigDict(
        title="mlbank topics", json_schema_extra={"$id": SCHEMA_BASE + "topics.schema.json"}
    )

    topics: list[Topic]


class Range(Strict):
    min: Annotated[float, Field(ge=0)]
    max: Annotated[float, Field(ge=0)]

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min > self.max:
            raise ValueError("min must not exceed max")
        return self


class Section(Strict):
    """One interview round: the cheat sheet's row for it."""

    id: Kebab
    title: Text
    round: Text
    round_minutes: Range | None = None
    questions_per_round: Range
    minutes_per_question: Range
    depth: Text
    id_prefix: Annotated[str, StringConstraints(pattern=r"^[a-z]+$")]
    description: str | None = None


class Company(Strict):
    id: Kebab
    name: Text


class Level(Strict):
    id: Text
    company: Kebab | None = None
    name: str | None = None


class FrameworkStep(Strict):
    id: Kebab
    title: Text
    text: Text


class PlanTask(Strict):
    text: Text
    refs: list[str] = Field(
        default_factory=list,
        description="Question, section or topic ids, or a question range 'q01..q10', that lint resolves.",
    )


class PlanDay(Strict):
    day: Annotated[int, Field(ge=0)]
    title: Text
    tasks: list[PlanTask]


class Practice(Strict):
    method: list[Text]
    plan: list[PlanDay]


class BankMeta(Strict):
    model_config = ConfigDict(
        title="mlbank bank", json_schema_extra={"$id": SCHEMA_BASE + "bank.schema.json"}
    )

    title: Text
    description: Text
    roles: list[Text] = Field(default_factory=list)
    sections: list[Section]
    companies: list[Company] = Field(default_factory=list)
    levels: list[Level] = Field(default_factory=list)
    framework: list[FrameworkStep] = Field(default_factory=list)
    practice: Practice


MODELS: dict[str, type[Strict]] = {"question": Question, "bank": BankMeta, "topics": TopicsFile}
ALL_MODELS: tuple[type[Strict], ...] = (
    *MODELS.values(),
    Rubric,
    CompanyNote,
    Claim,
    ReviewStamp,
    Topic,
    Range,
    Section,
    Company,
    Level,
    FrameworkStep,
    PlanTask,
    PlanDay,
    Practice,
)


def json_schema(kind: str) -> dict[str, Any]:
    """The published JSON Schema (2020-12) for one file kind."""
    schema = _close_pattern_maps(MODELS[kind].model_json_schema())
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


def _close_pattern_maps(node: Any) -> Any:
    """Pydantic writes constrained dict keys as patternProperties but leaves other keys allowed;
    the linter rejects them, so the published schema must too."""
    if isinstance(node, dict):
        out = {k: _close_pattern_maps(v) for k, v in node.items()}
        if "patternProperties" in out:
            out.setdefault("additionalProperties", False)
        return out
    if isinstance(node, list):
        return [_close_pattern_maps(v) for v in node]
    return node
