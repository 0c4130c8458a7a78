"""Coverage of a bank: where it is thick, where it is thin, and how long it takes to practise."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from mlbank.bank import Bank
from mlbank.review import VERDICTS, review_state
from mlbank.speech import speaking_minutes


@dataclass
class SectionTime:
    questions: int = 0
    budget_minutes: float = 0.0  # sum of time_minutes
    speaking_minutes: float = 0.0  # estimated time to say every model answer
    cheat_sheet: tuple[float, float] | None = None  # minutes per question
    per_round: tuple[float, float] | None = None  # questions per round


# A section is thin below this many full rounds of questions: a learner should be able to sit that
# many mock rounds of it (one to find the gaps, one to check them) without meeting a question twice.
PRACTICE_ROUNDS = 2
# A topic is thin when fewer questions are tagged with it than this share of the average topic:
# topics have no target of their own in bank.yaml, so they are measured against each other.
THIN_TOPIC_SHARE = 0.5  # `mlbank stats` says "half"


class Thin(NamedTuple):
    """A section or topic with fewer questions than its target (`needed`)."""

    name: str
    questions: int
    needed: int


@dataclass
class Coverage:
    sections: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    grid: Counter[tuple[str, str]] = field(default_factory=Counter)  # (section, topic) -> questions
    companies: Counter[str] = field(default_factory=Counter)
    levels: Counter[str] = field(default_factory=Counter)
    time: dict[str, SectionTime] = field(default_factory=dict)
    reviews: dict[str, Counter[str]] = field(default_factory=dict)  # section -> review status -> questions

    @property
    def uncovered_topics(self) -> list[str]:
        used = {t for _, t in self.grid}
        return [t for t in self.topics if t not in used]

    @property
    def topic_totals(self) -> dict[str, int]:
        return {t: sum(self.grid[(s, t)] for s in self.sections) for t in self.topics}

    @property
    def topic_average(self) -> float:
        """Questions per declared topic (a question counts once for each of its topics)."""
        return sum(self.topic_totals.values()) / len(self.topics) if self.topics else 0.0

    def thin_sections(self) -> list[Thin]:
        """Sections with fewer questions than PRACTICE_ROUNDS rounds of their largest size."""
        thin = []
        for s in self.sections:
            t = self.time[s]
            needed = PRACTICE_ROUNDS * math.ceil(t.per_round[1]) if t.per_round else 0
            if t.questions < needed:
                thin.append(Thin(s, t.questions, needed))
        return thin

    def thin_topics(self) -> list[Thin]:
        """Covered topics below THIN_TOPIC_SHARE of the average (uncovered ones are listed apart)."""
        needed = math.ceil(THIN_TOPIC_SHARE * self.topic_average)
        return [
            Thin(t, n, needed)
            for t, n in self.topic_totals.items()
            if 0 < n < THIN_TOPIC_SHARE * self.topic_average
        ]

    def as_dict(self) -> dict[str, Any]:
        return {
            "sections": {
                s: {
                    "topics": {t: self.grid[(s, t)] for t in self.topics if self.grid[(s, t)]},
                    "questions": self.time[s].questions,
                    "budget_minutes": round(self.time[s].budget_minutes, 2),
                    "speaking_minutes": round(self.time[s].speaking_minutes, 2),
                    "review": {k: self.reviews.get(s, Counter())[k] for k in VERDICTS},
                }
                for s in self.sections
            },
            "companies": dict(sorted(self.companies.items())),
            "levels": dict(sorted(self.levels.items())),
            "uncovered_topics": self.uncovered_topics,
            "thin_sections": [
                {"section": s, "questions": n, "needed": k} for s, n, k in self.thin_sections()
            ],
            "thin_topics": [{"topic": t, "questions": n, "needed": k} for t, n, k in self.thin_topics()],
        }


def coverage(bank: Bank, review_max_age: int | None = None, today: date | None = None) -> Coverage:
    """The bank's coverage; a review older than `review_max_age` days (on `today`) counts as expired."""
    meta = bank.meta.data if bank.meta is not None and isinstance(bank.meta.data, dict) else {}
    topics_data = bank.topics.data if bank.topics is not None and isinstance(bank.topics.data, dict) else {}
    sections = _declared(meta.get("sections"))
    cov = Coverage(
        sections=[s["id"] for s in sections], topics=[t["id"] for t in _declared(topics_data.get("topics"))]
    )
    for s in sections:
        cov.time[s["id"]] = SectionTime(
            cheat_sheet=_span(s.get("minutes_per_question")),
            per_round=_span(s.get("questions_per_round")),
        )
    for doc in bank.questions:
        q = doc.data if isinstance(doc.data, dict) else None
        if q is not None:
            _count(cov, q)
            verdict = review_state(q).verdict(today or date.today(), review_max_age)
            cov.reviews.setdefault(str(q.get("section")), Counter())[verdict] += 1
    return cov


def _count(cov: Coverage, q: dict[str, Any]) -> None:
    section = str(q.get("section"))
    if section not in cov.time:
        cov.sections.append(section)
        cov.time[section] = SectionTime()
    for topic in _listed(q.get("topics")):
        cov.grid[(section, str(topic))] += 1
    for note in _listed(q.get("companies")):
        if isinstance(note, dict):
            cov.companies[str(note.get("company"))] += 1
            if note.get("level"):
                cov.levels[str(note["level"])] += 1
    if q.get("level") and not any(
        isinstance(n, dict) and n.get("level") == q["level"] for n in _listed(q.get("companies"))
    ):
        cov.levels[str(q["level"])] += 1
    time = cov.time[section]
    time.questions += 1
    if isinstance(q.get("time_minutes"), (int, float)):
        time.budget_minutes += float(q["time_minutes"])
    if isinstance(q.get("answer"), str):
        time.speaking_minutes += speaking_minutes(q["answer"])


def _declared(items: Any) -> list[dict[str, Any]]:
    """The well-formed entries (a mapping with a string id) of a declared list; lint reports the rest."""
    return [i for i in _listed(items) if isinstance(i, dict) and isinstance(i.get("id"), str)]


def _listed(value: Any) -> list[Any]:
    """A list field's items, or none when it holds something else (lint's MB100 reports that)."""
    return value if isinstance(value, list) else []


def _span(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, dict)
        and isinstance(value.get("min"), (int, float))
        and isinstance(value.get("max"), (int, float))
    ):
        return float(value["min"]), float(value["max"])
    return None
