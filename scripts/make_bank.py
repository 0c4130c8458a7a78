#!/usr/bin/env python3
"""Build a synthetic bank of N questions from the real one, for benchmarks and load tests.

Each copy gets a fresh id (and file name), and every 4+ letter word of its prose gets a per-copy
spelling, so ids, cross references and the practice plan stay valid while no two questions are near
duplicates (which a real bank would not have, and the near-duplicate rule would flag).
Usage: scripts/make_bank.py N OUT_DIR [--from bank]
"""

from __future__ import annotations

import argparse
import re
import shutil
from pathlib import Path


def _vary(text: str, n: int) -> str:
    """Respell about half the 5+ letter words of the prose (keys and ids sit before 'prompt:')."""
    head, sep, prose = text.partition("\nprompt:")
    worked = prose.find("\nworked:")
    body, tail = (prose, "") if worked < 0 else (prose[:worked], prose[worked:])
    tag = "".join("qxzjkvwy"[int(d)] for d in oct(n)[2:])  # a spelling of its own for each copy
    key = re.compile(r"^\s*[a-z_]+:")  # leave the YAML keys (rubric:, strong_hire:) alone

    def respell(line: str) -> str:
        if key.match(line):
            return line
        # Not after a backslash: `\epsilon` is a TeX command, and a respelt one would not render (MB302).
        return re.sub(r"(?<!\\)\b[a-z]{4,}\b", lambda m: m.group(0) + tag, line)

    body = "\n".join(respell(line) for line in body.split("\n"))
    return head + sep + body + tail


def build(source: Path, out: Path, count: int) -> None:
    if out.exists():
        shutil.rmtree(out)
    (out / "questions").mkdir(parents=True)
    shutil.copy(source / "bank.yaml", out / "bank.yaml")
    shutil.copy(source / "topics.yaml", out / "topics.yaml")
    originals = sorted((source / "questions").rglob("*.yaml"))
    for n in range(count):
        original = originals[n % len(originals)]
        text = original.read_text(encoding="utf-8")
        old_id = re.search(r"^id: (\S+)$", text, re.MULTILINE).group(1)  # type: ignore[union-attr]
        prefix = re.match(r"[a-z]+", old_id).group(0)  # type: ignore[union-attr]
        new_id = old_id if n < len(originals) else f"{prefix}{n + 1000}"
        text = text.replace(f"id: {old_id}\n", f"id: {new_id}\n", 1)
        if n >= len(originals):
            # A copy is a new question: no page label of its own (MB209), and its prose is respelt.
            text = _vary(re.sub(r"^label: .*\n", "", text, count=1, flags=re.MULTILINE), n)
        slug = original.name.split("-", 1)[1]
        target = out / "questions" / original.parent.name / f"{new_id}-{slug}"
        target.parent.mkdir(exist_ok=True)
        target.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("out", type=Path)
    parser.add_argument("--from", dest="source", type=Path, default=Path(__file__).parent.parent / "bank")
    args = parser.parse_args()
    build(args.source, args.out, args.count)


if __name__ == "__main__":
    main()
