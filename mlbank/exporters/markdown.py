"""Markdown export: the whole bank as one page, or (`--split DIR`) one page per section and topic.

The page is for people (GitHub, a static site with KaTeX or MathJax) and for `mlbank import`, which
rebuilds the question files from it. Prose is written verbatim: math stays `$...$`, currency stays
`\\$50`, and nothing is re-wrapped. Every internal link targets an explicit `<a id="..."></a>` anchor,
so links do not depend on how a renderer slugs headings: questions are `#<id>` (`#q01`), sections
`#section-<id>`, topics `#topic-<id>`, and the page parts `#contents`, `#index`, `#cheat-sheet`,
`#framework`, `#practice-plan`. A reference to something not exported (filtered out) is plain text.

Single page, in order: `# <bank title>`, description, roles; `## Contents`; each
section with questions (`## <section title>`, its cheat-sheet line as a quote, its description, then
its questions); `## Cross-reference index` (per topic: page, summary, tagged questions, questions that
suggest it); `## Cheat sheet` (a table); `## Answer framework`; `## Practice plan`; the bank comment.

Split pages: `index.md` (title, contents, cheat sheet, framework, practice plan),
`sections/<section id>.md` and `topics/<topic id>.md`; links between pages are relative.

Layout contract for the importer (one question; H is `###` on the single page, `##` on split pages):

    <a id="q01"></a>

    H q01 · <title, verbatim>

    <!-- mlbank: {"file": <the question's file name>, "id": ..., "section": ..., "label": ..., "level": ..., "time_minutes": ...,
                  "topics": [...], "see": [...], "companies": [{"company": ..., "level": ...}],
                  "worked": [<claims as in the YAML, defaults omitted>], "settings": [<when any>],
                  "review": [<stamps, when any>],
                  "endings": {...}} -->

    - **Level:** ... (links and facts for readers; the comment is authoritative)

    H# Prompt             then the prompt, verbatim
    H# Model answer       then the answer
    H# Rubric
    H## Strong hire       then rubric.strong_hire; likewise "Lean hire" and "No hire"
    H# Company variations (only when the question has companies)
    H## <company name> · <level>   one per entry of the comment's `companies`, in order
                                   (" · <level>" only when set), then its `expects` (none: empty)

The comment is one line of JSON in which `>` is written `\\u003e`. Each prose block is the field's text
without its final newlines; the field's real ending is `endings[field]` when present (field names
`prompt`, `answer`, `rubric.<level>`, `companies.<i>.expects`) and one newline otherwise. The page
(index.md when split) ends with `<!-- mlbank-bank: {"schema_version", "bank", "sections", "topics"} -->`:
bank.yaml and topics.yaml as data (the JSON export's shape without questions), so the whole bank can
be rebuilt.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlbank.exporters.json_model import SCHEMA_VERSION
from mlbank.exporters.view import BankView, Entry
from mlbank.model import PlanTask, Question, Range, Section, Topic

PARTS = {
    "contents": "Contents",
    "index": "Cross-reference index",
    "cheat-sheet": "Cheat sheet",
    "framework": "Answer framework",
    "practice-plan": "Practice plan",
}
RUBRIC_HEADINGS = (("strong_hire", "Strong hire"), ("lean_hire", "Lean hire"), ("no_hire", "No hire"))
DOT = " \u00b7 "
DASH = "\u2013"


@dataclass(frozen=True)
class Links:
    """Where every link target lives (page, anchor), seen from the page being written."""

    places: dict[str, tuple[str, str]]
    page: str = ""

    def at(self, page: str) -> Links:
        return Links(self.places, page)

    def href(self, key: str) -> str | None:
        place = self.places.get(key)
        if place is None:
            return None
        page, anchor = place
        if page == self.page:
            return f"#{anchor}"
        return f"{posixpath.relpath(page, posixpath.dirname(self.page) or '.')}#{anchor}"

    def link(self, key: str, text: str) -> str:
        href = self.href(key)
        return f"[{_link_text(text)}]({href})" if href is not None else text


# --- entry points ---------------------------------------------------------------------------------


def render(view: BankView) -> Iterator[bytes]:
    """The single page's bytes, a block at a time (what `_page` joins, written as it comes)."""
    first = True
    for block in _blocks(view):
        if block:
            yield (block if first else "\n\n" + block).encode("utf-8")
            first = False
    yield b"\n"


def render_text(view: BankView) -> str:
    """The single page."""
    return _page(_blocks(view))


def _blocks(view: BankView) -> Iterator[str]:
    links = Links(_places(view, split=False))
    yield from _front(view)
    yield from _contents(view, links)
    for section in view.sections_present:
        yield from _section(view, links, section, level=2)
    yield from [_anchor("index"), _heading(2, PARTS["index"])]
    for topic in view.topics:
        yield from _topic(view, links, topic, level=3)
    yield from _reference_parts(view, links, level=2)
    yield _bank_comment(view)


def render_pages(view: BankView) -> dict[str, str]:
    """Split pages: relative path (POSIX) -> text."""
    links = Links(_places(view, split=True))
    pages = {"index.md": _index_page(view, links.at("index.md"))}
    for section in view.sections_present:
        path = f"sections/{section.id}.md"
        pages[path] = _page(_section(view, links.at(path), section, level=1))
    for topic in view.topics:
        path = f"topics/{topic.id}.md"
        pages[path] = _page(_topic(view, links.at(path), topic, level=1))
    return pages


def _places(view: BankView, *, split: bool) -> dict[str, tuple[str, str]]:
    """Link key -> (page, anchor); on the single page every page is ""."""

    def page(path: str) -> str:
        return path if split else ""

    places = {f"p:{part}": (page("index.md"), part) for part in PARTS}
    if split:
        del places["p:index"]  # the index is the topic pages themselves
    if not view.meta.framework:
        del places["p:framework"]
    for s in view.sections_present:
        places[f"s:{s.id}"] = (page(f"sections/{s.id}.md"), f"section-{s.id}")
    for t in view.topics:
        places[f"t:{t.id}"] = (page(f"topics/{t.id}.md"), f"topic-{t.id}")
    for e in view.entries:
        places[f"q:{e.question.id}"] = (page(f"sections/{e.question.section}.md"), e.question.id)
    return places


def _page(blocks: Iterable[str]) -> str:
    return "\n\n".join(b for b in blocks if b) + "\n"


# --- front matter and contents --------------------------------------------------------------------


def _front(view: BankView) -> list[str]:
    meta = view.meta
    roles = f"**Roles:** {', '.join(meta.roles)}" if meta.roles else ""
    return [_heading(1, meta.title), _prose(meta.description), roles]


def _bank_comment(view: BankView) -> str:
    from mlbank.exporters import json_export

    data = {
        "schema_version": SCHEMA_VERSION,
        "bank": json_export.bank_info(view).model_dump(mode="json"),
        "sections": [s.model_dump(mode="json") for s in json_export.sections(view)],
        "topics": [t.model_dump(mode="json") for t in json_export.topics(view)],
    }
    return f"<!-- mlbank-bank: {_json(json_export.integral(data))} -->"


def _contents(view: BankView, links: Links) -> list[str]:
    items = _section_items(view, links)
    items += [
        f"- {links.link(f'p:{part}', title)}"
        for part, title in PARTS.items()
        if part != "contents" and links.href(f"p:{part}") is not None
    ]
    return [_anchor("contents"), _heading(2, PARTS["contents"]), "\n".join(items)]


def _section_items(view: BankView, links: Links) -> list[str]:
    return [
        f"- {links.link(f's:{s.id}', s.title)} ({_count(len(view.in_section(s.id)), 'question')})"
        for s in view.sections_present
    ]


def _index_page(view: BankView, links: Links) -> str:
    """The split site's front page: contents with every section and topic page, then the reference parts."""
    topics = [f"- {links.link(f't:{t.id}', t.title)}" for t in view.topics]
    blocks = [*_front(view), _anchor("contents"), _heading(2, PARTS["contents"])]
    blocks += ["\n".join(_section_items(view, links)), _heading(3, "Topics"), "\n".join(topics)]
    blocks += [*_reference_parts(view, links, level=2), _bank_comment(view)]
    return _page(blocks)


# --- sections and questions -----------------------------------------------------------------------


def _section(view: BankView, links: Links, section: Section, level: int) -> Iterator[str]:
    yield from [_anchor(f"section-{section.id}"), _heading(level, section.title), f"> {cheat_line(section)}"]
    if section.description:
        yield section.description.rstrip("\n")
    for entry in view.in_section(section.id):
        yield from _question(view, links, entry, level + 1)


def cheat_line(section: Section) -> str:
    parts = [f"**{section.round}**"]
    if section.round_minutes is not None:
        parts.append(f"{_range(section.round_minutes)} min")
    parts += [
        f"{_range(section.questions_per_round)} questions",
        f"{_range(section.minutes_per_question)} min each",
        section.depth,
    ]
    return DOT.join(parts)


def _question(view: BankView, links: Links, entry: Entry, level: int) -> list[str]:
    q = entry.question
    blocks = [
        _anchor(q.id),
        _heading(level, f"{q.id}{DOT}{q.title}"),
        _question_comment(q, entry.doc.path.name),
    ]
    blocks += [
        _facts(view, links, q),
        _heading(level + 1, "Prompt"),
        _prose(q.prompt),
        _heading(level + 1, "Model answer"),
        _prose(q.answer),
    ]
    blocks.append(_heading(level + 1, "Rubric"))
    for key, title in RUBRIC_HEADINGS:
        blocks += [_heading(level + 2, title), _prose(getattr(q.rubric, key))]
    return blocks + _companies(view, q, level + 1)


def _companies(view: BankView, q: Question, level: int) -> list[str]:
    if not q.companies:
        return []
    names = {c.id: c.name for c in view.meta.companies}
    blocks = [_heading(level, "Company variations")]
    for note in q.companies:
        title = names.get(note.company, note.company) + (f"{DOT}{note.level}" if note.level else "")
        blocks += [_heading(level + 1, title), _prose(note.expects or "")]
    return blocks


def _question_comment(q: Question, file_name: str) -> str:
    data: dict[str, object] = {
        "file": file_name,
        "id": q.id,
        "section": q.section,
        "label": q.label,
        "level": q.level,
        "time_minutes": _plain_number(q.time_minutes),
        "topics": q.topics,
        "see": q.see,
        "companies": [{"company": c.company, "level": c.level} for c in q.companies],
        "worked": [c.model_dump(mode="json", exclude_defaults=True) for c in q.worked],
    }
    if q.settings:  # lint's list of givens: kept in the comment only, never shown to readers
        data["settings"] = q.settings
    if q.review:  # the stamps travel, so an import of the page keeps them (stale where it edits)
        data["review"] = [r.model_dump(mode="json", exclude_none=True) for r in q.review]
    endings = dict(_unusual_endings(q))
    if endings:
        data["endings"] = endings
    return f"<!-- mlbank: {_json(data)} -->"


def _unusual_endings(q: Question) -> Iterator[tuple[str, str]]:
    """Prose fields that do not end with exactly one newline (YAML `|` blocks do)."""
    fields = [("prompt", q.prompt), ("answer", q.answer)]
    fields += [(f"rubric.{key}", getattr(q.rubric, key)) for key, _ in RUBRIC_HEADINGS]
    fields += [(f"companies.{i}.expects", c.expects) for i, c in enumerate(q.companies) if c.expects]
    for name, text in fields:
        ending = text[len(text.rstrip("\n")) :]
        if ending != "\n":
            yield name, ending


def _facts(view: BankView, links: Links, q: Question) -> str:
    first = [f"**Section:** {links.link(f's:{q.section}', view.section(q.section).title)}"]
    if q.level:
        first.append(f"**Level:** {q.level}")
    if q.time_minutes is not None:
        first.append(f"**Time:** {_plain_number(q.time_minutes)} min")
    lines = [DOT.join(first), f"**Topics:** {', '.join(_topic_link(view, links, t) for t in q.topics)}"]
    if q.see:
        lines.append(f"**See also:** {', '.join(_ref_link(view, links, r) for r in q.see)}")
    return "\n".join(f"- {line}" for line in lines)


# --- topics ---------------------------------------------------------------------------------------


def _topic(view: BankView, links: Links, topic: Topic, level: int) -> list[str]:
    tagged = [e for e in view.entries if topic.id in e.question.topics]
    suggested = [e for e in view.entries if topic.id in e.question.see]
    blocks = [
        _anchor(f"topic-{topic.id}"),
        _heading(level, topic.title),
        f"Page {topic.page}. {_prose(topic.summary)}",
    ]
    lines = []
    if tagged:
        lines.append(f"- **Questions:** {', '.join(_question_link(links, e) for e in tagged)}")
    if suggested:
        lines.append(f"- **Suggested by:** {', '.join(_question_link(links, e) for e in suggested)}")
    return [*blocks, "\n".join(lines)]


def _topic_link(view: BankView, links: Links, topic_id: str) -> str:
    topic = view.topic(topic_id)
    return links.link(f"t:{topic_id}", topic.title if topic is not None else topic_id)


def _question_link(links: Links, entry: Entry) -> str:
    return links.link(f"q:{entry.question.id}", f"{entry.question.id}{DOT}{entry.question.title}")


def _ref_link(view: BankView, links: Links, ref: str) -> str:
    entry = view.entry(ref)
    if entry is not None:
        return _question_link(links, entry)
    return _topic_link(view, links, ref) if view.topic(ref) is not None else ref


# --- cheat sheet, framework, practice plan --------------------------------------------------------


def _reference_parts(view: BankView, links: Links, level: int) -> list[str]:
    blocks = [_anchor("cheat-sheet"), _heading(level, PARTS["cheat-sheet"]), _cheat_table(view, links)]
    if view.meta.framework:
        steps = [f"{i}. **{s.title}.** {s.text}" for i, s in enumerate(view.meta.framework, 1)]
        blocks += [_anchor("framework"), _heading(level, PARTS["framework"]), "\n".join(steps)]
    blocks += [_anchor("practice-plan"), _heading(level, PARTS["practice-plan"])]
    blocks += [
        _heading(level + 1, "Method"),
        "\n".join(f"{i}. {m}" for i, m in enumerate(view.meta.practice.method, 1)),
    ]
    for day in view.meta.practice.plan:
        blocks += [
            _heading(level + 1, f"Day {day.day}: {day.title}"),
            "\n".join(_task(view, links, t) for t in day.tasks),
        ]
    return blocks


def _cheat_table(view: BankView, links: Links) -> str:
    rows = [
        "| Section | Round | Round time | Questions | Per question | Depth |",
        "|---|---|---|---|---|---|",
    ]
    for s in view.meta.sections:
        minutes = f"{_range(s.round_minutes)} min" if s.round_minutes is not None else DASH
        cells = [
            links.link(f"s:{s.id}", s.title),
            s.round,
            minutes,
            _range(s.questions_per_round),
            f"{_range(s.minutes_per_question)} min",
            s.depth,
        ]
        rows.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    return "\n".join(rows)


def _task(view: BankView, links: Links, task: PlanTask) -> str:
    refs = [_plan_ref(view, links, r) for r in task.refs]
    return f"- {task.text}" + (f" ({', '.join(refs)})" if refs else "")


def _plan_ref(view: BankView, links: Links, ref: str) -> str:
    if ".." in ref:
        first, last = ref.split("..", 1)
        return f"{links.link(f'q:{first}', first)}{DASH}{links.link(f'q:{last}', last)}"
    if any(s.id == ref for s in view.meta.sections):
        return links.link(f"s:{ref}", view.section(ref).title)
    if view.topic(ref) is not None:
        return _topic_link(view, links, ref)
    return links.link(f"q:{ref}", ref)


# --- small pieces ---------------------------------------------------------------------------------


def _heading(level: int, text: str) -> str:
    return f"{'#' * level} {text}"


def _anchor(anchor: str) -> str:
    return f'<a id="{anchor}"></a>'


def _prose(text: str) -> str:
    return text.rstrip("\n")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _link_text(text: str) -> str:
    return text.replace("[", "\\[").replace("]", "\\]")


def _json(data: object) -> str:
    # `>` escaped so no value can close the HTML comment early (`-->`).
    return json.dumps(data, ensure_ascii=False, separators=(", ", ": ")).replace(">", "\\u003e")


def _plain_number(value: float | None) -> float | int | None:
    return int(value) if value is not None and value.is_integer() else value


def _range(r: Range) -> str:
    low, high = _plain_number(r.min), _plain_number(r.max)
    return f"{low}" if low == high else f"{low}{DASH}{high}"


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
