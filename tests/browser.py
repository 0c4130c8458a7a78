"""A real headless Chromium for the tests: it loads pages and reports what a reader on a phone would hit.

Debian's `chromium` and `chromium-driver` packages (.ci/run installs them) driven by selenium. One
browser serves a whole test session (starting it costs about a second). `Browser.visit` loads one
page and returns a `Page`: console errors, failed and external requests, its ids and links, MathML
that did not render, TeX left as text, horizontal overflow and disclosures that do not open.
`visit_site` visits every page of a folder, and `site_problems` checks them and the links between them.

Decisions, each tried here:
- Pages load by file:// URL, no server: Chromium reports a missing file:// resource as a failed
  request (Network.loadingFailed, net::ERR_FILE_NOT_FOUND) and as a console error, so an
  http.server thread would add nothing but a port.
- The 390x844 viewport is set with Emulation.setDeviceMetricsOverride: headless Chromium keeps its
  window at least 500 px wide whatever --window-size says (innerWidth came out 500), and mobile
  emulation widens the layout viewport to fit the content (innerWidth 608 for a 600 px page), which
  hides exactly the overflow that is checked here.
"""

from __future__ import annotations

import base64
import json
import os
import re
import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import unquote, urlsplit

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
WIDTH, HEIGHT = 390, 844
# Headless, as root, and quiet: no network of its own (updates, sync, QUIC probes) to mistake for the page's.
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A phone's scrollbars overlay the page; a classic 15 px one would narrow the page to 375 px.
    "--hide-scrollbars",
    f"--window-size={WIDTH},{HEIGHT}",
)
INSTALL_HINT = "install Debian's chromium and chromium-driver (apt-get install chromium chromium-driver, as .ci/run does)"


class Link(NamedTuple):
    href: str  # as written in the page
    url: str  # as the browser resolved it


class Page(NamedTuple):
    path: Path
    console_errors: tuple[str, ...]
    failed_requests: tuple[str, ...]
    external_requests: tuple[str, ...]
    ids: frozenset[str]
    links: tuple[Link, ...]
    math_problems: tuple[str, ...]
    leftover_tex: tuple[str, ...]
    overflow_px: int  # document scrollWidth beyond the viewport's width
    overflowing: tuple[str, ...]  # the elements that stick out (each inside a parent that does not)
    details_problems: tuple[str, ...]
    opened: tuple[str, ...]  # the class of each <details> that opened on a click ("answer", ...)
    formulas: int  # <math> elements on the page


def require_browser(user_data_dir: Path) -> Browser:
    """A started browser; without one, the test fails under CI (env CI set) and skips elsewhere."""
    missing = [str(tool) for tool in (CHROMIUM, CHROMEDRIVER) if not os.access(tool, os.X_OK)]
    if missing:
        reason = f"{' and '.join(missing)} not found: {INSTALL_HINT}"
        if os.environ.get("CI"):
            pytest.fail(f"CI needs the browser: {reason}", pytrace=False)
        pytest.skip(reason)
    from selenium.common.exceptions import WebDriverException

    try:
        return Browser(_start(user_data_dir))
    except WebDriverException as error:  # installed but broken: never a silent skip
        pytest.fail(f"{CHROMIUM} did not start under {CHROMEDRIVER}: {error.msg}", pytrace=False)


def _start(user_data_dir: Path) -> Any:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (*FLAGS, f"--user-data-dir={user_data_dir}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    # An explicit driver path: selenium then never runs its manager, which would download a driver.
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(30)
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    return driver


class Browser:
    def __init__(self, driver: Any) -> None:
        self.driver = driver
        # The first tab starts on Chromium's own new-tab page, whose requests must not count as a page's.
        driver.get("about:blank")
        self._drain()

    def quit(self) -> None:
        self.driver.quit()

    def visit(self, path: Path, root: Path) -> Page:
        """Load one page (a file under root), open its disclosures, and report what it does."""
        self._drain()
        self.driver.get(path.resolve().as_uri())
        opened, details_problems = self._open_disclosures()
        facts: dict[str, Any] = self.driver.execute_script(_FACTS_JS)
        _check_viewport(facts)
        failed, external = _requests(self._events(), root.resolve())
        return Page(
            path=path.resolve(),
            # Chromium may fetch one resource twice (its preload scanner, then the parser): report it once.
            console_errors=tuple(dict.fromkeys(self._console_errors())),
            failed_requests=tuple(dict.fromkeys(failed)),
            external_requests=tuple(dict.fromkeys(external)),
            ids=frozenset(facts["ids"]),
            links=tuple(Link(href, url) for href, url in facts["links"]),
            math_problems=tuple(facts["math"]),
            leftover_tex=tuple(_leftover_tex(facts["text"])) + tuple(facts["mathSource"]),
            overflow_px=int(facts["scrollWidth"]) - int(facts["clientWidth"]),
            overflowing=tuple(facts["overflowing"]),
            details_problems=tuple(details_problems),
            opened=tuple(opened),
            formulas=int(facts["formulas"]),
        )

    def screenshot(self, out: Path) -> Path:
        """The whole current page (not only the first screen) as a PNG."""
        size = self.driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": size["width"], "height": size["height"], "scale": 1}
        shot = self.driver.execute_cdp_cmd(
            "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
        )
        out.write_bytes(base64.b64decode(shot["data"]))
        return out

    def _open_disclosures(self) -> tuple[list[str], list[str]]:
        """Click every summary: (the classes of the disclosures that opened, what went wrong with the rest)."""
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.common.by import By

        opened: list[str] = []
        problems: list[str] = []
        for number, summary in enumerate(self.driver.find_elements(By.CSS_SELECTOR, "details > summary"), 1):
            label = f"disclosure {number} ({summary.text.strip()!r})"
            try:
                summary.click()  # a real click, as a reader's, not `details.open = true`
            except WebDriverException as error:  # "not interactable", "click intercepted", ...
                problems.append(f"{label} cannot be clicked: {type(error).__name__}")
                continue
            if self.driver.execute_script(_OPENED_JS, summary):
                opened.append(summary.find_element(By.XPATH, "..").get_attribute("class") or "")
            else:
                problems.append(f"{label} does not show its content when its summary is clicked")
        return opened, problems

    def _drain(self) -> None:
        for kind in ("browser", "performance"):
            self.driver.get_log(kind)

    def _console_errors(self) -> Iterator[str]:
        for entry in self.driver.get_log("browser"):
            if entry["level"] == "SEVERE":
                yield str(entry["message"])

    def _events(self) -> list[dict[str, Any]]:
        return [json.loads(entry["message"])["message"] for entry in self.driver.get_log("performance")]


def _check_viewport(facts: Mapping[str, Any]) -> None:
    """The page must have been laid out 390 px wide, or the overflow check measures nothing."""
    widths = (facts["innerWidth"], facts["clientWidth"])
    if widths != (WIDTH, WIDTH):  # the harness is wrong, not the page
        raise RuntimeError(f"the viewport is {widths} px wide (window, content), not {WIDTH}")


def _requests(events: Iterable[Mapping[str, Any]], root: Path) -> tuple[list[str], list[str]]:
    """(failed, external) requests from DevTools network events; external = not a file under root."""
    urls: dict[str, str] = {}
    failed: list[str] = []
    external: list[str] = []
    for event in events:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            url = params["request"]["url"]
            urls[params["requestId"]] = url
            if not _inside(url, root):
                external.append(url)
        elif method == "Network.loadingFailed":
            why = params.get("blockedReason") or params.get("errorText") or "failed"
            failed.append(f"{urls.get(params['requestId'], '?')}: {why}")
        elif method == "Network.responseReceived" and params["response"].get("status", 200) >= 400:
            failed.append(f"{params['response']['url']}: HTTP {params['response']['status']}")
    return failed, external


def _inside(url: str, root: Path) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "file" and Path(unquote(parts.path)).is_relative_to(root)


# Math delimiters that reached the reader as text: `$x$` (a closing `$` before a digit is currency, as
# "$50-$60"), `$$...$$`, `\(`, `\[`, and TeX commands such as `\frac`.
_TEX_LEFT = re.compile(r"\$\$.+?\$\$|\$[^\s$](?:[^$\n]*[^\s$])?\$(?!\d)|\\[(\[]|\\[A-Za-z]+", re.DOTALL)


def _leftover_tex(text: str) -> Iterator[str]:
    for match in _TEX_LEFT.finditer(text):
        yield f"TeX left as text: {match.group(0)[:60]!r}"


def page_problems(page: Page) -> list[str]:
    """Everything wrong with one page on its own (links need the other pages: see link_problems)."""
    problems = [f"console error: {message}" for message in page.console_errors]
    problems += [f"failed request: {request}" for request in page.failed_requests]
    problems += [f"external request: {url}" for url in page.external_requests]
    problems += list(page.math_problems) + list(page.leftover_tex) + list(page.details_problems)
    if page.overflow_px > 0:
        culprits = "; ".join(page.overflowing) or "no single element"
        problems.append(
            f"wider than the {WIDTH} px viewport by {page.overflow_px} px (horizontal scrolling): {culprits}"
        )
    return problems


def link_problems(page: Page, pages: Mapping[Path, Page], root: Path) -> list[str]:
    """Each internal link of `page` must land on an existing file under root, and a fragment on an id."""
    problems = []
    for link in page.links:
        if link.href.startswith(("https://", "http://")):
            continue  # a link out of the site, written by an author: followed by the reader, not loaded here
        where = _link_target(link.url, root)
        if isinstance(where, str):
            problems.append(f"link {link.href!r} {where}")
            continue
        target, fragment = where
        landed = pages.get(target)
        if fragment and landed is None:
            problems.append(f"link {link.href!r} names #{fragment} in {target.name}, which was not visited")
        elif fragment and landed is not None and fragment not in landed.ids:
            problems.append(f"link {link.href!r} names #{fragment}, which {target.name} does not have")
    return problems


def _link_target(url: str, root: Path) -> tuple[Path, str] | str:
    """The file and fragment a resolved link lands on, or what is wrong with it."""
    parts = urlsplit(url)
    if parts.scheme != "file":
        return f"is not a page of the site ({parts.scheme}:)"
    target = Path(unquote(parts.path))
    if not target.is_relative_to(root):
        return "leaves the site's folder"
    if not target.is_file():
        return f"points to a missing file ({target.relative_to(root)})"
    return target, unquote(parts.fragment)


def visit_site(browser: Browser, root: Path) -> dict[Path, Page]:
    """Every page (*.html) under root, visited in path order, by its absolute path."""
    root = root.resolve()
    return {page.path: page for page in (browser.visit(path, root) for path in sorted(root.rglob("*.html")))}


def site_problems(pages: Mapping[Path, Page], root: Path) -> dict[str, list[str]]:
    """Each visited page's problems, by its path relative to root (only the pages that have some)."""
    root = root.resolve()
    report = {}
    for path, page in pages.items():
        problems = page_problems(page) + link_problems(page, pages, root)
        if problems:
            report[path.relative_to(root).as_posix()] = problems
    return report


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR), refusing anything that is not a PNG."""
    head = path.read_bytes()[:24]
    if head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG")
    width, height = struct.unpack(">II", head[16:24])
    return width, height


# A disclosure opened by a click shows something besides its summary.
_OPENED_JS = """
const details = arguments[0].parentElement;
const shown = [...details.children].filter(child => child.tagName !== 'SUMMARY')
  .some(child => { const box = child.getBoundingClientRect(); return box.width > 0 && box.height > 0; });
return details.open && shown;
"""

# The facts of the loaded page, in one round trip. A formula counts as rendered when Chromium lays it
# out as MathML (a MathMLElement whose display is `math` or `block math`) in a box of non-zero size.
_FACTS_JS = """
const NS = 'http://www.w3.org/1998/Math/MathML';
const math = [];
for (const [i, m] of [...document.querySelectorAll('math')].entries()) {
  const box = m.getBoundingClientRect(), display = getComputedStyle(m).display;
  const what = `formula ${i + 1} (${m.textContent.trim().slice(0, 40)})`;
  if (m.namespaceURI !== NS || !(m instanceof MathMLElement) || !display.endsWith('math'))
    math.push(`${what} is not rendered as MathML (display: ${display})`);
  else if (!(box.width > 0 && box.height > 0))
    math.push(`${what} has an empty box (${box.width}x${box.height})`);
}
for (const e of document.querySelectorAll('merror'))
  math.push(`MathML error element: ${e.textContent.trim().slice(0, 60)}`);
const edge = document.documentElement.clientWidth + 0.5;
const overflowing = [...document.body.querySelectorAll('*')]
  .filter(e => e.getBoundingClientRect().right > edge && e.parentElement.getBoundingClientRect().right <= edge)
  .slice(0, 3).map(e => `<${e.tagName.toLowerCase()}> ${JSON.stringify(e.textContent.trim().slice(0, 50))}`);
const prose = document.body.cloneNode(true);
for (const e of prose.querySelectorAll('math, code, pre, script, style')) e.remove();
return {
  innerWidth: window.innerWidth,
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  overflowing: overflowing,
  ids: [...document.querySelectorAll('[id]')].map(e => e.id)
    .concat([...document.querySelectorAll('a[name]')].map(e => e.name)),
  links: [...document.querySelectorAll('a[href]')].map(a => [a.getAttribute('href'), a.href]),
  math: math,
  formulas: document.querySelectorAll('math').length,
  mathSource: [...document.querySelectorAll('.math-source')]
    .map(e => `formula shown as its TeX source: ${e.textContent.slice(0, 60)}`),
  text: prose.textContent,
};
"""
