"""The fast paths of `mlbank fmt` give what the plain round trip in one process gives.

- `is_canonical` recognises a file already in canonical form without ruamel's round trip. It must be
  sound: whenever it says so, the round trip gives the file back unchanged (it may say "not shown"
  for a canonical file: the round trip then decides). Checked on random edits of bank files, on
  random data rendered and edited, on the project's bank and on a 1,000-question synthetic bank.
- The emitter's shortcuts (no per-character scan of `|` and `"` scalars, literals a line at a time)
  and `literal_ok`'s regex write and decide exactly what ruamel's code and the per-character test do.
- Files spread over worker processes give the serial run's output, exit code, files and cache.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st
from ruamel.yaml.emitter import RoundTripEmitter

from mlbank import fmt_cache
from mlbank import formatter as fmt
from mlbank.commands import fmt as fmt_command
from mlbank.commands.fmt import FmtOptions, run_fmt
from mlbank.formatter import FormatError, is_canonical, render
from mlbank.formatter import emitter as emitter_module
from mlbank.formatter.compare import comments_in
from mlbank.formatter.layout import split_header
from mlbank.formatter.scalars import literal_ok, yaml_printable
from mlbank.paths import kind_of
from mlbank.workspace import bank_files

ROOT = Path(__file__).parent.parent
BANK_FILES = sorted(bank_files(ROOT / "bank"))
TEXTS = [(p.read_text(encoding="utf-8"), kind_of(p)) for p in BANK_FILES]


def examples(n: int) -> Any:
    return settings(
        max_examples=n,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )


@pytest.fixture(autouse=True)
def fmt_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MLBANK_CACHE_DIR", str(directory))
    return directory


def round_trip(text: str, kind: str, header: str | None = None) -> str:
    """What format_text gives without the recogniser: the text, or the error it raises."""
    try:
        return fmt._round_trip_format(text, kind, header)
    except FormatError as exc:
        return f"FormatError: {exc}"


def has_comment(text: str) -> bool:
    """Whether the text holds a comment besides its schema line."""
    return bool(comments_in(split_header(text)[1]))


def check_sound(text: str, kind: str, header: str | None = None) -> bool:
    """Whether `is_canonical` says canonical; when it does, the round trip must agree."""
    if not is_canonical(text, kind, header):
        return False
    assert round_trip(text, kind, header) == text
    assert fmt.format_text(text, kind, header) == text
    return True


# --- random edits of bank files ----------------------------------------------------------------------

UNICODE = [
    "\u00a0",
    "\u2028",
    "\u2029",
    "\x85",
    "é",
    "e\u0301",
    "😀",
    "\u200b",
    "\ufeff",
    "\x07",
    "√",
    "\ud7ff",
]
NUMBERS = ["1.0", "1e3", "0o17", "0x1F", "1_000", "010", "+1", ".5", "1.50", "-0", ".inf", "1:30", "yes", "~"]
PIECES = [
    " ",
    "\n",
    "\t",
    "#",
    ": ",
    "-",
    "- ",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    "|",
    ">",
    "&a",
    "*a",
    "!",
    "%",
    "@",
]
PIECES += ["`", "?", ",", "~", "<<", "  ", "\\", "---", "...", " # c", "null", "true"]


def _line(text: str, data: Any) -> tuple[list[str], int]:
    lines = text.split("\n")
    return lines, data.draw(st.integers(0, max(0, len(lines) - 2)))


def _swap_keys(text: str, data: Any) -> str:
    """Two neighbouring top-level entries (with their nested lines) change places."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if re.match(r"[A-Za-z_\"'][^:]*:", line)]
    if len(starts) < 3:
        return text
    k = data.draw(st.integers(0, len(starts) - 3))
    a, b, c = starts[k], starts[k + 1], starts[k + 2]
    return "\n".join(lines[:a] + lines[b:c] + lines[a:b] + lines[c:])


def _requote(text: str, data: Any) -> str:
    """A value gets other quotes, or loses them."""
    lines, i = _line(text, data)
    match = re.match(r"^(\s*(?:- )?[\w\"' ]+: )(.+)$", lines[i])
    if not match:
        return text
    head, value = match.groups()
    bare = value.strip("'\"")
    lines[i] = head + data.draw(st.sampled_from([f"'{bare}'", f'"{bare}"', bare, f'"{value}"', f"'{value}'"]))
    return "\n".join(lines)


def _restyle(text: str, data: Any) -> str:
    """Block and flow trade places; a block's style or chomping changes."""
    lines, i = _line(text, data)
    line = lines[i]
    flow = re.match(r"^(\s*)([\w]+): \[(.*)\]$", line)
    if flow and data.draw(st.booleans()):
        indent, key, items = flow.groups()
        entries = [f"{indent}  - {x.strip()}" for x in items.split(",") if x.strip()]
        lines[i : i + 1] = [f"{indent}{key}:", *entries]
    elif line.rstrip().endswith(("|", "|-", "|+", ">")):
        lines[i] = re.sub(r"[|>][-+]?$", data.draw(st.sampled_from(["|", "|-", "|+", ">", ">-", "|2"])), line)
    elif re.match(r"^\s*- \S", line):
        lines[i] = line.replace("- ", data.draw(st.sampled_from(["-  ", "-\t", "- [", "- {a: "])), 1)
    else:
        return text
    return "\n".join(lines)


def _trailing_blanks(text: str, data: Any) -> str:
    lines, i = _line(text, data)
    lines[i] += data.draw(st.sampled_from([" ", "  ", "\t", " \t", "   "]))
    return "\n".join(lines)


def _comment(text: str, data: Any) -> str:
    lines, i = _line(text, data)
    if data.draw(st.booleans()):
        lines.insert(i, " " * data.draw(st.integers(0, 6)) + "# a comment")
    else:
        lines[i] += data.draw(st.sampled_from(["  # eol", " #x", "#x", "  #"]))
    return "\n".join(lines)


def _tab(text: str, data: Any) -> str:
    lines, i = _line(text, data)
    if lines[i].startswith("  ") and data.draw(st.booleans()):
        lines[i] = "\t" + lines[i][2:]
    else:
        at = data.draw(st.integers(0, len(lines[i])))
        lines[i] = lines[i][:at] + "\t" + lines[i][at:]
    return "\n".join(lines)


def _number(text: str, data: Any) -> str:
    spots = [m.span() for m in re.finditer(r"\d+(?:\.\d+)?", text)]
    if not spots:
        return text
    start, end = data.draw(st.sampled_from(spots))
    return text[:start] + data.draw(st.sampled_from(NUMBERS)) + text[end:]


def _bom(text: str, data: Any) -> str:
    return "\ufeff" + text


def _crlf(text: str, data: Any) -> str:
    if data.draw(st.booleans()):
        return text.replace("\n", "\r\n")
    lines, i = _line(text, data)
    lines[i] += "\r"
    return "\n".join(lines)


def _unicode(text: str, data: Any) -> str:
    at = data.draw(st.integers(0, len(text)))
    char = data.draw(
        st.one_of(st.sampled_from(UNICODE), st.characters(codec="utf-8", exclude_categories=("Cs",)))
    )
    return text[:at] + char + text[at:]


def _piece(text: str, data: Any) -> str:
    """Anything YAML-shaped inserted, or a character deleted, or a line doubled."""
    at = data.draw(st.integers(0, len(text)))
    how = data.draw(st.sampled_from(["insert", "delete", "double"]))
    if how == "insert":
        return text[:at] + data.draw(st.sampled_from(PIECES)) + text[at:]
    if how == "delete":
        return text[:at] + text[at + 1 :]
    lines, i = _line(text, data)
    lines.insert(i, lines[i])
    return "\n".join(lines)


EDITS: list[Callable[[str, Any], str]] = [
    _swap_keys,
    _requote,
    _restyle,
    _trailing_blanks,
    _comment,
    _tab,
    _number,
    _bom,
    _crlf,
    _unicode,
    _piece,
]


def _edited(text: str, data: Any) -> str:
    for edit in data.draw(st.lists(st.sampled_from(EDITS), min_size=1, max_size=3)):
        text = edit(text, data)
    return text


@examples(400)
@given(st.data())
def test_recognised_edits_of_bank_files_are_canonical(data: Any) -> None:
    text, kind = data.draw(st.sampled_from(TEXTS))
    edited = _edited(text, data)
    header = data.draw(st.sampled_from([None, "# yaml-language-server: $schema=../x.json"]))
    event("recognised" if check_sound(edited, kind, header) else "not recognised")


# --- random data, rendered, then edited ---------------------------------------------------------------

TRICKY = [
    *("4.60", "yes", "no", "on", "y", "100:1", "0x1F", "0o17", "012", "1_000", "1e3", ".inf", "~", "null"),
    *("true", "2024-01-01", "=", "<<", "-", "- a", "? x", ": x", "#x", "a #b", "a: b", "a:", "[x]", "{x}"),
    *("x, y", "'q'", '"q"', "*a", "&a", "!t", "%x", "@x", "`x", "|", ">", "---", "...", "", " ", "trail "),
    *("  lead", "line\n", "a\nb", "\nlead", "a\n\n", "\n", "a \nb", "\ta", "a\tb\n", "x\u2028y", "\ufeffx"),
    *("\x07", "\r\n", "$x$", "# not a comment\n", "key: value\n", "  indented\nfirst\n", "\u00a0nbsp", "😀"),
]
KEYS = ["id", "title", "level", "topics", "see", "prompt", "answer", "rubric", "worked", "says", "where"]
KEYS += ["tolerance", "companies", "expects", "description", "summary", "refs", "settings", "<<", "1", "yes"]
_strings = st.lists(
    st.one_of(
        st.sampled_from(TRICKY), st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
    ),
    max_size=3,
).map("".join)
_scalars = st.one_of(_strings, _strings, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
_keys = st.one_of(st.sampled_from(KEYS), st.text(st.sampled_from("abc_ -#1.:"), min_size=1, max_size=5))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_keys, inner, max_size=3)),
    max_leaves=8,
)
_data = st.dictionaries(_keys, _values, min_size=1, max_size=6)


@examples(400)
@given(_data, st.sampled_from(["question", "bank", "topics"]), st.data())
def test_recognised_renderings_of_random_data_are_canonical(
    data: dict[str, Any], kind: str, draw: Any
) -> None:
    try:
        text = render(
            data, kind, draw.draw(st.sampled_from([None, "# yaml-language-server: $schema=x.json"]))
        )
    except FormatError:
        assume(False)
    if draw.draw(st.booleans()):
        text = _edited(text, draw)
    event("recognised" if check_sound(text, kind) else "not recognised")


# --- real banks ------------------------------------------------------------------------------------


def _recognised_exactly(paths: list[Path]) -> int:
    """Every file: recognised if and only if the round trip gives it back and it holds no comment."""
    recognised = 0
    for path in paths:
        text, kind = path.read_text(encoding="utf-8"), kind_of(path)
        if check_sound(text, kind):
            recognised += 1
        else:
            assert round_trip(text, kind) != text or has_comment(text), path
    return recognised


def test_the_project_bank_is_recognised_file_by_file() -> None:
    assert _recognised_exactly(BANK_FILES) >= len(BANK_FILES) - 5


def test_a_synthetic_bank_of_1000_questions_is_recognised_file_by_file(synthetic_bank: Path) -> None:
    files = bank_files(synthetic_bank)
    assert len(files) >= 1000
    assert _recognised_exactly(files) >= len(files) * 0.9


# --- the shortcuts are exact --------------------------------------------------------------------------


def test_literal_ok_is_the_per_character_test_on_every_code_point() -> None:
    for code in range(0x110000):
        ch = chr(code)
        assert literal_ok(ch) == (ch in "\t\n" or yaml_printable(ch)), hex(code)
    assert not literal_ok("")
    assert literal_ok("a\tb\n√ 😀") and not literal_ok("a\u2028b") and not literal_ok("ok\x07")


class _Stock(emitter_module._Emitter):
    """The emitter with ruamel's own scan and literal writer back."""

    def analyze_scalar(self, scalar: Any) -> Any:
        return RoundTripEmitter.analyze_scalar(self, scalar)

    def write_literal(self, text: Any, comment: Any = None) -> None:
        RoundTripEmitter.write_literal(self, text, comment)


def _both_ways(action: Callable[..., str], *args: Any) -> tuple[str, str]:
    """`action(*args)` with the emitter as it is, and with ruamel's own scan and literal writer."""

    def attempt() -> str:
        try:
            return action(*args)
        except FormatError as exc:
            return f"FormatError: {exc}"

    fast = attempt()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(emitter_module, "_Emitter", _Stock)
        stock = attempt()
    return fast, stock


@examples(300)
@given(_data, st.sampled_from(["question", "bank", "topics"]), st.data())
def test_the_emitter_writes_what_ruamels_own_code_writes(data: dict[str, Any], kind: str, draw: Any) -> None:
    fast, stock = _both_ways(render, data, kind)
    assert fast == stock
    if not fast.startswith("FormatError"):
        edited = _edited(fast, draw)
        fast, stock = _both_ways(fmt._round_trip_format, edited, kind, None)
        assert fast == stock


def test_the_emitter_writes_what_ruamels_own_code_writes_on_the_bank() -> None:
    for text, kind in TEXTS:
        messy = text.replace(": |\n", ": |+\n", 1).replace("\n  ", "\n   ", 3)
        for version in (text, messy):
            fast, stock = _both_ways(fmt._round_trip_format, version, kind, None)
            assert fast == stock


# --- the command: workers give the serial run's answer --------------------------------------------------


def _mixed_bank(tmp_path: Path, name: str) -> Path:
    """A bank with canonical files, files to reformat, and files fmt refuses."""
    bank = tmp_path / name
    shutil.copytree(ROOT / "tests" / "fixtures" / "minibank", bank)
    folder = bank / "questions" / "screening"
    for i, source in enumerate(p for p in BANK_FILES if kind_of(p) == "question"):
        text = source.read_text(encoding="utf-8")
        if i % 3 == 1:
            text = text.replace("\ntitle:", "\ntitle:   ", 1).replace(": [", ":   [", 1)  # to reformat
        elif i % 7 == 2:
            text += "bad: [unclosed\n"  # refused
        (folder / f"x{i:03d}-{source.name}").write_text(text, encoding="utf-8")
    return bank


def _snapshot(bank: Path) -> dict[str, bytes]:
    return {str(p.relative_to(bank)): p.read_bytes() for p in sorted(bank.rglob("*")) if p.is_file()}


@pytest.fixture
def worker_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Records whether each run's files were formatted in worker processes."""
    runs: list[bool] = []
    real = fmt_command._in_workers

    def spy(*args: Any) -> Any:
        done = real(*args)
        runs.append(done is not None)
        return done

    monkeypatch.setattr(fmt_command, "_in_workers", spy)
    yield runs


@pytest.mark.parametrize(
    "mode", [FmtOptions(check=True), FmtOptions(diff=True), FmtOptions(), FmtOptions(check=True, cache=False)]
)
def test_workers_give_the_serial_output_files_and_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, worker_runs: list[bool], mode: FmtOptions
) -> None:
    results = {}
    for jobs in (1, 2):
        bank = _mixed_bank(tmp_path, f"bank{jobs}")
        cache = tmp_path / f"cache{jobs}"
        monkeypatch.setenv("MLBANK_CACHE_DIR", str(cache))
        monkeypatch.chdir(bank)
        code, out = run_fmt([bank], FmtOptions(mode.check, mode.diff, mode.cache, jobs=jobs))
        again = run_fmt([bank], FmtOptions(mode.check, mode.diff, mode.cache, jobs=jobs))
        stored = cache / f"fmt-v{fmt_cache.FORMAT}.json"
        digests = sorted(json.loads(stored.read_text())["canonical"]) if stored.exists() else []
        results[jobs] = (code, out, again, _snapshot(bank), digests)
    assert results[1] == results[2]
    code, out = results[1][:2]
    assert code == 1 and "not formatted: line" in out
    if mode.check:
        assert "would reformat bank.yaml" in out
    elif mode.diff:
        assert "--- bank.yaml\n+++ bank.yaml" in out
    else:
        assert "reformatted bank.yaml" in out and "0 files reformatted" in results[1][2][1]
    if sys.platform.startswith("linux"):
        assert True in worker_runs  # the two-job runs did use workers


def test_a_canonical_file_is_answered_without_the_round_trip(
    minibank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(minibank)
    assert run_fmt([], FmtOptions())[0] == 0  # writes three files
    q01 = minibank / "questions" / "screening" / "q01-log-loss.yaml"  # holds a comment: round trip
    seen: list[str] = []
    real = fmt._round_trip_format

    def spy(text: str, kind: str, header: str | None) -> str:
        seen.append(text)
        return real(text, kind, header)

    monkeypatch.setattr(fmt, "_round_trip_format", spy)
    assert run_fmt([], FmtOptions(check=True, cache=False)) == (
        0,
        "0 files would be reformatted, 4 files would be left unchanged",
    )
    assert seen == ([q01.read_text(encoding="utf-8")] if has_comment(q01.read_text()) else [])
