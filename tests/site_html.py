"""Reading the HTML pages mlbank writes (the site export, preview) with the standard library's parser,
as a browser would see their structure: elements, ids, links, visible text, and anything active."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import NamedTuple

# Text inside these is not prose a reader sees as text: math is MathML, code is TeX or expressions.
_NOT_PROSE = frozenset({"code", "pre", "math", "title", "script", "style"})
_ACTIVE = frozenset(
    {"script", "iframe", "object", "embed", "frame", "form", "base", "img", "audio", "video", "style", "svg"}
)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class Element(NamedTuple):
    tag: str
    attrs: dict[str, str]


class Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.prose: list[str] = []  # text outside code, math, title
        self.text: list[str] = []  # all text
        self.doctype = ""
        self._skip = 0

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))
        if tag in _NOT_PROSE:
            self._skip += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_PROSE and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if not self._skip:
            self.prose.append(data)

    def all(self, tag: str) -> list[Element]:
        return [e for e in self.elements if e.tag == tag]

    @property
    def ids(self) -> set[str]:
        return {e.attrs["id"] for e in self.elements if "id" in e.attrs}

    @property
    def hrefs(self) -> list[str]:
        return [e.attrs["href"] for e in self.elements if "href" in e.attrs]

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.elements if e.attrs.get("id") == element_id), None)


def parse(text: str) -> Page:
    page = Page()
    page.feed(text)
    page.close()
    return page


def read(path: Path) -> Page:
    return parse(path.read_text(encoding="utf-8"))


def is_relative(href: str) -> bool:
    """A link that stays inside the site: no scheme, not from the server's root, not protocol-relative."""
    return not _SCHEME.match(href) and not href.startswith("/")


def active_content(page: Page) -> list[str]:
    """Everything that could run, load or navigate somewhere the author did not choose: none allowed
    except https links (from prose) and relative links (the site's own)."""
    problems = []
    for element in page.elements:
        if element.tag in _ACTIVE:
            problems.append(f"<{element.tag}> element")
        for name, value in element.attrs.items():
            if name.startswith("on") or name in ("src", "srcdoc", "style", "formaction", "action"):
                problems.append(f"{name}= on <{element.tag}>")
            if name == "href" and not (value.startswith("https://") or is_relative(value)):
                problems.append(f"href={value!r} on <{element.tag}>")
    return problems
