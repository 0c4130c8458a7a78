"""Reporters render findings faithfully, and file text cannot break out of CI formats."""

from __future__ import annotations

import json

from mlbank import reporters
from mlbank.finding import Finding, Severity

HOSTILE = Finding(
    "q,1:x.yaml", 3, 4, "MB300", "currency-dollar", Severity.ERROR, "bad\n::error::pwned 100%\r"
)
WARN = Finding("b.yaml", 1, 1, "MB203", "unused-topic", Severity.WARNING, "no question is tagged")


def test_text_lines_and_summary() -> None:
    out = reporters.text([HOSTILE, WARN]).splitlines()
    assert out[0].startswith("q,1:x.yaml:3:4: MB300 [currency-dollar] bad")
    assert out[-1] == "Found 1 error and 1 warning in 2 files."
    assert reporters.text([]) == "All checks passed."


def test_github_annotations_cannot_inject_commands() -> None:
    out = reporters.github([HOSTILE, WARN]).splitlines()
    assert (
        out[0]
        == "::error file=q%2C1%3Ax.yaml,line=3,col=4,title=MB300 currency-dollar::bad%0A::error::pwned 100%25%0D"
    )
    assert out[1].startswith("::warning file=b.yaml,line=1,col=1,")
    assert sum(line.startswith("::") for line in out) == 2  # the message did not start a third command


def test_sarif_structure() -> None:
    log = json.loads(reporters.sarif([HOSTILE, WARN]))
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    assert run["tool"]["driver"]["name"] == "mlbank"
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} == {"MB300", "MB203"}
    first = run["results"][0]
    assert first["ruleId"] == "MB300" and first["level"] == "error"
    region = first["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 3, "startColumn": 4}
    assert run["results"][1]["level"] == "warning"


def test_json_round_trips() -> None:
    assert json.loads(reporters.as_json([WARN])) == [WARN.as_dict()]


def test_statistics_counts_per_rule() -> None:
    assert reporters.statistics([HOSTILE, HOSTILE._replace(line=9), WARN]) == (
        "    2  MB300  currency-dollar\n    1  MB203  unused-topic"
    )
