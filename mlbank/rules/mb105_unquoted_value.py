"""A text field holds an unquoted value that YAML reads as a number, boolean or null.

YAML turns unquoted `4.60` into the number 4.6 (the stated precision is lost), `2024` into an
integer and `yes`/`no`/`on`/`off` into booleans in YAML 1.1 loaders. Text fields (and a claim's
`says`, whose digits fix its precision) must be strings: quote them.

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
from mlbank.rules.base import Context, RuleId, dotted, report

RULE = RuleId("MB105", "unquoted-value", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc in ctx.bank.documents:
        for error in doc.schema_errors:
            info = doc.nodes.get(error.loc)
            if error.type != "string_type" or info is None or info.style != "" or info.raw is None:
                continue
            extra = " (its precision is lost)" if error.loc[-1:] == ("says",) else ""
            yield report(
                RULE,
                doc,
                error.loc,
                f"{dotted(error.loc)}: unquoted {info.raw} is read as {_kind(error.input)}{extra}: "
                f'quote it: "{info.raw}"',
            )


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return "a number"
