"""A value does not fit the published schema (schema/*.schema.json).

Covers unknown keys, missing required keys, wrong types and malformed ids. The message names the
field path and what the schema expects. A few errors are explained by more specific rules instead:
missing or empty prompt/answer (MB101), rubric levels (MB102), unquoted numbers in text fields
(MB105) and questions without topics (MB204).

Bad::

    id: Q-1
    sections: screening
    time_minutes: two

Good::

    id: q01
    section: screening
    time_minutes: 2
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Document, FieldPath, SchemaError
from mlbank.model import ALL_MODELS, KEBAB, QUESTION_ID
from mlbank.rules.base import Context, RuleId, did_you_mean, dotted, empty_value, report

RULE = RuleId("MB100", "schema", Severity.ERROR)

KNOWN_FIELDS = frozenset(name for model in ALL_MODELS for name in model.model_fields)
# The schema's string patterns, said in words (pydantic names only the regular expression).
_PATTERNS = {
    QUESTION_ID: "a question id: lowercase letters, then a number, like q07",
    KEBAB: "an id: lowercase letters and digits in words joined by single hyphens, like loss-functions",
}


def deferred(doc: Document, error: SchemaError) -> bool:
    """Errors a more specific rule explains (see the module docstring)."""
    loc, kind = error.loc, error.type
    if loc in (("prompt",), ("answer",)) and kind in ("missing", "string_too_short"):
        return True
    if loc[:1] == ("rubric",) and kind in ("missing", "string_too_short", "model_type"):
        return True
    if loc == ("topics",) and (kind in ("missing", "too_short") or error.input is None):
        return True
    info = doc.nodes.get(loc)
    return kind == "string_type" and info is not None and info.style == "" and info.raw is not None


def message(error: SchemaError) -> str:
    loc, kind = error.loc, error.type
    name = str(loc[-1]) if loc else ""
    if kind == "missing":
        return f"missing required key '{name}' in {dotted(loc[:-1])}"
    if kind == "extra_forbidden":
        return f"unknown key '{name}'{did_you_mean(name, KNOWN_FIELDS)}: remove it or fix its spelling"
    if error.input == "" and kind in ("string_too_short", "string_pattern_mismatch"):
        return empty_value(loc)
    if kind == "list_type" and error.input in (None, ""):
        return f"{dotted(loc)} is empty: write its items as a list, [a, b], or one '- ' line each"
    if kind == "list_type" and isinstance(error.input, str):  # `see: q02`: one item, no brackets
        return f"{dotted(loc)} must be a list, even of one item: write [{error.input}]"
    if kind == "string_pattern_mismatch":
        return _pattern_message(loc, error)
    text = error.message.removeprefix("Value error, ")
    return f"{dotted(loc)}: {text}"


def _pattern_message(loc: FieldPath, error: SchemaError) -> str:
    """The pattern in words, with an example, for the patterns authors meet."""
    for pattern, words in _PATTERNS.items():
        if f"'{pattern}'" in error.message:
            return f"{dotted(loc)}: {error.input!r} is not {words}"
    return f"{dotted(loc)}: {error.message}"


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.bank.documents:
        for error in doc.schema_errors:
            if deferred(doc, error):
                continue
            key = error.type in ("extra_forbidden",)
            path = error.loc[:-1] if error.type == "missing" else error.loc
            yield report(RULE, doc, path, message(error), key=key)
