"""A cross reference names no topic, question or section of the bank.

`see` lists the topics and questions to study next; the practice plan in bank.yaml lists the
questions, question ranges (`q01..q10`) and sections each day covers. Every name must resolve, or
apps render dead links.

Bad::

    see: [bias-variance, q99]

Good::

    see: [bias-variance, q06]
"""

from __future__ import annotations

from collections.abc import Iterator

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, did_you_mean, report

RULE = RuleId("MB205", "unresolved-reference", Severity.ERROR)
BANK_WIDE = True  # reads other question files: runs once over the whole bank
READS = frozenset(
    {"id", "see"}
)  # the top-level keys of a question it reads (the bank-wide stage keeps these)
FACTS: frozenset[str] = frozenset()  # the derived facts it reads (mlbank.engine.record)


def check(ctx: Context) -> Iterator[Finding]:
    yield from _see(ctx)
    yield from _plan(ctx)


def _see(ctx: Context) -> Iterator[Finding]:
    known = set(ctx.topic_ids) | set(ctx.question_ids)
    for doc, data in ctx.questions:
        see = data.get("see")
        for i, ref in enumerate(see if isinstance(see, list) else []):
            if isinstance(ref, str) and ref not in known:
                yield report(
                    RULE,
                    doc,
                    ("see", i),
                    f"see: '{ref}' is neither a topic nor a question id{did_you_mean(ref, known)}",
                )


def _plan(ctx: Context) -> Iterator[Finding]:
    doc = ctx.bank.meta
    plan = ctx.meta.get("practice", {}).get("plan") if isinstance(ctx.meta.get("practice"), dict) else None
    if doc is None or not isinstance(plan, list):
        return
    known = set(ctx.question_ids) | set(ctx.section_ids) | set(ctx.topic_ids)
    for d, day in enumerate(plan):
        tasks = day.get("tasks") if isinstance(day, dict) else None
        for t, task in enumerate(tasks if isinstance(tasks, list) else []):
            refs = task.get("refs") if isinstance(task, dict) else None
            for r, ref in enumerate(refs if isinstance(refs, list) else []):
                if not isinstance(ref, str):
                    continue
                for end in ref.split("..") if ".." in ref else [ref]:
                    if end not in known:
                        yield report(
                            RULE,
                            doc,
                            ("practice", "plan", d, "tasks", t, "refs", r),
                            f"practice plan reference '{end}' is not a question, section or topic"
                            f"{did_you_mean(end, known)}",
                        )
