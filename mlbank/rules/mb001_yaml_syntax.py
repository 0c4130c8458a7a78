"""The file is not valid YAML.

The finding gives the parser's complaint, then the slip that most likely caused it and the fix. It
sits where the fix goes (the quote or bracket never closed, the `answer:` that needs `|`, the tab),
and names where the parser stopped when that is elsewhere. The slips recognised
(mlbank/yaml_hints.py):

- a tab in the indentation (YAML indents with spaces only), an invisible character (no-break space,
  byte-order mark);
- a colon followed by a space inside an unquoted value (`title: Softmax: a worked example`);
- text over several lines without `|` after its key (`answer:` then an indented paragraph);
- a key without a space after its colon (`title:Softmax`), a `-` without a space after it;
- a quote never closed or closed only on a later line, text after a closing quote, an apostrophe
  inside single quotes, a backslash in double quotes (`"$\\sigma$"`: write LaTeX in a `|` block);
- a value starting with a character YAML reserves: `*`, `&`, `@`, a backtick, `%`, `- `, `? `, or
  `|` followed by text on its line;
- a `[` or `{` never closed or closed by the other bracket, a missing comma, a ` #` inside one;
- indentation: a `- ` item or a key out of line with the ones above it, a key under the `- ` of
  its item, a line of a `|` block indented less than the block's first line.

An error none of these explains keeps the parser's message alone. (`*`, `&` and `!` that start a
valid alias, anchor or tag are refused by MB005 and MB004, which also say how to write them as text.)

Bad::

    title: Softmax: a worked example
    answer:
      My default is log loss (a proper scoring rule): it is calibrated.
    topics: [loss-functions

Good::

    title: "Softmax: a worked example"
    answer: |
      My default is log loss (a proper scoring rule): it is calibrated.
    topics: [loss-functions]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.loader import Problem
from mlbank.rules.base import Context, RuleId, problem_findings

RULE = RuleId("MB001", "yaml-syntax", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    yield from problem_findings(RULE, ctx, Problem.SYNTAX)
