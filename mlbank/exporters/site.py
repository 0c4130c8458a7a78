"""HTML export: a static site an author can publish as it is (`mlbank export --format html --out DIR`).

Layout, relative to the folder (stable: the browser tests and readers' bookmarks rely on it):

    index.html           the bank's title and description, contents (`#contents`), each section
                         (`#section-<id>`) with its cheat-sheet line and its questions, the topics
                         (`#topics`), the answer framework (`#framework`), the practice plan (`#practice-plan`)
    questions/<id>.html  one question: facts, prompt (`#prompt`), the model answer behind
                         `<details class="answer" id="answer">` so a learner can try first, rubric
                         (`#rubric`), worked numbers with their computed values (`#worked`), topics
                         (`#topics`), see also (`#see`), company variations (`#companies`), and the review
                         stamp when it is current (`.review`)
    topics/<id>.html     one topic: title, book page, summary, the questions tagged with it (`#questions`)
                         and those that suggest it (`#suggested`)
    style.css            the one stylesheet (mlbank/exporters/site.css)
    .mlbank-site         says `mlbank export` wrote the folder, so the next export may replace it whole
                         (a preview writes `.mlbank-preview` instead: a preview never replaces a site)

Every page links style.css and the index by relative path (`<nav id="site-nav">`); `mlbank preview`
adds its lint findings at the top of the page (`<section id="findings">`).

The pages are inert and self-contained, because question files arrive in pull requests and the site
is published: no JavaScript, nothing loaded from outside the folder, a Content-Security-Policy that
says so, prose through mlbank.render (raw HTML escaped, only http(s) links, math as MathML that
browsers draw without script) and every other string escaped. Links go only to pages this build
holds: a question left out by `--only` is named as text. Ids become file names and fragments, so an
id this build uses that is not a plain kebab-case name, or that names a file and is longer than 100
characters, is refused (UnsafeId), whatever the schema let through.

This module only renders: `build` returns every file's bytes, and mlbank/commands/export.py writes
the folder and swaps it in.
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path

from mlbank.bank import display_path
from mlbank.exporters import json_export
from mlbank.exporters.markdown import cheat_line
from mlbank.exporters.view import BankView, Entry, plan_questions
from mlbank.finding import Finding, Severity
from mlbank.model import Claim, PlanTask, Question, Section, Topic
from mlbank.paths import BANK_FILE, TOPICS_FILE
from mlbank.render import Math, inline_html, math_spans, to_html

INDEX = "index.html"
STYLESHEET = "style.css"
MARKER = ".mlbank-site"
MARKER_TEXT = "Written by `mlbank export --format html`: the next export replaces this folder whole.\n"
PREVIEW_MARKER = ".mlbank-preview"
PREVIEW_MARKER_TEXT = "Written by `mlbank preview`: the next preview into this folder replaces it whole, and so may an export.\n"
# Defence in depth: even a page that carried a script or an image by mistake could run or load nothing.
CSP = "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'"
DOT = " \u00b7 "
DASH = "\u2013"
RUBRIC = (("strong_hire", "Strong Hire"), ("lean_hire", "Lean Hire"), ("no_hire", "No Hire"))
# The schema's kebab-case ids, which are also safe file names and fragments on every system.
_SAFE_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_MAX_ID = 100

# (value, rounded) per claim, as the JSON export computes them.
ClaimValues = Sequence[tuple[str | None, str | None]]


class UnsafeId(ValueError):
    """An id that cannot name a page: the message says which, where, and what to do."""


@dataclass(frozen=True)
class Site:
    """What one build shows: the bank's view, the worked numbers' computed values (a question
    missing from `values` shows its claims without values), whether topic pages exist, and, for
    `mlbank preview`, the lint findings to show at the top of each page (page path -> findings)."""

    view: BankView
    values: Mapping[str, ClaimValues]
    topic_pages: bool = True
    findings: Mapping[str, Sequence[Finding]] | None = None  # not None: this is a preview

    @property
    def marker(self) -> tuple[str, str]:
        """The file that says who wrote the folder (name, text): a site's or a preview's."""
        return (MARKER, MARKER_TEXT) if self.findings is None else (PREVIEW_MARKER, PREVIEW_MARKER_TEXT)

    @cached_property
    def questions(self) -> dict[str, Question]:
        """The questions that have a page in this build."""
        return {e.question.id: e.question for e in self.view.entries}

    @cached_property
    def bank_titles(self) -> dict[str, str]:
        """Every question of the bank, in this build or not: id -> title."""
        return {q.id: q.title for q in self.view.bank_questions}

    @cached_property
    def sections(self) -> dict[str, Section]:
        """The sections that have a part on the index (those holding a question of this build)."""
        return {s.id: s for s in self.view.sections_present}


def render(view: BankView, claims_cache: Path | None = None) -> dict[str, bytes]:
    """The export: every file of the site, with worked numbers computed as the JSON export does."""
    return build(Site(view, json_export.computed_values(view.entries, claims_cache)))


def build(site: Site) -> dict[str, bytes]:
    """Relative POSIX path -> bytes, for every file of the site; deterministic."""
    _check_ids(site)
    pages = {INDEX: _index_page(site)}
    for entry in site.view.entries:
        pages[question_page(entry.question.id)] = _question_page(site, entry)
    if site.topic_pages:
        for topic in site.view.topics:
            pages[topic_page(topic.id)] = _topic_page(site, topic)
    files = {path: text.encode("utf-8") for path, text in pages.items()}
    files[STYLESHEET] = stylesheet().encode("utf-8")
    marker, text = site.marker
    files[marker] = text.encode("utf-8")
    return files


def question_page(question_id: str) -> str:
    return f"questions/{question_id}.html"


def topic_page(topic_id: str) -> str:
    return f"topics/{topic_id}.html"


@cache
def stylesheet() -> str:
    return resources.files("mlbank.exporters").joinpath("site.css").read_text(encoding="utf-8")


def _check_ids(site: Site) -> None:
    """Refuse the ids this build uses that cannot name what they name: question ids and (when the
    build has topic pages) topic ids name files; section ids only name fragments (`#section-<id>`)."""
    root = site.view.root
    for entry in site.view.entries:
        where = _Where(entry.doc.display, entry.doc.source())
        _check_id("question id", entry.question.id, where, page=question_page("<id>"))
    if site.topic_pages and site.view.topics:
        where = _Where.of(root / TOPICS_FILE)
        for topic in site.view.topics:
            _check_id("topic id", topic.id, where, page=topic_page("<id>"))
    if site.sections:
        where = _Where.of(root / BANK_FILE)
        for section in site.sections.values():
            _check_id("section id", section.id, where, page=None)


def is_safe_id(value: str) -> bool:
    """Whether an id can name a file and a fragment as it is."""
    return len(value) <= _MAX_ID and _SAFE_ID.fullmatch(value) is not None


@dataclass(frozen=True)
class _Where:
    """The file an id is written in, as shown to the user, and its text (or the file to read it
    from, only when an id is refused), to say at which line and column."""

    display: str
    source: str | Path

    @classmethod
    def of(cls, path: Path) -> _Where:
        return cls(display_path(path, Path.cwd()), path)

    def place(self, value: str) -> str:
        """`file:line:column` of the id's first occurrence (ids are unique in their file), or `file`."""
        text = self.source if isinstance(self.source, str) else _read(self.source)
        at = text.find(value)
        if at < 0:
            return self.display
        line = text.count("\n", 0, at) + 1
        column = at - (text.rfind("\n", 0, at) + 1) + 1
        return f"{self.display}:{line}:{column}"


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):  # only for a line number: the message names the file anyway
        return ""


def _check_id(what: str, value: str, where: _Where, *, page: str | None) -> None:
    """`page`: the file the id names (`questions/<id>.html`), or None when it names only a fragment."""
    target = f"the page {page}" if page is not None else "a link target"
    if _SAFE_ID.fullmatch(value) is None:
        # Only a build that skipped lint gets here: the schema (MB100) holds every id to kebab-case.
        raise UnsafeId(
            f"{where.place(value)}: {what} {value!r} cannot name {target} of the site: it is not a safe "
            "name (lower-case letters, digits and single hyphens); rename it (`mlbank lint` reports it as MB100)"
        )
    if page is not None and len(value) > _MAX_ID:
        shown = f"{value[:30]}\u2026"  # the id itself is too long to read in a message
        raise UnsafeId(
            f"{where.place(value)}: {what} {shown!r} is {len(value)} characters long, and the site names "
            f"{target} after it, keeping such names to at most {_MAX_ID} characters so that every file "
            "system and web server takes them: shorten it, here and wherever it is used "
            "(`mlbank lint` does not check this length)"
        )


# --- the page shell -------------------------------------------------------------------------------


def _page(site: Site, here: str, title: str, body: str) -> str:
    bank = site.view.meta.title
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{_e(title if title == bank else f'{title}{DOT}{bank}')}</title>\n"
        f'<link rel="stylesheet" href="{_href(here, STYLESHEET)}">\n'
        "</head>\n<body>\n"
        f'<nav id="site-nav"><a href="{_href(here, INDEX)}">{_e(bank)}</a></nav>\n'
        f'<main id="main">\n{_findings(site, here)}{body}</main>\n'
        "</body>\n</html>\n"
    )


def _findings(site: Site, here: str) -> str:
    """Preview only: the page's lint findings, first thing on the page."""
    if site.findings is None:
        return ""
    found = site.findings.get(here, ())
    if not found:
        return '<section id="findings" class="findings clean">\n<h2>Lint: no findings</h2>\n</section>\n'
    errors = sum(f.severity is Severity.ERROR for f in found)
    counts = f"{_count(errors, 'error')}, {_count(len(found) - errors, 'warning')}"
    items = "".join(
        f'<li class="finding {f.severity.value}"><span class="place">{_e(f.path)}:{f.line}:{f.column}</span> '
        f"<code>{_e(f.code)}</code> [{_e(f.name)}] {_e(f.message)}</li>\n"
        for f in found
    )
    return (
        f'<section id="findings" class="findings">\n<h2>Lint: {counts}</h2>\n<ul>\n{items}</ul>\n</section>\n'
    )


# --- index ----------------------------------------------------------------------------------------


def _index_page(site: Site) -> str:
    meta = site.view.meta
    parts = [f"<h1>{_e(meta.title)}</h1>\n", _prose(meta.description)]
    if meta.roles:
        parts.append(f'<p class="roles"><strong>Roles:</strong> {_e(", ".join(meta.roles))}</p>\n')
    parts.append(_contents(site))
    parts += [_section(site, section) for section in site.sections.values()]
    parts.append(_unsectioned(site))
    if site.topic_pages:
        parts.append(_topic_list(site))
    if meta.framework:
        steps = "".join(
            f"<li><strong>{_e(step.title)}.</strong> {_inline(step.text)}</li>\n" for step in meta.framework
        )
        parts.append(_part("framework", "Answer framework", f'<ol class="framework">\n{steps}</ol>\n'))
    parts.append(_plan(site))
    return _page(site, INDEX, meta.title, "".join(parts))


def _contents(site: Site) -> str:
    items = [
        f'<li><a href="#section-{s.id}">{_e(s.title)}</a> '
        f"({_count(len(site.view.in_section(s.id)), 'question')})</li>\n"
        for s in site.sections.values()
    ]
    if site.topic_pages:
        items.append('<li><a href="#topics">Topics</a></li>\n')
    if site.view.meta.framework:
        items.append('<li><a href="#framework">Answer framework</a></li>\n')
    items.append('<li><a href="#practice-plan">Practice plan</a></li>\n')
    return (
        f'<nav id="contents" aria-label="Contents">\n<h2>Contents</h2>\n<ul>\n{"".join(items)}</ul>\n</nav>\n'
    )


def _section(site: Site, section: Section) -> str:
    questions = "".join(
        f"<li>{_question_link(site, INDEX, e.question.id)}</li>\n" for e in site.view.in_section(section.id)
    )
    return (
        f'<section id="section-{section.id}" class="section">\n<h2>{_e(section.title)}</h2>\n'
        f'<p class="cheat-line">{_inline(cheat_line(section))}</p>\n'
        f"{_prose(section.description or '')}"
        f'<ol class="questions">\n{questions}</ol>\n</section>\n'
    )


def _unsectioned(site: Site) -> str:
    """Preview only (lint refuses such a bank for export): questions of no known section."""
    loose = [qid for qid, q in site.questions.items() if q.section not in site.sections]
    if not loose:
        return ""
    items = _list(_question_link(site, INDEX, qid) for qid in loose)
    return _part("unsectioned", "Questions in no section of the bank", items)


def _topic_list(site: Site) -> str:
    items = "".join(
        f"<li>{_topic_link(site, INDEX, t.id)} "
        f"({_count(sum(t.id in q.topics for q in site.questions.values()), 'question')})</li>\n"
        for t in site.view.topics
    )
    return _part("topics", "Topics", f'<ul class="topics">\n{items}</ul>\n')


def _plan(site: Site) -> str:
    practice = site.view.meta.practice
    method = "".join(f"<li>{_inline(step)}</li>\n" for step in practice.method)
    days = "".join(
        f"<h3>Day {day.day}: {_e(day.title)}</h3>\n"
        f'<ul class="tasks">\n{"".join(_task(site, task) for task in day.tasks)}</ul>\n'
        for day in practice.plan
    )
    return _part(
        "practice-plan", "Practice plan", f'<h3>Method</h3>\n<ol class="method">\n{method}</ol>\n{days}'
    )


def _task(site: Site, task: PlanTask) -> str:
    refs = ", ".join(_plan_ref(site, ref) for ref in task.refs)
    return f"<li>{_inline(task.text)}" + (f' <span class="refs">({refs})</span>' if refs else "") + "</li>\n"


def _plan_ref(site: Site, ref: str) -> str:
    """A practice-plan reference: a section or topic as a link to it; a question or a range as links
    to the questions it names in this build (the JSON export's reading); what names none, as text."""
    section = next((s for s in site.view.meta.sections if s.id == ref), None)
    if section is not None:
        return (
            f'<a href="#section-{section.id}">{_e(section.title)}</a>'
            if ref in site.sections
            else _e(section.title)
        )
    if site.view.topic(ref) is not None:
        return _topic_link(site, INDEX, ref)
    named = plan_questions(site.view, [ref])
    return ", ".join(_question_link(site, INDEX, qid, short=True) for qid in named) or _e(ref)


# --- question pages -------------------------------------------------------------------------------


def _question_page(site: Site, entry: Entry) -> str:
    q = entry.question
    here = question_page(q.id)
    answer = to_html(q.answer, Math.MATHML)
    body = [
        f'<h1><span class="qid">{_e(q.label or q.id)}</span>{DOT}{_inline(q.title)}</h1>\n',
        _facts(site, here, q),
        _part("prompt", "Prompt", _prose(q.prompt)),
        f'<details class="answer" id="answer"><summary>Model answer</summary>\n{answer}\n</details>\n',
        _part(
            "rubric",
            "Rubric",
            "".join(f"<h3>{title}</h3>\n{_prose(getattr(q.rubric, key))}" for key, title in RUBRIC),
        ),
        _worked(q.worked, site.values.get(q.id)),
        _part("topics", "Topics", _list(_topic_link(site, here, t) for t in q.topics)),
        _part("see", "See also", _list(_ref_link(site, here, ref) for ref in q.see)) if q.see else "",
        _companies(site, q),
        _review(entry),
    ]
    return _page(site, here, f"{q.id}{DOT}{plain_title(q.title)}", "".join(body))


def _facts(site: Site, here: str, q: Question) -> str:
    section = site.sections.get(q.section)
    where = (
        f'<a href="{_href(here, INDEX, f"section-{section.id}")}">{_e(section.title)}</a>'
        if section is not None
        else _e(q.section)
    )
    facts = [f"<li>Section: {where}</li>"]
    if q.level:
        facts.append(f"<li>Level: {_e(q.level)}</li>")
    if q.time_minutes is not None:
        facts.append(f"<li>Time: {q.time_minutes:g} min</li>")
    return f'<ul class="facts">\n{"".join(fact + chr(10) for fact in facts)}</ul>\n'


def _worked(claims: Sequence[Claim], values: ClaimValues | None) -> str:
    if not claims:
        return ""
    items = "".join(
        _claim(claim, values[i] if values is not None and i < len(values) else None)
        for i, claim in enumerate(claims)
    )
    return _part("worked", "Worked numbers", f'<ul class="worked">\n{items}</ul>\n')


def _claim(claim: Claim, value: tuple[str | None, str | None] | None) -> str:
    """`4.6 from -log(0.01): 4.60517018598809 ≈ 4.6`, or an identity and that it holds; a list item
    rather than a table row, so it wraps on a phone."""
    if claim.equals is None:
        how = f"<strong>{_e(claim.says or '')}</strong> from <code>{_e(claim.expr)}</code>"
    else:
        how = f"<strong>Identity</strong> <code>{_e(claim.expr)}</code> = <code>{_e(claim.equals)}</code>"
    bindings = [f"<code>{_e(name)} = {_e(str(v))}</code>" for name, v in claim.where.items()]
    bindings += [f"<code>{_e(name)}</code> in {_e(span)}" for name, span in claim.domain.items()]
    if bindings:
        joiner = " for every " if claim.equals is not None and not claim.where else " with "
        how += joiner + ", ".join(bindings)
    if claim.tolerance is not None:
        how += f" (tolerance {_e(claim.tolerance)})"
    return f"<li>{how}: {_claim_value(claim, value)}</li>\n"


def _claim_value(claim: Claim, value: tuple[str | None, str | None] | None) -> str:
    computed, rounded = value if value is not None else (None, None)
    if value is None or (computed is None and claim.equals is None):
        return "not computed here"
    if claim.equals is not None:
        return "holds"
    return _e(computed or "") + (f" \u2248 {_e(rounded)}" if rounded and rounded != computed else "")


def _companies(site: Site, q: Question) -> str:
    if not q.companies:
        return ""
    names = {c.id: c.name for c in site.view.meta.companies}
    notes = "".join(
        f"<h3>{_e(names.get(note.company, note.company))}{_e(DOT + note.level) if note.level else ''}</h3>\n"
        f"{_prose(note.expects or '')}"
        for note in q.companies
    )
    return _part("companies", "Company variations", notes)


def _review(entry: Entry) -> str:
    if entry.stamp is None or not entry.review_current:
        return ""
    return f'<p class="review">Reviewed by {_e(entry.stamp.by)} on {entry.stamp.on.isoformat()}.</p>\n'


# --- topic pages ----------------------------------------------------------------------------------


def _topic_page(site: Site, topic: Topic) -> str:
    here = topic_page(topic.id)
    tagged = [qid for qid, q in site.questions.items() if topic.id in q.topics]
    suggested = [qid for qid, q in site.questions.items() if topic.id in q.see]
    body = [
        f"<h1>{_e(topic.title)}</h1>\n",
        f'<p class="book-page">Page {topic.page}</p>\n',
        _prose(topic.summary),
        _part(
            "questions",
            "Questions",
            _list(_question_link(site, here, qid) for qid in tagged) or "<p>None in this export.</p>\n",
        ),
    ]
    if suggested:
        body.append(
            _part("suggested", "Suggested by", _list(_question_link(site, here, qid) for qid in suggested))
        )
    return _page(site, here, topic.title, "".join(body))


# --- links and small pieces -----------------------------------------------------------------------


def _href(here: str, target: str, fragment: str = "") -> str:
    if target == here and fragment:
        return f"#{fragment}"
    path = posixpath.relpath(target, posixpath.dirname(here) or ".")
    return path + (f"#{fragment}" if fragment else "")


def _question_link(site: Site, here: str, question_id: str, *, short: bool = False) -> str:
    """A question's id and title as a link to its page; its bare id as text when it has none here."""
    question = site.questions.get(question_id)
    if question is None:
        return _e(question_id)
    text = (
        _e(question_id)
        if short
        else f'<span class="qid">{_e(question_id)}</span>{DOT}{_inline(question.title)}'
    )
    return f'<a href="{_href(here, question_page(question_id))}">{text}</a>'


def _topic_link(site: Site, here: str, topic_id: str) -> str:
    topic = site.view.topic(topic_id)
    title = _e(topic.title if topic is not None else topic_id)
    if topic is None or not site.topic_pages:
        return title
    return f'<a href="{_href(here, topic_page(topic_id))}">{title}</a>'


def _ref_link(site: Site, here: str, ref: str) -> str:
    """`see` names a question or a topic (lint's MB205 makes sure it is one of them); a question
    left out of this build is named by its id and title, as text."""
    if ref in site.questions:
        return _question_link(site, here, ref)
    if site.view.topic(ref) is not None:
        return _topic_link(site, here, ref)
    title = site.bank_titles.get(ref)
    return f"{_e(ref)}{DOT}{_inline(title)}" if title is not None else _e(ref)


def _part(anchor: str, heading: str, inner: str) -> str:
    return f'<section id="{anchor}">\n<h2>{heading}</h2>\n{inner}</section>\n'


def _list(items: Iterable[str]) -> str:
    rendered = "".join(f"<li>{item}</li>\n" for item in items)
    return f"<ul>\n{rendered}</ul>\n" if rendered else ""


def _prose(text: str) -> str:
    return f"{to_html(text, Math.MATHML)}\n" if text.strip() else ""


def _inline(text: str) -> str:
    return inline_html(text, Math.MATHML)


# A formula's place while the rest of a title is rendered: private-use characters, which Markdown
# leaves alone and a title has no use for (they are dropped from the title first).
_HOLE_OPEN, _HOLE_CLOSE = "\ue000", "\ue001"
_HOLE = re.compile(f"{_HOLE_OPEN}([0-9]+){_HOLE_CLOSE}")
_TAG = re.compile(r"<[^>]*>")


def plain_title(title: str) -> str:
    """A question title as plain text, for `<title>` (tabs, bookmarks, search results show it as it
    is): Markdown's emphasis and code markers dropped, each formula as its TeX without the dollars."""
    spans = math_spans(title)
    pieces: list[str] = []
    cursor = 0
    for number, span in enumerate([*spans, None]):
        end = span.start if span is not None else len(title)
        pieces.append(title[cursor:end].replace(_HOLE_OPEN, "").replace(_HOLE_CLOSE, ""))
        if span is not None:
            pieces.append(f"{_HOLE_OPEN}{number}{_HOLE_CLOSE}")
            cursor = span.end
    # The renderer escapes every `<` of the text (raw HTML is off), so each `<...>` left is its own tag.
    text = html.unescape(_TAG.sub("", inline_html("".join(pieces), Math.MATHML)))
    text = _HOLE.sub(lambda hole: spans[int(hole.group(1))].body.strip(), text)
    return " ".join(text.split())


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
