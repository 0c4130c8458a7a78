"""Review stamps: what a reviewer saw, kept as digests of the question's data, and whether it still holds.

A stamp is `{by, on, digest, fields, note}`. `fields` maps each reviewed field to a short hash of its
value *as data*, and `digest` hashes `fields`: so lint can say which fields changed since the review,
and a digest edited by hand (to anything but what `mlbank review` writes) no longer matches its
fields and is not trusted. Hashing data rather than text means `mlbank fmt`, key order, quoting,
comments and trailing blanks never invalidate a review, and any change a learner would see does.

`id`, `section` and `label` are not covered: moving or relabelling a question does not change what a
candidate learns from it. The stamps themselves (`review`) are not covered either.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from datetime import date
from typing import Any, NamedTuple

# The reviewed fields, in the order messages name them. Adding one changes every digest: bump VERSION.
COVERED = (
    "title",
    "prompt",
    "answer",
    "rubric",
    "worked",
    "topics",
    "see",
    "companies",
    "level",
    "time_minutes",
)
VERSION = "mlbank-review-1"
DIGEST = re.compile(r"^[0-9a-f]{12}$")
FIELD_DIGEST = re.compile(r"^[0-9a-f]{8}$")
VERDICTS = ("current", "stale", "expired", "unreviewed")
DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def as_data(value: Any) -> Any:
    """The value with what formatting may change taken out: trailing blanks on each line and at the
    end of a text, integral floats (2.0 is 2), empty collections and empty text (the same as absent)."""
    if isinstance(value, str):
        text = "\n".join(line.rstrip() for line in value.split("\n")).strip("\n")
        return text or None
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        kept = {str(k): as_data(v) for k, v in value.items()}
        return {k: v for k, v in kept.items() if v is not None} or None
    if isinstance(value, list):
        return [as_data(v) for v in value] or None
    return value


def _hash(text: str, length: int) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:length]


def field_digests(data: Mapping[str, Any]) -> dict[str, str]:
    """Each reviewed field's digest (8 hex digits) for a question's data."""
    return {
        name: _hash(json.dumps(as_data(data.get(name)), sort_keys=True, ensure_ascii=False), 8)
        for name in COVERED
    }


def stamp_digest(fields: Mapping[str, str]) -> str:
    """The stamp's digest (12 hex digits): a hash of its field digests."""
    return _hash(VERSION + "\n" + "\n".join(f"{name}={fields.get(name, '')}" for name in COVERED), 12)


class Stamp(NamedTuple):
    item: int  # its place in the `review` list
    by: str
    on: date
    fields: dict[str, str]
    note: str | None


class Untrusted(NamedTuple):
    item: int
    field: str  # the stamp's key the reason is about
    reason: str


class ReviewState(NamedTuple):
    """A question's review: the newest trusted stamp, what changed since, and the stamps not trusted."""

    stamp: Stamp | None
    changed: tuple[str, ...]
    untrusted: tuple[Untrusted, ...]

    @property
    def status(self) -> str:
        """'unreviewed' (no trusted stamp), 'stale' (changed since) or 'current'."""
        if self.stamp is None:
            return "unreviewed"
        return "stale" if self.changed else "current"

    def age(self, today: date) -> int | None:
        return None if self.stamp is None else (today - self.stamp.on).days

    def expired(self, today: date, max_age: int | None) -> bool:
        """Older than `max_age` days (None: reviews never expire)."""
        age = self.age(today)
        return max_age is not None and age is not None and age > max_age

    def verdict(self, today: date, max_age: int | None) -> str:
        """One of VERDICTS: the status, with a current review older than `max_age` days 'expired'."""
        return "expired" if self.status == "current" and self.expired(today, max_age) else self.status


def review_state(data: Mapping[str, Any]) -> ReviewState:
    """Judge a question's `review` list against its data. Stamps count in list order (the last
    trusted one is the newest); malformed data yields untrusted stamps, never an exception."""
    stamps = data.get("review")
    newest: Stamp | None = None
    untrusted: list[Untrusted] = []
    for index, item in enumerate(stamps if isinstance(stamps, list) else []):
        found = _stamp(index, item)
        if isinstance(found, Untrusted):
            untrusted.append(found)
        else:
            newest = found
    if newest is None:
        return ReviewState(None, (), tuple(untrusted))
    now = field_digests(data)
    changed = tuple(name for name in COVERED if newest.fields.get(name) != now[name])
    return ReviewState(newest, changed, tuple(untrusted))


def _stamp(index: int, item: Any) -> Stamp | Untrusted:
    if not isinstance(item, dict):
        return Untrusted(index, "", "a stamp must be a mapping of by, on, digest and fields")
    by, on, digest, fields = (item.get(k) for k in ("by", "on", "digest", "fields"))
    if not isinstance(by, str) or not by.strip():
        return Untrusted(index, "by", "the stamp does not say who reviewed (`by`)")
    day = parse_date(on)
    if day is None:
        return Untrusted(index, "on", f"`on` must be a date written YYYY-MM-DD, not {on!r}")
    if not isinstance(fields, dict) or set(fields) != set(COVERED):
        return Untrusted(index, "fields", "`fields` must hold the digest of each of " + ", ".join(COVERED))
    if not all(isinstance(v, str) and FIELD_DIGEST.match(v) for v in fields.values()):
        return Untrusted(index, "fields", "each digest in `fields` must be 8 lowercase hex digits")
    if not isinstance(digest, str) or not DIGEST.match(digest):
        return Untrusted(index, "digest", f"`digest` must be 12 lowercase hex digits, not {digest!r}")
    if digest != stamp_digest(fields):
        return Untrusted(index, "digest", "`digest` does not match `fields`: the stamp was edited by hand")
    note = item.get("note")
    return Stamp(index, by.strip(), day, dict(fields), note if isinstance(note, str) else None)


def parse_date(value: Any) -> date | None:
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def new_stamp(data: Mapping[str, Any], by: str, on: date, note: str | None = None) -> dict[str, Any]:
    """The stamp `mlbank review` records for a question's data as it is now."""
    fields = field_digests(data)
    stamp: dict[str, Any] = {"by": by, "on": on.isoformat(), "digest": stamp_digest(fields), "fields": fields}
    if note:
        stamp["note"] = note
    return stamp


def changed_words(changed: tuple[str, ...]) -> str:
    """'answer', 'answer and rubric', 'title, answer and rubric'."""
    names = [n.replace("_", " ") for n in changed]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
