"""The question's section does not match the folder it sits in.

Questions live at `questions/<section>/<id>-<slug>.yaml`; exporters and `mlbank stats` group by the
`section` field, authors browse by folder, and the two must agree.

Bad::

    # bank/questions/screening/q16-debugging.yaml
    section: deep-dive

Good::

    # bank/questions/deep-dive/q16-debugging.yaml
    section: deep-dive
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.bank import QUESTIONS_DIR
from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report

RULE = RuleId("MB104", "section-folder", Severity.ERROR)


def check(ctx: Context) -> Iterator[Finding]:
    for doc, data in ctx.questions:
        section = data.get("section")
        if not isinstance(section, str) or not section:
            continue  # an empty section is MB100's to report
        try:
            parts = doc.path.relative_to(ctx.bank.root / QUESTIONS_DIR).parts
        except ValueError:
            continue
        folder = parts[0] if len(parts) == 2 else None
        if folder != section:
            where = f"folder '{folder}'" if folder else "no section folder"
            yield report(
                RULE,
                doc,
                ("section",),
                f"section '{section}' but the file is in {where}: move it to {QUESTIONS_DIR}/{section}/",
            )
