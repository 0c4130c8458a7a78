"""Real KaTeX, run by node, for the slow tests: verdicts on formulas, and auto-render over HTML.

`katex` (the version mlbank/data/katex.json was generated from) and `jsdom` are installed from the
npm registry into a cache folder, never into the repository: $XDG_CACHE_HOME/mlbank-tests/node, or
~/.cache/mlbank-tests/node. Each call runs one node process for the whole batch. Without node, npm or
the registry, `need_node()` skips the test with the reason, and fails it under CI (env CI set).

KaTeX runs with throwOnError (an error, not red text), strict "ignore" (its default "warn" accepts
the same input and only logs), and a `trust` hook that throws: a command that needs trust (\\href,
\\url, \\includegraphics, \\html...) is an error, as mlbank's rule MB302 says. mlbank also refuses
macro definitions and TeX programming (the "definition" and "programming" entries of
mlbank/data/katex.json; see mlbank/tex_check.py), and what would end a formula early in an app (a
`%` comment, `\\verb`, `\\(`, `\\)`, `\\[`, `\\]`: mlbank.tex_tokens.ends_early); KaTeX has them,
so `katex_errors` reports a formula that uses one as refused before asking KaTeX.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mlbank.katex_data import katex
from mlbank.tex_tokens import ENDS_EARLY

JSDOM_VERSION = "29.1.1"  # the newest jsdom that runs on node 20

_OPTIONS = """
const katex = require("katex");
const options = (display) => ({
  throwOnError: true,
  displayMode: display,
  strict: "ignore",
  trust: (context) => { throw new katex.ParseError("needs trust: " + context.command); },
});
const input = JSON.parse(require("fs").readFileSync(0, "utf8"));
// \\message and \\errmessage print through console.log: stdout carries the results only.
for (const name of ["log", "info", "warn", "error"]) console[name] = () => {};
"""

_VERDICTS = (
    _OPTIONS
    + r"""
const refused = new Set(input.refused);
const verdict = ([tex, display]) => {
  if (tex.replace(/\\[^]/g, "").includes("%")) return "refused by mlbank: a % comment";
  for (const [name] of tex.matchAll(/\\(?:[a-zA-Z@]+|[^])/g)) {
    if (refused.has(name)) return "refused by mlbank: " + name;
  }
  try {
    katex.renderToString(tex, options(display));
    return null;
  } catch (error) {
    return String(error.message ?? error);
  }
};
process.stdout.write(JSON.stringify(input.spans.map(verdict)));
"""
)

_AUTO_RENDER = (
    _OPTIONS
    + r"""
const { JSDOM } = require("jsdom");
const dom = new JSDOM("<!DOCTYPE html><body></body>");
// KaTeX and auto-render build nodes through the global document, as in a browser.
global.window = dom.window;
global.document = dom.window.document;
global.Node = dom.window.Node;
const renderMathInElement = require("katex/dist/contrib/auto-render.js");
const delimiters = [
  { left: "\\(", right: "\\)", display: false },
  { left: "\\[", right: "\\]", display: true },
];
// Text auto-render leaves alone on purpose (code, rendered formulas) is not math it missed.
const skipped = (node) => node.parentElement.closest(".katex, code, pre, script, style, textarea");
const errors = (fragment) => {
  const found = [];
  const root = document.createElement("div");
  root.innerHTML = fragment;
  try {
    renderMathInElement(root, {
      ...options(false),
      delimiters,
      errorCallback: (message, error) => found.push(`${message} ${error?.message ?? error}`),
    });
  } catch (error) {
    found.push(String(error.message ?? error));
  }
  const walker = document.createTreeWalker(root, dom.window.NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.nodeValue;
    if ((text.includes("\\(") || text.includes("\\[")) && !skipped(walker.currentNode)) {
      found.push("math left unrendered: " + text.trim().slice(0, 120));
    }
  }
  return found;
};
process.stdout.write(JSON.stringify(input.fragments.map(errors)));
"""
)


def node_dir() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "mlbank-tests" / "node"


def need_node() -> Path:
    """The folder holding node_modules with katex and jsdom, installing them if needed; skips the
    test (fails it under CI) when node, npm or the registry is not there."""
    problem = _missing_tools() or _install()
    if problem:
        message = f"real KaTeX is not available: {problem}"
        if os.environ.get("CI"):
            pytest.fail(message + " (CI must run this test: install node 20+ and npm)")
        pytest.skip(message)
    return node_dir()


def katex_errors(spans: list[tuple[str, bool]]) -> list[str | None]:
    """KaTeX's error for each (tex, display) formula, or None where it renders."""
    refused = [name for name, why in katex().refused.items() if why != "trust"]
    refused += [*sorted(ENDS_EARLY - {"%"}), "\\verb"]  # mlbank.tex_tokens.ends_early's policy
    result: list[str | None] = _node(_VERDICTS, {"spans": spans, "refused": refused})
    return result


def auto_render_errors(fragments: list[str]) -> list[list[str]]:
    """For each HTML fragment: KaTeX auto-render's errors (\\(..\\) and \\[..\\] delimiters, every
    error collected), and any \\( or \\[ still in the text afterwards, math that did not render."""
    result: list[list[str]] = _node(_AUTO_RENDER, {"fragments": fragments})
    return result


def _node(script: str, payload: object) -> object:
    folder = need_node()
    program = folder / "mlbank-harness.js"
    program.write_text(script, encoding="utf-8")  # in the folder, so require() finds node_modules
    run = subprocess.run(
        ["node", str(program)],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, f"node failed:\n{run.stderr}"
    return json.loads(run.stdout)


def _missing_tools() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"'{tool}' is not on PATH"
    return None


def _install() -> str | None:
    """Install the pinned katex and jsdom unless they are there already; a problem, or None."""
    folder = node_dir()
    wanted = {"katex": katex().version, "jsdom": JSDOM_VERSION}
    if all(_installed(folder, name) == version for name, version in wanted.items()):
        return None
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "package.json").write_text('{"private": true}\n', encoding="utf-8")
    specs = [f"{name}@{version}" for name, version in wanted.items()]
    try:
        run = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *specs],
            cwd=folder,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "npm install took more than 10 minutes"
    if run.returncode != 0:
        return f"npm install {' '.join(specs)} failed in {folder}:\n{run.stderr.strip()}"
    return None


def _installed(folder: Path, package: str) -> str | None:
    try:
        manifest = json.loads(
            (folder / "node_modules" / package / "package.json").read_text(encoding="utf-8")
        )
    except (OSError, ValueError):
        return None
    version = manifest.get("version")
    return version if isinstance(version, str) else None
