#!/usr/bin/env python3
"""Time `mlbank lsp` from a didChange to its publishDiagnostics, as an editor sees it.

Builds a synthetic bank (scripts/make_bank.py) in a project folder, starts `python -m mlbank lsp`
over stdio with pygls's own LSP client, waits for the first lint (a sync document's diagnostics
come after it), then makes a scripted typing session in one question with a worked claim:

  topic      no claim changed: the topic list toggles between a known topic and a misspelt one,
             each edit timed to the publish that shows MB200 come or go;
  prose      no claim changed: a new word is typed into the answer each time, every other one a
             TODO, timed to the publish that shows MB502 come or go (the answer's near-duplicate
             fingerprint changes with every edit);
  claim      the claim's expression becomes a new, wrong one (a fresh spec each time, so its
             verdict is computed by the warm claims worker), timed to the publish that shows its
             MB400; between two such edits the claim is put back (a known verdict) and left to settle.

Each edit waits for the previous one's diagnostics, so nothing is coalesced away. Prints the
startup time, p50 and p95 of each kind in wall time, and the server's own CPU time per edit
(steadier on a loaded machine; the claims worker's is not included).

Usage: scripts/bench_lsp.py [--size 1000] [--edits 40]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from lsprotocol import types
from pygls.lsp.client import BaseLanguageClient

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 300.0  # seconds to wait for one publish (the first lint of 10k questions included)
Check = Callable[[Sequence[types.Diagnostic]], bool]


class Editor:
    """A pygls client that timestamps every publishDiagnostics it receives."""

    def __init__(self) -> None:
        self.client = BaseLanguageClient("mlbank-bench", "1")
        self.inbox: asyncio.Queue[tuple[float, types.PublishDiagnosticsParams]] = asyncio.Queue()
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams) -> None:
            self.inbox.put_nowait((time.perf_counter(), params))

    async def until(self, uri: str, check: Check) -> float:
        """The time of the first publish for `uri` whose diagnostics pass `check`."""
        while True:
            at, params = await asyncio.wait_for(self.inbox.get(), TIMEOUT)
            if params.uri == uri and check(params.diagnostics):
                return at

    def open(self, path: Path, text: str) -> str:
        uri = path.as_uri()
        self.versions[uri] = 1
        item = types.TextDocumentItem(uri=uri, language_id="yaml", version=1, text=text)
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(text_document=item))
        return uri

    def change(self, uri: str, text: str) -> float:
        self.versions[uri] += 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=self.versions[uri]),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return time.perf_counter()


def has(code: str) -> Check:
    return lambda diagnostics: any(d.code == code for d in diagnostics)


def lacks(code: str) -> Check:
    return lambda diagnostics: not any(d.code == code for d in diagnostics)


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc; 0 elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / 100  # utime, stime in clock ticks (USER_HZ = 100)


def target(bank: Path) -> Path:
    """The first question with a worked claim and a flow list of topics."""
    for path in sorted((bank / "questions").rglob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        if "\nworked:" in text and "\ntopics: [" in text and "\n    expr: " in text:
            return path
    raise SystemExit("no question with a worked claim in the bank")


async def run(project: Path, edits: int) -> tuple[float, list[Series]]:
    bank = project / "bank"
    editor = Editor()
    await editor.client.start_io(sys.executable, "-m", "mlbank", "lsp", cwd=str(project))
    server = editor.client._server
    assert server is not None
    started = time.perf_counter()
    await editor.client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            workspace_folders=[types.WorkspaceFolder(uri=project.as_uri(), name="bench")],
        )
    )
    editor.client.initialized(types.InitializedParams())
    sync = editor.open(bank / "questions" / "zz-sync.yaml", "key: [unclosed\n")
    await editor.until(sync, has("MB001"))  # after the first lint: jobs are done in order
    startup = time.perf_counter() - started

    path = target(bank)
    text = path.read_text(encoding="utf-8")
    uri = editor.open(path, text)
    topics_line = next(line for line in text.split("\n") if line.startswith("topics: ["))
    misspelt = text.replace(topics_line, topics_line.replace("[", "[zz-misspelt-", 1), 1)
    expr_line = next(line for line in text.split("\n") if line.startswith("    expr: "))

    def wrong(n: int) -> str:  # a fresh, failing spec each time: its verdict is not known yet
        return text.replace(expr_line, f"{expr_line} + 1 + {n}/10**15", 1)

    # Warm up: the claims worker started and sympy imported, the first edit's imports done.
    for n in range(3):
        editor.change(uri, wrong(n))
        await editor.until(uri, has("MB400"))
        editor.change(uri, text)
        await editor.until(uri, lacks("MB400"))

    answer_line = text.split("\nanswer: |\n", 1)[1].split("\n", 1)[0]

    def typed(n: int) -> str:  # new prose each time; MB502 comes with every other word
        word = f" word{n} TODO" if n % 2 == 0 else f" word{n}"
        return text.replace(answer_line, answer_line + word, 1)

    series = [
        await toggles(
            editor,
            uri,
            server.pid,
            [(misspelt if n % 2 == 0 else text, "MB200", n % 2 == 0) for n in range(edits)],
        ),
        await toggles(editor, uri, server.pid, [(typed(n), "MB502", n % 2 == 0) for n in range(edits)]),
    ]
    editor.change(uri, text)  # back to the file's text: it may change no finding, so nothing to wait for
    await asyncio.sleep(1.0)

    claim, claim_cpu = [], 0.0
    for n in range(edits):
        cpu = cpu_seconds(server.pid)
        sent = editor.change(uri, wrong(100 + n))
        claim.append(await editor.until(uri, has("MB400")) - sent)
        claim_cpu += cpu_seconds(server.pid) - cpu
        editor.change(uri, text)
        await editor.until(uri, lacks("MB400"))
        await asyncio.sleep(0.05)  # let the claims waiter settle before the next timed edit

    await editor.client.shutdown_async(None)
    editor.client.exit(None)
    await asyncio.wait_for(server.wait(), 60)
    await editor.client.stop()
    return startup, [*series, Series(claim, claim_cpu / edits)]


class Series(NamedTuple):
    latencies: list[float]  # seconds from each didChange to the publish that shows its result
    cpu: float  # the server's CPU seconds per edit


async def toggles(editor: Editor, uri: str, pid: int, edits: list[tuple[str, str, bool]]) -> Series:
    """Send each text, and time the publish where `code` shows (True) or is gone (False)."""
    cpu, latencies = cpu_seconds(pid), []
    for text, code, shown in edits:
        sent = editor.change(uri, text)
        latencies.append(await editor.until(uri, has(code) if shown else lacks(code)) - sent)
    return Series(latencies, (cpu_seconds(pid) - cpu) / len(edits))


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def report(size: int, startup: float, series: list[Series]) -> str:
    lines = [f"mlbank lsp, {size} questions: first lint published after {startup:.1f} s"]
    for name, (latencies, cpu) in zip(
        ("no claim, topic", "no claim, prose", "a claim changed"), series, strict=True
    ):
        lines.append(
            f"  didChange -> publishDiagnostics, {name:16} p50 {1000 * statistics.median(latencies):6.1f} ms"
            f"  p95 {1000 * percentile(latencies, 95):6.1f} ms  (server CPU {1000 * cpu:.0f} ms/edit)"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "project"
        subprocess.run(
            [sys.executable, str(ROOT / "scripts" / "make_bank.py"), str(args.size), str(project / "bank")],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        (project / "pyproject.toml").write_text('[tool.mlbank]\nbank = "bank"\n', encoding="utf-8")
        startup, series = asyncio.run(run(project, args.edits))
        print(report(args.size, startup, series), flush=True)


if __name__ == "__main__":
    main()
