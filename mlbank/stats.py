"""Coverage of a bank: where it is thick, where it is thin, and how long it takes to practise."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
        }


def coverage(bank: Bank, review_max_age: int | None = None, today: date | None = None) -> Coverage:
    """The bank's coverage; a review older than `review_max_age` days (on `today`) counts as expired."""
    meta = bank.meta.data if bank.meta is not None and isinstance(bank.meta.data, dict) else {}
    topics_data = bank.topics.data if bank.topics is not None and isinstance(bank.topics.data, dict) else {}
    cov = Coverage(
        sections=[s["id"] for s in meta.get("sections", []) if isinstance(s, dict) and "id" in s],
        topics=[t["id"] for t in topics_data.get("topics", []) if isinstance(t, dict) and "id" in t],
    )
    for s in meta.get("sections", []):
        if isinstance(s, dict) and "id" in s:
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
    for topic in q.get("topics") or []:
        cov.grid[(section, str(topic))] += 1
    for note in q.get("companies") or []:
        if isinstance(note, dict):
            cov.companies[str(note.get("company"))] += 1
            if note.get("level"):
                cov.levels[str(note["level"])] += 1
    if q.get("level") and not any(
        isinstance(n, dict) and n.get("level") == q["level"] for n in q.get("companies") or []
    ):
        cov.levels[str(q["level"])] += 1
    time = cov.time[section]
    time.questions += 1
    if isinstance(q.get("time_minutes"), (int, float)):
        time.budget_minutes += float(q["time_minutes"])
    if isinstance(q.get("answer"), str):
        time.speaking_minutes += speaking_minutes(q["answer"])


def _span(value: Any) -> tuple[float, float] | None:
    if (
        isinstance(value, dict)
        and isinstance(value.get("min"), (int, float))
        and isinstance(value.get("max"), (int, float))
    ):
        return float(value["min"]), float(value["max"])
    return None
