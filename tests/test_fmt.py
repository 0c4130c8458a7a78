"""`mlbank fmt`: canonical text, comments kept, data never changed (but for the repairs
`fmt.intended` names), files written atomically or not at all."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from cli_runner import invoke
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import (
    DoubleQuotedScalarString,
    FoldedScalarString,
    LiteralScalarString,
    SingleQuotedScalarString,
)

from mlbank import fmt_cache
from mlbank import formatter as fmt
from mlbank.formatter import FormatError, format_text, literal_ok, plain_ok, schema_header
from mlbank.formatter.compare import comments_in, difference
from mlbank.loader import parse_yaml

ROOT = Path(__file__).parent.parent
QF = "questions/quick-fire/qf01-bias.yaml"
Q = "questions/screening/q01-log-loss.yaml"


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    result = invoke(*args, cwd=cwd)
    return result.exit_code, result.output


def snapshot(bank: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(bank.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def fmt_cache_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own cache folder, outside the bank it formats (and outside the checkout)."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("MLBANK_CACHE_DIR", str(directory))
    return directory


# --- golden cases ---------------------------------------------------------------------------------

MESSY_QUESTION = """\
title: Log loss   # shown on the card
id: q01
section: screening
prompt: 'Which loss would you train a binary classifier with?'
answer: >
  Binary cross-entropy: it punishes
  confident mistakes.
topics:
  - loss-functions
rubric:
  no_hire: Says accuracy.
  strong_hire: |
    Formula, and why confident mistakes cost so much.
  lean_hire: "Names cross-entropy."
level: L4
extra: kept, after the known keys
worked:
  - expr: -log(0.01)
    says: '4.6'
    tolerance: 0.05
time_minutes: 2
see: [loss-functions, 'q02']
"""

CANONICAL_QUESTION = """\
# yaml-language-server: $schema=../../../schema/question.schema.json
id: q01
section: screening
title: Log loss   # shown on the card
level: "L4"
time_minutes: 2
topics: [loss-functions]
see: [loss-functions, q02]
prompt: |-
  Which loss would you train a binary classifier with?
answer: |
  Binary cross-entropy: it punishes confident mistakes.
rubric:
  strong_hire: |
    Formula, and why confident mistakes cost so much.
  lean_hire: |-
    Names cross-entropy.
  no_hire: |-
    Says accuracy.
worked:
  - says: "4.6"
    expr: -log(0.01)
    tolerance: "0.05"
extra: kept, after the known keys
"""

MESSY_BANK = """\
description: A small bank.
title: Mini bank
sections:
  - title: Screening
    id: screening
    id_prefix: q
    round: Phone screen
    depth: Definition, intuition and one example
    minutes_per_question: {max: 3, min: 2}
    questions_per_round: {min: 5, max: 8}
levels:
  - {name: Google L4, id: L4, company: google}
practice:
  plan:
    - title: Start
      day: 0
      tasks:
        - refs:
            - screening
            - q01..q02
          text: Answer everything.
  method:
    - Answer aloud.
"""

CANONICAL_BANK = """\
# yaml-language-server: $schema=../schema/bank.schema.json
title: Mini bank
description: |-
  A small bank.
sections:
  - id: screening
    title: Screening
    round: Phone screen
    questions_per_round: {min: 5, max: 8}
    minutes_per_question: {min: 2, max: 3}
    depth: Definition, intuition and one example
    id_prefix: q
levels:
  - {id: "L4", company: google, name: Google L4}
practice:
  method:
    - Answer aloud.
  plan:
    - day: 0
      title: Start
      tasks:
        - text: Answer everything.
          refs: [screening, q01..q02]
"""


def test_golden_question() -> None:
    header = "# yaml-language-server: $schema=../../../schema/question.schema.json"
    assert format_text(MESSY_QUESTION, "question", header) == CANONICAL_QUESTION
    assert format_text(CANONICAL_QUESTION, "question") == CANONICAL_QUESTION


def test_golden_bank() -> None:
    header = "# yaml-language-server: $schema=../schema/bank.schema.json"
    assert format_text(MESSY_BANK, "bank", header) == CANONICAL_BANK
    assert format_text(CANONICAL_BANK, "bank") == CANONICAL_BANK


def test_chomping_keeps_the_exact_string() -> None:
    text = 'id: q01\nprompt: "no newline"\nanswer: "two\\n\\n"\nrubric: {strong_hire: "a\\n  b\\n"}\n'
    out = format_text(text, "question")
    assert "prompt: |-\n  no newline\n" in out
    assert "answer: |+\n  two\n\n" in out
    assert parse_yaml(out)[0] == parse_yaml(text)[0]


def test_strings_that_would_change_type_are_double_quoted() -> None:
    text = "id: q01\nlabel: '4.60'\ntitle: 'yes'\nlevel: L4\nsee: ['100:1', '2024-01-01', 'null', ok]\n"
    out = format_text(text, "question")
    assert 'label: "4.60"\ntitle: "yes"\nlevel: "L4"\n' in out
    assert 'see: ["100:1", "2024-01-01", "null", ok]' in out


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("-log(0.01)", True),
        ("Definition, intuition and one example", True),
        ("a: b", False),
        ("a #b", False),
        ("4.60", False),
        ("yes", False),
        ("100:1", False),
        ("2024-01-01", False),
        ("- a", False),
        (" lead", False),
        ("'q'", False),
        ("", False),
    ],
)
def test_plain_only_when_every_loader_reads_it_back(text: str, plain: bool) -> None:
    assert plain_ok(text) is plain


def test_flow_context_is_stricter() -> None:
    assert plain_ok("a, b") and not plain_ok("a, b", flow=True)
    assert not plain_ok("4.60? x", flow=True)  # libyaml reads '?' in flow context as YAML 1.1 does


def test_literal_refuses_what_a_block_cannot_hold() -> None:
    assert literal_ok("two\nlines\n")
    assert literal_ok("trailing space \nnext") and literal_ok("a\ttab") and literal_ok("no-break\xa0space")
    assert not literal_ok("bell \x07")
    assert not literal_ok("line\u2028separator") and not literal_ok("byte-order\ufeffmark")
    assert not literal_ok("")


def test_long_plain_text_wraps_at_100_but_literal_text_never_does() -> None:
    words = " ".join(["word"] * 40)
    out = format_text(f"id: q01\nlabel: {words}\nprompt: |\n  {words}\n", "question")
    assert all(len(line) <= 100 and line == line.rstrip() for line in out.split("prompt:")[0].splitlines())
    assert f"  {words}\n" in out
    assert parse_yaml(out)[0]["label"] == words


# --- comments -------------------------------------------------------------------------------------

COMMENTED = """\
# leading comment
title: T
# about the id
id: q01
prompt: Plain prompt  # eol on a prose field
answer: |  # eol on the indicator
  Kept.

# before rubric
rubric:
  # top of rubric
  no_hire: |+
    keep

  # about strong_hire
  strong_hire: S
  lean_hire: L   # lean eol
topics:
  - a  # a comment
  - b
see: [x, z]  # see eol
worked:
  - expr: x
    says: "1"
# final comment
"""


def test_comments_survive_and_travel_with_their_key() -> None:
    out = format_text(COMMENTED, "question")
    for comment in (
        "# leading comment",
        "# about the id",
        "# eol on a prose field",
        "# eol on the indicator",
        "# before rubric",
        "# top of rubric",
        "# about strong_hire",
        "# lean eol",
        "# a comment",
        "# see eol",
        "# final comment",
    ):
        assert out.count(comment) == 1, comment
    assert out.startswith("# leading comment\n# about the id\nid: q01\ntitle: T\n")
    assert "  # about strong_hire\n  strong_hire: |-\n    S\n" in out
    assert out.rstrip().endswith("# final comment")
    assert "topics:\n  - a  # a comment\n  - b\n" in out  # a list with comments stays a block list
    assert format_text(out, "question") == out
    assert parse_yaml(out)[0] == parse_yaml(COMMENTED)[0]


def test_a_comment_ruamel_would_lose_refuses_the_file() -> None:
    with pytest.raises(FormatError, match="a comment on line 2 is inside a"):
        format_text("id: q01\nsee: [a,  # why b\n  b]\n", "question")
    with pytest.raises(FormatError, match="would drop the comment '# why b'"):
        format_text("id: q01\nwhere: {a: 1,  # why b\n  b: 2}\n", "question")


def test_header_line_moves_first_and_is_kept_as_written() -> None:
    text = "# a note\n# yaml-language-server: $schema=https://example.org/q.json\nid: q01\n"
    out = format_text(text, "question", "# yaml-language-server: $schema=../other.json")
    assert out == "# yaml-language-server: $schema=https://example.org/q.json\n# a note\nid: q01\n"


def test_schema_header_paths(minibank: Path) -> None:
    # No pyproject.toml above tmp_path: the schema folder sits next to the bank folder.
    assert schema_header(minibank / QF, "question").endswith("=../../../schema/question.schema.json")
    assert schema_header(minibank / "bank.yaml", "bank").endswith("=../schema/bank.schema.json")
    assert schema_header(minibank / "topics.yaml", "topics").endswith("=../schema/topics.schema.json")
    real = ROOT / "bank/questions/screening/q02-loss-for-binary-classification.yaml"
    assert real.read_text().splitlines()[0] == schema_header(real, "question")


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("id: q01\ntitle: [unclosed\n", "syntax"),
        ("id: !!python/object:os.system q01\n", "tag"),
        ("id: &a q01\ntitle: *a\n", "anchor"),
        ("id: q01\nid: q02\n", "duplicate key"),
        ("- a list\n", "mapping"),
        ("", "no YAML document"),
    ],
)
def test_unsafe_or_broken_files_are_refused(text: str, reason: str) -> None:
    with pytest.raises(FormatError, match=reason):
        format_text(text, "question")


def test_refused_file_is_reported_and_untouched(minibank: Path) -> None:
    broken = minibank / QF
    broken.write_text("id: qf01\ntitle: [unclosed\n")
    before = snapshot(minibank)[broken]
    code, out = run("fmt", cwd=minibank)
    assert code == 1
    assert f"{QF}: not formatted: line 2: YAML syntax error" in out  # at the unclosed [
    assert "2 files reformatted, 1 file left unchanged, 1 file not formatted" in out
    assert broken.read_bytes() == before


def test_result_that_would_change_the_data_is_never_written(
    minibank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def lossy(tree: Any, kind: str, header: str | None) -> str:
        return "id: something else\n"

    monkeypatch.setattr(fmt, "_render", lossy)
    before = snapshot(minibank)
    code, out = run("fmt", QF, cwd=minibank)
    assert code == 1 and f"{QF}: not formatted: formatting would change the data" in out
    assert snapshot(minibank) == before


# --- the command ----------------------------------------------------------------------------------


def test_check_reports_and_writes_nothing(minibank: Path) -> None:
    before = snapshot(minibank)
    code, out = run("fmt", "--check", cwd=minibank.parent)  # default bank: ./bank
    assert code == 1
    assert "would reformat bank/bank.yaml\nwould reformat bank/topics.yaml\n" in out
    assert f"would reformat bank/{QF}" in out
    assert "3 files would be reformatted, 1 file would be left unchanged" in out
    assert snapshot(minibank) == before


def test_diff_prints_a_unified_diff_and_writes_nothing(minibank: Path) -> None:
    before = snapshot(minibank)
    code, out = run("fmt", "--diff", QF, cwd=minibank)
    assert code == 1
    assert out.startswith(f"--- {QF}\n+++ {QF}\n@@ -1,3 +1,4 @@\n")
    assert "+# yaml-language-server: $schema=../../../schema/question.schema.json\n id: qf01\n" in out
    assert snapshot(minibank) == before


def test_default_rewrites_then_is_a_no_op(minibank: Path) -> None:
    code, out = run("fmt", cwd=minibank)
    assert code == 0
    assert out.splitlines() == [
        "reformatted bank.yaml",
        "reformatted topics.yaml",
        f"reformatted {QF}",
        "3 files reformatted, 1 file left unchanged",
    ]
    after = snapshot(minibank)
    code, out = run("fmt", "--check", str(minibank))
    assert code == 0 and out.strip() == "0 files would be reformatted, 4 files would be left unchanged"
    assert snapshot(minibank) == after
    code, out = run("lint", "--no-cache", str(minibank))
    assert code == 0, out


def test_folder_inside_a_bank_formats_only_its_files(minibank: Path) -> None:
    code, out = run("fmt", "--check", "questions/quick-fire", cwd=minibank)
    assert code == 1 and out.splitlines() == [
        f"would reformat {QF}",
        "1 file would be reformatted, 0 files would be left unchanged",
    ]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    code, _ = run("fmt", str(tmp_path / "nowhere"))
    assert code == 2


def test_failed_write_leaves_the_original(minibank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import mlbank.atomic

    def crash(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(mlbank.atomic.os, "replace", crash)
    before = snapshot(minibank)
    code, out = run("fmt", QF, cwd=minibank)
    assert code == 1 and f"{QF}: not formatted: cannot write the file: No space left on device" in out
    assert snapshot(minibank) == before  # no change and no temporary file left behind


def test_the_project_bank_is_formatted() -> None:
    from mlbank.commands.fmt import FmtOptions, run_fmt

    code, out = run_fmt([ROOT / "bank"], FmtOptions(check=True))
    assert code == 0, out


# --- the cache of canonical contents --------------------------------------------------------------


def cached(directory: Path) -> list[str]:
    entry = json.loads((directory / f"fmt-v{fmt_cache.FORMAT}.json").read_text())
    assert isinstance(entry["canonical"], list)
    return list(entry["canonical"])


def no_round_trip(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any) -> str:
        raise AssertionError("a file known canonical went through the round trip")

    monkeypatch.setattr(fmt, "format_text", fail)


def test_a_second_check_of_an_unchanged_bank_does_no_round_trip(
    minibank: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("fmt", cwd=minibank)[0] == 0  # writes three files, remembers all four
    assert run("fmt", "--check", cwd=minibank)[0] == 0
    no_round_trip(monkeypatch)
    assert run("fmt", "--check", cwd=minibank) == (
        0,
        "0 files would be reformatted, 4 files would be left unchanged\n",
    )
    assert run("fmt", "--diff", cwd=minibank) == (0, "")
    assert run("fmt", cwd=minibank) == (0, "0 files reformatted, 4 files left unchanged\n")


def test_a_check_of_an_unchanged_bank_never_imports_ruamel(minibank: Path, fmt_cache_dir: Path) -> None:
    script = (
        "import sys\n"
        "from mlbank.cli import main\n"
        "try:\n"
        "    main(['fmt', '--check', sys.argv[1]])\n"
        "except SystemExit as exc:\n"
        "    print('exit', exc.code, sorted(m for m in sys.modules if m.startswith('ruamel')))\n"
    )
    env = {**os.environ, "MLBANK_CACHE_DIR": str(fmt_cache_dir)}

    def check() -> str:
        done = subprocess.run(
            [sys.executable, "-c", script, str(minibank)], capture_output=True, text=True, env=env, check=True
        )
        return done.stdout.splitlines()[-1]

    run("fmt", cwd=minibank)
    assert check() == "exit 0 []"
    (minibank / QF).write_text((minibank / QF).read_text().replace("id: qf01", "id:   qf01"))
    assert check().startswith("exit 1 ['ruamel'")  # a miss formats, and loads ruamel to do it


def test_an_edit_is_caught_though_the_old_content_was_cached(minibank: Path) -> None:
    assert run("fmt", cwd=minibank)[0] == 0
    assert run("fmt", "--check", cwd=minibank)[0] == 0
    path = minibank / Q
    st = path.stat()
    text = path.read_text()
    edited = text.replace('says: "4.6"', "says: '4.6'")  # same data, same size, not canonical
    assert edited != text and len(edited) == len(text)
    path.write_text(edited)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the bytes differ
    code, out = run("fmt", "--check", cwd=minibank)
    assert code == 1 and f"would reformat {Q}" in out


def test_files_that_fail_the_check_are_not_remembered(minibank: Path, fmt_cache_dir: Path) -> None:
    broken = minibank / "questions/screening/q09-broken.yaml"
    broken.write_text("id: q09\ntitle: [unclosed\n")
    code, out = run("fmt", "--check", cwd=minibank)
    assert code == 1 and "3 files would be reformatted, 1 file would be left unchanged, 1 file not" in out
    # Only the one canonical file: not the three that need changes, nor the one that cannot be read.
    assert cached(fmt_cache_dir) == [fmt_cache.digest("question", (minibank / Q).read_bytes())]
    code, again = run("fmt", "--check", cwd=minibank)
    assert (code, again) == (1, out)


def test_a_file_given_a_bom_is_not_a_hit(minibank: Path) -> None:
    assert run("fmt", cwd=minibank)[0] == 0
    path = minibank / Q
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    code, out = run("fmt", "--check", cwd=minibank)
    assert code == 1 and f"would reformat {Q}" in out
    assert run("fmt", cwd=minibank)[0] == 0
    assert run("fmt", "--check", cwd=minibank)[0] == 0


@pytest.mark.parametrize(
    "damage",
    [
        b"",
        b"\x00\xff not json",
        b'{"format": 1',
        b"[]",
        b"[" * 100_000,
        b'{"format": 1, "version": "0.1.0", "stamp": "x", "canonical": []}',
        "canonical-not-a-list",
        "a-digest-not-hex",
        "a-digest-too-short",
        "a-digest-not-a-string",
        "another-mlbank",
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rewritten(
    minibank: Path, fmt_cache_dir: Path, monkeypatch: pytest.MonkeyPatch, damage: bytes | str
) -> None:
    run("fmt", cwd=minibank)
    run("fmt", "--check", cwd=minibank)
    good = cached(fmt_cache_dir)
    cache_file = fmt_cache_dir / f"fmt-v{fmt_cache.FORMAT}.json"
    if isinstance(damage, bytes):
        cache_file.write_bytes(damage)
    else:
        entry = json.loads(cache_file.read_text())
        if damage == "canonical-not-a-list":
            entry["canonical"] = "".join(good)
        elif damage == "another-mlbank":
            entry["version"] = "0.0.1"
        else:
            bad: Any = {"a-digest-not-hex": "g" * 64, "a-digest-too-short": "a" * 63}.get(damage, 64)
            entry["canonical"] = [*good, bad]
        cache_file.write_text(json.dumps(entry))
    calls: list[str] = []
    real = fmt.format_text

    def counted(text: str, kind: str, header: str | None = None) -> str:
        calls.append(kind)
        return real(text, kind, header)

    monkeypatch.setattr(fmt, "format_text", counted)
    code, out = run("fmt", "--check", cwd=minibank)
    assert code == 0 and "4 files would be left unchanged" in out
    assert len(calls) == 4  # nothing trusted
    assert sorted(cached(fmt_cache_dir)) == sorted(good)  # and the entry is whole again


def test_a_cache_of_other_code_is_not_trusted(minibank: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    run("fmt", cwd=minibank)
    run("fmt", "--check", cwd=minibank)
    monkeypatch.setattr(fmt_cache, "code_fingerprint", lambda: "an edited checkout")
    no_round_trip(monkeypatch)
    with pytest.raises(AssertionError, match="went through the round trip"):
        run("fmt", "--check", cwd=minibank)


def test_no_cache_formats_every_file_and_remembers_nothing(
    minibank: Path, fmt_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run("fmt", "--no-cache", cwd=minibank)[0] == 0
    assert run("fmt", "--check", "--no-cache", cwd=minibank)[0] == 0
    assert list(fmt_cache_dir.iterdir()) == []
    run("fmt", "--check", cwd=minibank)
    assert len(cached(fmt_cache_dir)) == 4
    no_round_trip(monkeypatch)
    with pytest.raises(AssertionError, match="went through the round trip"):
        run("fmt", "--check", "--no-cache", cwd=minibank)


def test_digests_depend_on_the_kind() -> None:
    assert fmt_cache.digest("bank", b"id: x\n") != fmt_cache.digest("question", b"id: x\n")


def test_concurrent_runs_merge_and_the_set_stays_bounded(
    fmt_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = fmt_cache.FmtCache(fmt_cache_dir), fmt_cache.FmtCache(fmt_cache_dir)
    first.add("question", b"a")
    second.add("question", b"b")
    first.save()
    second.save()  # does not drop what the first run wrote meanwhile
    assert fmt_cache.FmtCache(fmt_cache_dir).known == {
        fmt_cache.digest("question", b"a"),
        fmt_cache.digest("question", b"b"),
    }
    monkeypatch.setattr(fmt_cache, "LIMIT", 1)
    third = fmt_cache.FmtCache(fmt_cache_dir)
    assert third.hit("question", b"a")
    third.add("question", b"c")
    third.save()  # keeps what this run saw, and the most recent others up to LIMIT
    assert cached(fmt_cache_dir) == [fmt_cache.digest("question", x) for x in (b"b", b"a", b"c")]


# --- properties: lossless and idempotent on anything YAML-shaped -----------------------------------

TRICKY = [
    *("4.60", "4.6", "yes", "no", "on", "Off", "y", "100:1", "1:30", "0x1F", "0o17", "012", "1_000", "1e3"),
    *(".inf", "~", "null", "true", "False", "2024-01-01", "=", "<<", "-", "- a", "-a", "? x", ": x", "#x"),
    *("a #b", "a#b", "a: b", "a:", "a:b", "[x]", "{x}", "x, y", "'q'", '"q"', "it's", "*a", "&a", "!t"),
    *("%x", "@x", "`x", "|", ">", "---", "...", "", " ", "  lead", "trail  ", "line\n", "a\nb", "\nlead"),
    *("a\n\n", "\n", "a \nb", "\ta", "a\tb\n", "√x ∑ é", "emoji 😀", "x\u2028y", "\ufeffx", "\x07", "\r\n"),
    *("$x$", "\\$50", "  - item\n  - two\n", "# not a comment\n", "key: value\n", "  indented\nfirst\n"),
    *("first\n  indented\n", "x\n  \ny", "\u00a0nbsp", "zero\u200bwidth", "a\\nb", "TODO: write it\n"),
]
KEYS = [
    *("id", "section", "label", "title", "level", "time_minutes", "topics", "see", "companies", "prompt"),
    *("answer", "rubric", "worked", "strong_hire", "lean_hire", "no_hire", "says", "expr", "where"),
    *("tolerance", "company", "expects", "description", "summary", "refs", "zzz"),
]
_chars = st.characters(codec="utf-8", exclude_categories=("Cs",))
_pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.text(_chars, max_size=10),
    st.text(st.sampled_from(" \n\t#:-'\"ab1.,[]{}|>"), max_size=10),
)
_strings = st.lists(_pieces, max_size=4).map("".join)
_scalars = st.one_of(_strings, _strings, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
_keys = st.one_of(st.sampled_from(KEYS), st.text(st.sampled_from("abc_ -#1."), min_size=1, max_size=6))
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=4)),
    max_leaves=8,
)
_STYLES = [str, SingleQuotedScalarString, DoubleQuotedScalarString, LiteralScalarString, FoldedScalarString]


def _styled(value: Any, draw: Any) -> Any:
    """The data as ruamel objects, each string and collection in a style drawn at random."""
    if isinstance(value, (dict, list)):
        node: Any = (
            CommentedMap((k, _styled(v, draw)) for k, v in value.items())
            if isinstance(value, dict)
            else CommentedSeq(_styled(v, draw) for v in value)
        )
        if draw(st.booleans()):
            node.fa.set_flow_style()
        return node
    if isinstance(value, str):
        return draw(st.sampled_from(_STYLES))(value)
    return value


@st.composite
def yaml_files(draw: Any) -> str:
    """Question-like mappings written by ruamel with drawn widths, indents and scalar styles."""
    data = draw(st.dictionaries(_keys, _values, min_size=1, max_size=6))
    yaml = YAML(typ="rt")
    yaml.width = draw(st.sampled_from([20, 60, 4096]))
    mapping, sequence = draw(st.sampled_from([(2, 2), (2, 4), (4, 4)]))
    yaml.indent(mapping=mapping, sequence=sequence, offset=sequence - 2)
    out = io.StringIO()
    try:
        yaml.dump(_styled(data, draw), out)
    except Exception:  # ruamel cannot write some strings in the style drawn for them
        assume(False)
    return out.getvalue()


def _loaders_agree(text: str, data: Any) -> bool:
    """Whether ruamel's own parser reads `text` as libyaml (our loader) does. Where they disagree
    (rare line-break characters, for one) fmt must refuse: it cannot keep both readings."""
    try:
        return difference(YAML(typ="safe", pure=True).load(text), data, ()) is None
    except Exception:
        return False


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(yaml_files(), st.sampled_from(["question", "bank", "topics"]))
def test_fmt_is_lossless_and_idempotent(text: str, kind: str) -> None:
    data, source_nodes, problems = parse_yaml(text)
    assume(not problems and isinstance(data, dict))
    try:
        once = format_text(text, kind)
    except FormatError as exc:
        # Refusing is right where the two parsers read this text differently, and where a block holds
        # a character a block cannot be written with (fmt never turns a block into a quoted scalar).
        if _loaders_agree(text, data) and "which a | block cannot hold" not in str(exc):
            raise
        assume(False)
    assert format_text(once, kind) == once
    again, nodes, problems = parse_yaml(once)
    assert not problems
    expected = fmt.intended(data, source_nodes, kind)  # less trailing whitespace; numbers in text quoted
    assert difference(expected, again, ()) is None  # (format_text also checked ruamel's safe loader)
    assert {n.style for n in nodes.values()} <= {None, "", '"', "|"}  # never single quotes or folds


@st.composite
def commented_files(draw: Any) -> str:
    """The same files with whole-line and end-of-line comments dropped in at random lines."""
    lines = draw(yaml_files()).split("\n")
    for n in range(draw(st.integers(1, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        if draw(st.booleans()):
            lines.insert(i, " " * draw(st.integers(0, 6)) + f"# full {n}")
        elif lines[i].strip():
            lines[i] += f"  # eol {n}"
    return "\n".join(lines)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(commented_files(), st.sampled_from(["question", "bank", "topics"]))
def test_fmt_keeps_comments_or_refuses(text: str, kind: str) -> None:
    data, source_nodes, problems = parse_yaml(text)  # a comment may have landed inside a scalar: still valid
    assume(not problems and isinstance(data, dict))
    try:
        once = format_text(text, kind)
    except FormatError:  # e.g. a comment inside [...], which ruamel cannot keep: refused, not lost
        assume(False)
    assert format_text(once, kind) == once
    assert difference(fmt.intended(data, source_nodes, kind), parse_yaml(once)[0], ()) is None
    assert not Counter(comments_in(text)) - Counter(comments_in(once))


@pytest.mark.parametrize(
    ("text", "where"),
    [
        # a block mapping at a path fmt writes as {...}, holding a | block (was StopIteration)
        (
            "id: q01\nworked:\n  - expr: x\n    domain:\n      eps: |\n        a\n        b\n",
            "worked[0].domain.eps",
        ),
        # a block sequence at a path fmt writes as [...], holding a | block
        ("id: q01\ntopics:\n  - |\n    two\n    lines\n", "topics[0]"),
    ],
)
def test_a_block_where_fmt_writes_a_flow_collection_is_refused_clearly(text: str, where: str) -> None:
    expected = f"{where} is a | block inside a collection that fmt writes in flow style"
    with pytest.raises(FormatError, match=re.escape(expected)):
        format_text(text, "question")


def test_a_block_in_a_flow_path_is_reported_and_left_untouched(minibank: Path) -> None:
    target = minibank / "questions/screening/q02-flow.yaml"
    target.write_text("id: q02\nworked:\n  - expr: x\n    domain:\n      eps: |\n        a\n        b\n")
    before = target.read_bytes()
    code, out = run("fmt", str(target), cwd=minibank)
    assert code == 1 and "internal error" not in out
    assert "not formatted: worked[0].domain.eps is a | block" in out
    assert target.read_bytes() == before
