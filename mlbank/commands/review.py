"""`mlbank review`: record a review stamp on question files, or list what needs review.

A stamp is recorded only on a file that passes lint (the review rules' own findings aside: a stale or
missing review is what a new stamp settles), because a reviewer signs the question as it is. The stamp
is appended to the file's `review` list as text, the file is put in canonical form with
mlbank.formatter (comments kept), the result must load back to the old data plus the new stamp, and
only then is it written, atomically.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mlbank import exit_codes, reporters
from mlbank.atomic import write_text
from mlbank.commands import CommandResult
from mlbank.commands.lint import LintOptions, lint_target
from mlbank.config import Config, find_config
from mlbank.exit_codes import UsageError
from mlbank.finding import Finding, Severity
from mlbank.paths import kind_of, question_files, real_path
from mlbank.workspace import Target, resolve_targets

# Findings a new stamp settles, so they never stop one being recorded.
SETTLED = frozenset({"MB600", "MB601", "MB602"})


@dataclass(frozen=True)
class ReviewRequest:
    paths: tuple[Path, ...]
    by: str | None = None
    note: str | None = None
    on: date | None = None  # None: today
    status: bool = False


def run_review(request: ReviewRequest) -> CommandResult:
    config = find_config(Path.cwd())
    if request.status:
        return review_status(resolve_targets(list(request.paths), config), config)
    if not request.paths:
        raise UsageError("name the question files to stamp (or use --status to list what needs review)")
    if not request.by or not request.by.strip() or "\n" in request.by:
        raise UsageError("--by NAME is required: who reviewed (a handle, or the name of a review pass)")
    day = request.on or date.today()
    if day > date.today():
        raise UsageError(f"--on {day}: a review cannot be dated in the future")
    lines: list[str] = []
    code = exit_codes.OK
    for target in resolve_targets(list(request.paths), config):
        listed = question_files(target.bank) if target.only is None else target.only
        files = [p for p in listed if kind_of(p) == "question"]
        if not files:
            raise UsageError("no question files among the paths: name question files or their folders")
        errors = _errors_by_file(target, config)
        for path in files:
            ok, message = _stamp_file(path, errors.get(real_path(path), []), request, day)
            code = max(code, exit_codes.OK if ok else exit_codes.FINDINGS)
            lines.append(message)
    return CommandResult(code, "\n".join(lines))


def _errors_by_file(target: Target, config: Config) -> dict[Path, list[Finding]]:
    found: dict[Path, list[Finding]] = {}
    for f in lint_target(target.bank, config, LintOptions()):
        if f.severity is Severity.ERROR and f.code not in SETTLED:
            found.setdefault(real_path(Path(f.path)), []).append(f)
    return found


def _stamp_file(path: Path, errors: list[Finding], request: ReviewRequest, day: date) -> tuple[bool, str]:
    if errors:
        shown = [f"  {reporters.line(f)}" for f in errors]
        return False, "\n".join(
            [f"{path}: not reviewed: it has {len(errors)} lint error(s); fix them first", *shown]
        )
    try:
        text = path.read_text(encoding="utf-8")
        updated = stamped(text, request.by or "", day, request.note)
    except (OSError, UnicodeDecodeError, StampError) as exc:
        return False, f"{path}: not reviewed: {exc}"
    try:
        write_text(path, updated)
    except OSError as exc:
        return False, f"{path}: not reviewed: cannot write it: {exc.strerror or exc}"
    return True, f"{path}: reviewed by {request.by} on {day}"


class StampError(Exception):
    """The stamp cannot be added safely; the message says why."""


def stamped(text: str, by: str, day: date, note: str | None) -> str:
    """The file's text with a new stamp at the end of its `review` list, in canonical form."""
    from mlbank.formatter import FormatError, format_text
    from mlbank.loader import parse_yaml
    from mlbank.review import new_stamp

    data, _, problems = parse_yaml(text)
    if problems or not isinstance(data, dict):
        raise StampError("it does not load as a question")
    stamp = new_stamp(data, by.strip(), day, note)
    try:
        canonical = format_text(text, "question", None)
        result = format_text(_append(canonical, "review" in data, stamp), "question", None)
    except FormatError as exc:
        raise StampError(f"cannot be written in canonical form: {exc}") from None
    expected = {**data, "review": [*(data.get("review") or []), stamp]}
    if parse_yaml(result)[0] != expected:
        raise StampError("the stamped file would not load back as intended; please report this")
    return result


def _append(canonical: str, has_review: bool, stamp: dict[str, Any]) -> str:
    """`review` is the last key of a canonical question file (it is the model's last field), so a new
    stamp is new lines at the end; fmt then gives them their canonical style."""
    item = [
        "  - " + _line(k, v) if i == 0 else "    " + _line(k, v) for i, (k, v) in enumerate(stamp.items())
    ]
    head = [] if has_review else ["review:"]
    return canonical.rstrip("\n") + "\n" + "\n".join([*head, *item]) + "\n"


def _line(key: str, value: Any) -> str:
    # JSON text is valid YAML flow text: strings double-quoted and escaped, mappings as {...}.
    return f"{key}: {json.dumps(value, ensure_ascii=False)}"


def review_status(targets: list[Target], config: Config) -> CommandResult:
    """Every question that is unreviewed, stale or expired, then the counts; exit 1 if any."""
    from mlbank.bank import load_bank
    from mlbank.review import VERDICTS, changed_words, review_state

    today = date.today()
    lines: list[str] = []
    counts = dict.fromkeys(VERDICTS, 0)
    for target in targets:
        wanted = None if target.only is None else {real_path(p) for p in target.only}
        for doc in load_bank(target.bank).questions:
            if not isinstance(doc.data, dict) or (wanted is not None and real_path(doc.path) not in wanted):
                continue
            state = review_state(doc.data)
            status = state.verdict(today, config.review_max_age)
            counts[status] += 1
            stamp = state.stamp
            if stamp is None:
                lines.append(f"{doc.display}: unreviewed")
            elif status == "stale":
                lines.append(
                    f"{doc.display}: stale: {changed_words(state.changed)} changed since the review "
                    f"by {stamp.by} on {stamp.on}"
                )
            elif status == "expired":
                lines.append(
                    f"{doc.display}: expired: reviewed by {stamp.by} on {stamp.on}, "
                    f"{state.age(today)} days ago (review-max-age is {config.review_max_age})"
                )
    total = sum(counts.values())
    lines.append(
        f"{total} question(s): {counts['current']} current, {counts['stale']} stale, "
        f"{counts['unreviewed']} unreviewed, {counts['expired']} expired."
    )
    code = exit_codes.OK if counts["current"] == total else exit_codes.FINDINGS
    return CommandResult(code, "\n".join(lines))
