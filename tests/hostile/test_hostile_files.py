"""The hostile-input corpus: each file gets a clear finding, fast, and nothing in it is executed.

Every case runs the real `mlbank lint` in a subprocess with a time bound, so a hang, a crash or a
traceback fails the test the way it would fail a user.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

TIME_BOUND = 20.0  # seconds for the whole lint run, start-up included


def alias_bomb() -> bytes:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    return ("\n".join(lines) + "\n").encode()


def deep(n: int) -> bytes:
    return ("see: " + "[" * n + "]" * n + "\n").encode()


def huge() -> bytes:
    return b"answer: |\n" + b"  " + b"x" * 2_000_000 + b"\n"


def many_nodes() -> bytes:
    return b"see: [" + b", ".join(b"t%d" % i for i in range(60_000)) + b"]\n"


# name -> (file content, the rule code that must report it)
CORPUS: dict[str, tuple[Callable[[], bytes], str]] = {
    "alias-bomb": (alias_bomb, "MB005"),
    "python-tag": (lambda: b"title: !!python/object/apply:os.system ['touch PWNED']\n", "MB004"),
    "python-name": (lambda: b"title: !!python/name:os.system\n", "MB004"),
    "deep-20000": (lambda: deep(20_000), "MB006"),
    "deep-block": (lambda: "".join(f"{'  ' * i}k{i}:\n" for i in range(200)).encode(), "MB006"),
    "huge": (huge, "MB003"),
    "many-nodes": (many_nodes, "MB003"),
    "binary": (lambda: bytes(range(256)) * 4, "MB002"),
    "latin-1": (lambda: "title: caf\u00e9\n".encode("latin-1"), "MB002"),
    "utf-16": (lambda: "title: x\n".encode("utf-16"), "MB002"),
    "tabs": (lambda: b"rubric:\n\tstrong_hire: x\n", "MB001"),
    "duplicate-keys": (lambda: b"id: q02\nid: q03\n", "MB007"),
    "multi-document": (lambda: b"id: q02\n---\nid: q03\n", "MB009"),
    "empty": (lambda: b"", "MB008"),
    "top-level-list": (lambda: b"- a\n- b\n", "MB010"),
    "complex-key": (lambda: b"? [a, b]\n: c\n", "MB001"),
    "unclosed-quote": (lambda: b'title: "never closed\n', "MB001"),
}


def lint(cwd: Path, *options: str, cache: bool = False) -> tuple[subprocess.CompletedProcess[str], float]:
    start = time.monotonic()
    env = {**os.environ, "MLBANK_CACHE_DIR": str(cwd / ".cache")}
    result = subprocess.run(
        [sys.executable, "-m", "mlbank.cli", "lint", *([] if cache else ["--no-cache"]), *options, "bank"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIME_BOUND * 3,
    )
    return result, time.monotonic() - start


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_hostile_file(name: str, minibank: Path) -> None:
    make, code = CORPUS[name]
    target = minibank / "questions" / "screening" / f"q02-{name}.yaml"
    target.write_bytes(make())
    result, took = lint(minibank.parent)
    assert took < TIME_BOUND, f"{name} took {took:.1f}s"
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and result.stderr == ""
    assert f"bank/questions/screening/q02-{name}.yaml:" in result.stdout
    assert f" {code} [" in result.stdout, result.stdout
    assert not (minibank.parent / "PWNED").exists()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")
def test_whole_corpus_in_worker_processes(minibank: Path) -> None:
    """Every hostile file at once, linted in forked workers: the same findings as in one process."""
    for name, (make, _) in CORPUS.items():
        (minibank / "questions" / "screening" / f"q02-{name}.yaml").write_bytes(make())
    one, _ = lint(minibank.parent, "--jobs", "1")
    three, took = lint(minibank.parent, "--jobs", "3")
    assert took < TIME_BOUND
    assert three.returncode == one.returncode == 1 and three.stderr == ""
    assert three.stdout == one.stdout
    assert all(f" {code} [" in three.stdout for _, code in CORPUS.values())
    assert not (minibank.parent / "PWNED").exists()


def test_bom_and_crlf_are_fine(minibank: Path) -> None:
    q = minibank / "questions/screening/q01-log-loss.yaml"
    q.write_bytes(b"\xef\xbb\xbf" + q.read_bytes().replace(b"\n", b"\r\n"))
    result, _ = lint(minibank.parent)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_symlink_loops_and_fifos(minibank: Path) -> None:
    folder = minibank / "questions" / "screening"
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    (folder / "q03-self.yaml").symlink_to(folder / "q03-self.yaml")
    os.mkfifo(folder / "q04-fifo.yaml")
    result, took = lint(minibank.parent)
    assert took < TIME_BOUND
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "q03-self.yaml:1:1: MB002" in result.stdout
    assert "q04-fifo.yaml:1:1: MB002" in result.stdout and "not a regular file" in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_whole_corpus_through_the_caches(minibank: Path) -> None:
    """With the caches on (the default), the same findings, in bounded time, run after run: a FIFO
    must not block the hashing of the bank, and hostile files must not poison the stores."""
    for name, (make, _) in CORPUS.items():
        (minibank / "questions" / "screening" / f"q02-{name}.yaml").write_bytes(make())
    folder = minibank / "questions" / "screening"
    (folder / "q03-self.yaml").symlink_to(folder / "q03-self.yaml")
    os.mkfifo(folder / "q04-fifo.yaml")
    reference, _ = lint(minibank.parent)
    assert reference.returncode == 1 and "not a regular file" in reference.stdout
    benign = folder / "q01-log-loss.yaml"
    for run in range(3):
        if run == 1:  # one benign edit: the other files' results come from the per-file store
            benign.write_text(benign.read_text() + "# edited\n")
        result, took = lint(minibank.parent, cache=True)
        assert took < TIME_BOUND, f"run {run} took {took:.1f}s"
        assert result.stdout == reference.stdout and result.stderr == ""
    assert not (minibank.parent / "PWNED").exists()
