"""A text field holds an unquoted value that YAML reads as a number, boolean or null.

YAML turns unquoted `4.60` into the number 4.6 (the stated precision is lost), `2024` into an
integer and `yes`/`no`/`on`/`off` into booleans in YAML 1.1 loaders. Text fields (and a claim's
`says`, whose digits fix its precision) must be strings: quote them. A key with nothing after it,
or with `~` or `null`, has no value at all: write the text (an empty prompt, answer or rubric level
is MB101's or MB102's to report).

Bad::

    title: 2024
    worked:
      - says: 4.60
        expr: -log(0.01)

Good::

    title: "2024"
    worked:
      - says: "4.60"
        expr: -log(0.01)
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import FieldPath
from mlbank.rules.base import RUBRIC_LEVELS, Context, RuleId, dotted, empty_value, report, what_to_write

RULE = RuleId("MB105", "unquoted-value", Severity.ERROR)
# Empty text that MB101 (prompt, answer) and MB102 (rubric levels) already report, with what to write.
_EMPTY_REPORTED_ELSEWHERE = {("prompt",), ("answer",), *(("rubric", level) for level in RUBRIC_LEVELS)}


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.bank.documents:
        for error in doc.schema_errors:
            info = doc.nodes.get(error.loc)
            if error.type != "string_type" or info is None or info.style != "" or info.raw is None:
                continue
            if error.input is None and error.loc in _EMPTY_REPORTED_ELSEWHERE:
                continue
            yield report(RULE, doc, error.loc, _message(error.loc, info.raw, error.input))


def _message(loc: FieldPath, raw: str, value: object) -> str:
    if value is None and not raw:  # nothing after the colon: quoting nothing would not help
        return empty_value(loc, typed_after_key=True)
    if value is None:
        return (
            f"{dotted(loc)}: '{raw}' is YAML for no value: write {what_to_write(loc)} "
            f'(or quote it, "{raw}", if you mean the text)'
        )
    extra = " (its precision is lost)" if loc[-1:] == ("says",) else ""
    return f'{dotted(loc)}: unquoted {raw} is read as {_kind(value)}{extra}: quote it: "{raw}"'


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
