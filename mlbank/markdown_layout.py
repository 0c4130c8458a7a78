"""How a Markdown page's headings divide into questions and their parts (mlbank import's reader).

A question starts at a heading followed by an `<!-- mlbank: ... -->` comment (an exported page) or
whose next heading, deeper, is Prompt, Model answer or Rubric (a draft). Its parts are found by
their headings, relative to the question heading's level and in a fixed order; any other heading is
part of the text above it. The layout itself is documented in mlbank/importer.py.
"""

from __future__ import annotations

import bisect
import re
from typing import Any, NamedTuple

COMMENT = re.compile(r"^<!-- mlbank: (\{.*\}) -->$")
ANCHOR = re.compile(r'^<a id="[^"]+"></a>$')
HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*))?$")
CLOSING = re.compile(r"(?:^|[ \t])#+[ \t]*$")  # a heading's optional closing hashes (CommonMark)
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
DOT = " \u00b7 "
RUBRIC = (("strong_hire", "Strong hire"), ("lean_hire", "Lean hire"), ("no_hire", "No hire"))
PARTS = ("Prompt", "Model answer", "Rubric")
TOP = frozenset(p.lower() for p in PARTS)  # one of these, one level down, marks a draft's heading
COMPANIES = "Company variations"
FIXED = frozenset(n.lower() for n in (*PARTS, *(t for _, t in RUBRIC), COMPANIES))


class PageProblem(NamedTuple):
    line: int
    column: int
    message: str


class ImportError_(Exception):
    """The page does not follow the layout, or does not fit the bank; each problem says where."""

    def __init__(self, problems: list[PageProblem]) -> None:
        super().__init__("\n".join(f"line {p.line}: {p.message}" for p in problems))
        self.problems = problems


def problem(line: int, message: str, column: int = 1) -> ImportError_:
    return ImportError_([PageProblem(line, column, message)])


class Heading(NamedTuple):
    row: int  # 0-based line index
    level: int
    text: str  # as written after the hashes
    name: str  # as compared with the fixed headings: case, spacing and closing #s do not matter

    @property
    def line(self) -> int:
        return self.row + 1

    @property
    def shown(self) -> str:
        return f"{'#' * self.level} {self.text.strip()}".rstrip()


class Part(NamedTuple):
    """A heading the layout expects: its level, its text (None: any, a company's) and its field."""

    level: int
    title: str | None
    field: str | None

    @property
    def shown(self) -> str:
        return f"{'#' * self.level} {self.title or '<company>'}"


class Span(NamedTuple):
    """One question's place on the page."""

    head: Heading
    inner: list[Heading]  # the headings inside it
    end: int  # the line index it ends before
    comment: int | None  # the line index of its mlbank comment: an exported question


# --- questions and their parts -------------------------------------------------------------------


def questions(lines: list[str]) -> tuple[list[Span], list[PageProblem]]:
    """Every question on the page, and a Prompt, Model answer or Rubric heading outside them all."""
    found = _headings(lines)
    starts = [(k, _comment_under(lines, found, k)) for k in range(len(found))]
    starts = [(k, c) for k, c in starts if c is not None or _heads_draft(found, k)]
    rows = [h.row for h in found]
    spans = []
    for n, (k, comment) in enumerate(starts):
        limit = found[starts[n + 1][0]].row if n + 1 < len(starts) else len(lines)
        end = _span_end(lines, found, k, limit, draft=comment is None)
        inner = found[k + 1 : bisect.bisect_left(rows, end, lo=k + 1)]
        spans.append(Span(found[k], inner, end, comment))
    return spans, _stray_parts(found, [(s.head.row, s.end) for s in spans])


def _headings(lines: list[str]) -> list[Heading]:
    """ATX headings outside fenced code blocks (a `# comment` in a code sample is not a heading)."""
    found, fence = [], ""
    for i, line in enumerate(lines):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening.group(1)
            continue
        match = HEADING.match(line)
        if match:
            text = match.group(2) or ""
            name = " ".join(CLOSING.sub("", text).split()).lower()
            found.append(Heading(i, len(match.group(1)), text, name))
    return found


def _comment_under(lines: list[str], headings: list[Heading], k: int) -> int | None:
    """The line index of the mlbank comment right under heading k, if it has one."""
    stop = headings[k + 1].row if k + 1 < len(headings) else len(lines)
    for i in range(headings[k].row + 1, stop):
        if lines[i].strip():
            return i if COMMENT.match(lines[i]) else None
    return None


def _heads_draft(headings: list[Heading], k: int) -> bool:
    """A heading whose next heading, deeper, is Prompt, Model answer or Rubric heads a draft."""
    if headings[k].name in FIXED or k + 1 == len(headings):
        return False
    after = headings[k + 1]
    return after.level > headings[k].level and after.name in TOP


def _span_end(lines: list[str], headings: list[Heading], k: int, limit: int, *, draft: bool) -> int:
    """Where question k ends: the next question, an anchor, or (a draft) a heading at its level or above."""
    start = headings[k]
    end = next((i for i in range(start.row + 1, limit) if _anchor(lines, i)), limit)
    n = k + 1
    while draft and n < len(headings) and headings[n].row < end:
        if headings[n].level <= start.level:
            return headings[n].row
        n += 1
    return end


def _anchor(lines: list[str], i: int) -> bool:
    """An `<a id="..."></a>` line followed by a blank one: where the export starts a new part."""
    return ANCHOR.match(lines[i]) is not None and i + 1 < len(lines) and lines[i + 1] == ""


def _stray_parts(headings: list[Heading], spans: list[tuple[int, int]]) -> list[PageProblem]:
    """The first Prompt, Model answer or Rubric heading outside every question (spans are sorted)."""
    firsts = [start for start, _ in spans]
    for h in headings:
        n = bisect.bisect_right(firsts, h.row) - 1
        if h.name not in TOP or (n >= 0 and h.row < spans[n][1]):
            continue
        title = "#" * max(h.level - 1, 1)
        message = (
            f"`{h.shown}` is not one level below a question heading: a question starts with its title "
            f"(`{title} <title>`), its fields under it, then `{title}# Prompt`, `{title}# Model answer` "
            f"and `{title}# Rubric`"
        )
        return [PageProblem(h.line, 1, message)]
    return []


def expected_parts(
    head: Heading, inner: list[Heading], companies: list[dict[str, Any]], *, draft: bool
) -> list[Part]:
    """The headings this question must have, in order."""
    sub, level = head.level + 1, head.level + 2
    parts = [Part(sub, "Prompt", "prompt"), Part(sub, "Model answer", "answer"), Part(sub, "Rubric", None)]
    parts += [Part(level, title, f"rubric.{key}") for key, title in RUBRIC]
    listed = next((h for h in inner if h.name == COMPANIES.lower()), None)
    if listed is not None and not companies:
        raise problem(
            listed.line,
            f"`{listed.shown}` holds what each company expects, but the question names no companies: "
            "add `companies: [<id>, ...]` to its fields, one per company heading, in order",
        )
    if companies and (listed is not None or not draft):
        parts.append(Part(sub, COMPANIES, None))
        parts += [Part(level, None, f"companies.{i}.expects") for i in range(len(companies))]
    return parts


def blocks(
    lines: list[str], head: Heading, inner: list[Heading], parts: list[Part], end: int, *, draft: bool
) -> dict[str, tuple[Heading, str]]:
    """The text under each expected heading (field name -> heading, text), up to the next one."""
    matched = _match(head, inner, parts, draft=draft)
    ends = [*(h.row for h in matched[1:]), end]
    blocks = {}
    for part, heading, stop in zip(parts, matched, ends, strict=True):
        text = "\n".join(lines[heading.row + 1 : stop]).strip("\n")
        if part.field is None:
            continue
        if not text.strip() and not part.field.startswith("companies."):
            raise problem(heading.line, f"nothing under `{heading.shown}`: write the text there")
        blocks[part.field] = (heading, text)
    return blocks


def _match(head: Heading, inner: list[Heading], parts: list[Part], *, draft: bool) -> list[Heading]:
    """The heading found for each part, in order; any other heading is part of the text above it.

    In a draft, a heading at the companies' level after the last company is one the fields do not
    list (an exported page's comment lists them all, so there it is part of the text)."""
    found: list[Heading] = []
    instead: Heading | None = None  # an unknown heading where the next part's heading belongs
    for h in inner:
        want = parts[len(found)] if len(found) < len(parts) else None
        if (
            want is not None
            and h.level == want.level
            and (want.title is None or h.name == want.title.lower())
        ):
            found.append(h)
            instead = None
        elif h.name in FIXED:
            raise _misplaced(head, h, want, instead, found)
        elif want is not None and h.level == want.level and instead is None:
            instead = h
        elif draft and want is None and parts[-1].title is None and h.level == head.level + 2:
            raise problem(
                h.line,
                f"`{h.shown}` is one company heading too many: the question names "
                f"{len([p for p in parts if p.title is None])} companies; list each one in its "
                "fields' `companies:`, in the order of these headings",
            )
    if len(found) < len(parts):
        want = parts[len(found)]
        if instead is not None:
            raise problem(instead.line, f"expected `{want.shown}` here, found `{instead.shown}`{ORDER}")
        after = found[-1] if found else head
        raise problem(after.line, f"missing the heading `{want.shown}` after `{after.shown}`{ORDER}")
    return found


ORDER = (
    " (the order: Prompt, Model answer, Rubric with Strong hire, Lean hire and No hire, then "
    "Company variations)"
)


def _misplaced(
    head: Heading, h: Heading, want: Part | None, instead: Heading | None, found: list[Heading]
) -> ImportError_:
    """A fixed heading where another belongs: at the wrong level, out of order, or twice."""
    if want is not None and want.title is not None and h.name == want.title.lower():
        below = h.level - head.level
        depth = "one level" if want.level == head.level + 1 else "two levels"
        where = f"{below} level{'s' if below != 1 else ''} below" if below > 0 else "not below"
        return problem(
            h.line,
            f"`{h.shown}` is {where} the question heading (line {head.line}): write `{want.shown}` "
            f"({depth} below it)",
        )
    if any(f.name == h.name for f in found):
        return problem(
            h.line,
            f"`{h.shown}` again: a question has one of each heading; start another question with "
            f"its own title heading (`{'#' * head.level} <title>`)",
        )
    if want is None:
        return problem(h.line, f"`{h.shown}` after the question's last part{ORDER}")
    return problem(
        (instead or h).line, f"expected `{want.shown}` here, found `{(instead or h).shown}`{ORDER}"
    )
