"""A model answer that cannot be said in its section's time, or is far too thin for it.

bank.yaml gives each section minutes per question (a phone screen 2-3, a deep dive 8-12, quick-fire
15-30 seconds). At about 150 spoken words a minute, with formulas read symbol by symbol, an answer
longer than the section's maximum cannot be delivered in the round; one shorter than a sixth of its
minimum is too thin to anchor the follow-up discussion the round expects. An answer that is still a
TODO placeholder is left to MB502.

Bad::

    section: quick-fire      # 0.25-0.5 minutes
    answer: |
      (a 300-word essay)

Good::

    section: quick-fire
    answer: |
      Dropout zeroes activations at random during training, so units cannot co-adapt.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from mlbank.finding import Finding, Severity
from mlbank.rules.base import Context, RuleId, report
from mlbank.rules.mb502_placeholder import TODO

RULE = RuleId("MB501", "speaking-time", Severity.WARNING)
THIN = 1 / 6


def check(ctx: Context) -> Iterator[Finding]:
    from mlbank.speech import WORDS_PER_MINUTE, speaking_minutes

    limits = _limits(ctx.meta.get("sections"))
    for doc, q in ctx.questions:
        answer, section = q.get("answer"), q.get("section")
        if not isinstance(answer, str) or not isinstance(section, str) or section not in limits:
            continue  # a malformed answer or section is MB100's to report
        if _placeholder(answer):
            continue  # a placeholder answer is MB502's to report, not a thin one
        low, high = limits[section]
        minutes = speaking_minutes(answer)
        if minutes > high:
            yield report(
                RULE,
                doc,
                ("answer",),
                f"the answer takes about {_fmt(minutes)} to say at {WORDS_PER_MINUTE} words a minute, "
                f"over the {_fmt(high)} a {section} question gets: cut it to the essentials",
            )
        elif minutes < low * THIN:
            yield report(
                RULE,
                doc,
                ("answer",),
                f"the answer takes about {_fmt(minutes)} to say, under a sixth of the {_fmt(low)} "
                f"a {section} question gets: add the depth the section asks for",
            )


def _placeholder(answer: str) -> bool:
    # The substring test first: a regex that starts with \b tries a match at every character.
    return "TODO" in answer and TODO.search(answer) is not None


def _limits(sections: Any) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for s in sections if isinstance(sections, list) else []:
        span = s.get("minutes_per_question") if isinstance(s, dict) else None
        if isinstance(span, dict) and all(isinstance(span.get(k), (int, float)) for k in ("min", "max")):
            out[str(s.get("id"))] = (float(span["min"]), float(span["max"]))
    return out


def _fmt(minutes: float) -> str:
    return f"{minutes * 60:.0f} seconds" if minutes < 1 else f"{minutes:.1f} minutes"
