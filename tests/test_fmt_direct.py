"""mlbank.formatter.direct writes exactly ruamel's canonical text wherever it answers: on generated
documents (every scalar style, unicode, long lines, empty strings, key order, nested lists), on
every file of the project's bank and of a 1,000-question synthetic bank; and it answers for most
real files, which is what makes `mlbank fmt --check` fast."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlbank.formatter import FormatError, direct, is_canonical, render
from mlbank.formatter.layout import split_header
from mlbank.loader import parse_yaml

ROOT = Path(__file__).resolve().parent.parent
HEADER = "# yaml-language-server: $schema=../../../schema/question.schema.json"

# --- generated documents ------------------------------------------------------------------------

_ODD = ["é", "ß", "∑", "日", "😀", "\t", "\u00a0", "\u2028", "\x85", "\ufeff", "\x07"]
_CHARS = st.sampled_from([*"abcxyz019 -_.:#,'\"\\[]{}?!|>&*%@`=$()/", *_ODD])
_SPECIAL = st.sampled_from(
    ["", " ", "yes", "no", "on", "n", "null", "~", "true", "1.0", "0x1f", "74234e98", "2026-12-06",
     "- a", "-x", "a: b", "a #b", "#c", "key:", "...", "---", "[a]", "@x", "café", "x" * 99]
)  # fmt: skip
_WORD = st.text(st.sampled_from(list("abcdefghij-_0123456789")), min_size=1, max_size=14)
_SENTENCE = st.lists(_WORD, min_size=1, max_size=30).map(" ".join)
_LINE = st.one_of(st.text(_CHARS, max_size=40), _SENTENCE, _SENTENCE.map(lambda s: "quoted: " + s), _SPECIAL)
_TEXT = st.one_of(
    _LINE,
    st.lists(st.one_of(_LINE, st.just("")), min_size=1, max_size=5).map("\n".join),
    st.lists(_SENTENCE, min_size=1, max_size=4).map(lambda lines: "\n".join(lines) + "\n"),
    st.lists(_SENTENCE, min_size=1, max_size=3).map(lambda lines: "\n".join(lines) + "\n\n"),
    st.lists(_SENTENCE, min_size=1, max_size=3).map(lambda lines: "  " + "\n".join(lines)),
)
_NUMBER = st.one_of(
    st.integers(-(10**20), 10**20), st.floats(allow_nan=False, allow_infinity=False), st.booleans()
)
_SCALAR = st.one_of(_TEXT, _TEXT, _NUMBER, st.none())
_KEY = st.one_of(_WORD, st.sampled_from(["a b", "y", "on", "1", "x:y", "é"]))


def _nested(leaf: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(
        leaf,
        lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_KEY, inner, max_size=4)),
        max_leaves=8,
    )


def _in_order(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Some of `fields` in their given (canonical) order, now and then one more at the end."""
    names = list(fields)
    chosen = st.lists(st.sampled_from(names), unique=True, min_size=1).map(
        lambda picked: [n for n in names if n in picked]
    )
    return chosen.flatmap(
        lambda keys: st.fixed_dictionaries({k: fields[k] for k in keys}).flatmap(
            lambda d: st.one_of(
                st.just(d),
                st.builds(lambda extra: {**d, **extra}, st.dictionaries(_KEY, _SCALAR, max_size=1)),
            )
        )
    )


_WORDS = st.lists(st.one_of(_WORD, _SPECIAL, _WORD), max_size=20)
QUESTION = _in_order(
    {
        "id": _WORD,
        "section": _SCALAR,
        "label": _SCALAR,
        "title": _TEXT,
        "level": _SCALAR,
        "time_minutes": _NUMBER,
        "topics": _WORDS,
        "see": st.one_of(_WORDS, st.lists(_TEXT, max_size=3)),
        "companies": st.lists(_in_order({"company": _WORD, "level": _SCALAR, "expects": _TEXT}), max_size=3),
        "prompt": _TEXT,
        "answer": _TEXT,
        "rubric": _in_order({"strong_hire": _TEXT, "lean_hire": _TEXT, "no_hire": _TEXT}),
        "worked": st.lists(
            _in_order(
                {
                    "says": _SCALAR,
                    "expr": _TEXT,
                    "where": st.dictionaries(_KEY, st.one_of(_NUMBER, _WORD), max_size=4),
                    "domain": st.dictionaries(_KEY, st.one_of(_LINE, _WORD), max_size=4),
                    "tolerance": _SCALAR,
                }
            ),
            max_size=3,
        ),
        "settings": st.lists(_SCALAR, max_size=3),
        "review": st.lists(
            _in_order(
                {
                    "by": _WORD,
                    "on": _SCALAR,
                    "digest": _WORD,
                    "fields": st.dictionaries(_WORD, st.one_of(_WORD, _WORD, _SPECIAL), max_size=20),
                    "note": _TEXT,
                }
            ),
            max_size=2,
        ),
        "extra": _nested(_SCALAR),
    }
)


def ruamel_text(data: dict[str, Any], kind: str, header: str | None) -> str | None:
    try:
        return render(data, kind, header)
    except FormatError:
        return None


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(QUESTION)
def test_generated_documents_render_as_ruamel_renders_them(data: dict[str, Any]) -> None:
    ours = direct.render(data, "question", HEADER)
    if ours is not None:
        assert ours == ruamel_text(data, "question", HEADER)


@pytest.mark.parametrize(
    "data",
    [
        {"id": "q1", "title": "x", "prompt": "keep\n"},  # answered
        {"title": "x", "id": "q1"},  # out of order: the walk would reorder them
        {"id": "q1", "answer": "ends open\n\n"},  # `|+`
        {"id": "q1", "answer": "  indented first line"},  # `|2-`
        {"id": "q1", "level": None},
        {"id": "q1", "time_minutes": 1e30},
        {"id": "q1", "title": "plain words " * 10 + "end"},  # folded plain text
        {"id": "q1", "see": [["nested"]]},
        {"id": "q1", "title": 'say: "hi"'},  # quoted, with escapes
    ],
)
def test_what_it_declines_and_what_it_answers(data: dict[str, Any]) -> None:
    ours = direct.render(data, "question", None)
    if data == {"id": "q1", "title": "x", "prompt": "keep\n"}:
        assert ours == "id: q1\ntitle: x\nprompt: |\n  keep\n" == render(data, "question")
    else:
        assert ours is None


def test_folds_and_wraps_are_ruamels() -> None:
    long_note = "first review: fixed; second review: fixed again; third review: fixed; fourth review: ok"
    data = {
        "id": "q1",
        "title": "a: " + "word " * 40 + "end",
        "topics": [f"topic-number-{i}" for i in range(14)],
        "review": [{"by": "x", "fields": {f"f{i}": f"{i:08x}" for i in range(20)}, "note": long_note * 3}],
    }
    ours = direct.render(data, "question", HEADER)
    assert ours is not None and ours.count("\\\n") >= 3 and ours.count(",\n") >= 2
    assert ours == render(data, "question", HEADER)


@pytest.mark.parametrize("length", range(85, 125))
def test_every_length_around_the_width(length: int) -> None:
    """Each way a line meets the width, at every length from well within to well past it: a
    quoted scalar folding, a flow mapping and a flow sequence wrapping, a plain line (declined when
    too long), scalars with spaces in flow collections, at the top level and in sequence items."""
    words = [f"w{i:02d}" + "x" * (i % 5) for i in range(60)]
    shift = "y" * (length % 11)  # moves every space, so that each column meets the width
    sentence = ("note: " + shift + " " + " ".join(words))[: 2 * length].rstrip(" :")
    entries = {w: f"{i:08x}" for i, w in enumerate(words[: length // 9])}
    data: dict[str, Any] = {
        "id": "q1",
        "label": "short",
        "title": sentence,
        "topics": words[: length // 7],
        "see": [sentence[: length - 6].replace(" ", "-").rstrip("-")],
        "review": [{"by": "x", "fields": entries, "note": sentence}],
    }
    assert direct.render(data, "question", HEADER) == render(data, "question", HEADER)
    spaced = {shift + w: "[0, 1]" if i % 2 else "a b c" for i, w in enumerate(words[:16])}
    variants = [
        {**data, "label": sentence.replace(":", "")},  # plain, past the width: declined
        {**data, "see": [*data["see"], sentence[:length], "a b"]},
        {**data, "worked": [{"expr": "x", "domain": spaced}]},
    ]
    for variant in variants:
        ours = direct.render(variant, "question", HEADER)
        if ours is not None:
            assert ours == render(variant, "question", HEADER)


def test_spaced_scalars_in_a_flow_mapping_at_every_column() -> None:
    """`{k...: "[0, 1]", b...: "[0, 1]", c: a b c}` with the keys' lengths moving each value over
    the columns around the width, where ruamel folds a quoted scalar at its inner space."""
    answered = 0
    for first in range(30, 60):
        for second in range(1, 12):
            domain = {"k" * first: "[0, 1]", "b" * second: "[0, 1]", "c": "a b c"}
            data = {"id": "q1", "worked": [{"expr": "x", "domain": domain}]}
            ours = direct.render(data, "question")
            if ours is not None:
                answered += 1
                assert ours == render(data, "question"), (first, second)
    assert answered > 200


# --- real files ---------------------------------------------------------------------------------


def _kind(path: Path) -> str:
    return {"bank.yaml": "bank", "topics.yaml": "topics"}.get(path.name, "question")


def _files(root: Path) -> list[Path]:
    return [root / "bank.yaml", root / "topics.yaml", *sorted((root / "questions").rglob("*.yaml"))]


def _answered(files: list[Path]) -> int:
    answered = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        data, _, problems = parse_yaml(text)
        assert not problems and isinstance(data, dict), path
        header, _ = split_header(text)
        ours = direct.render(data, _kind(path), header)
        if ours is not None:
            answered += 1
            assert ours == ruamel_text(data, _kind(path), header), path
            assert is_canonical(text, _kind(path)) == (ours == text), path
    return answered


def test_every_file_of_the_project_bank() -> None:
    files = _files(ROOT / "bank")
    assert _answered(files) >= 0.9 * len(files)


def test_every_file_of_a_synthetic_bank_of_1000_questions(synthetic_bank: Path) -> None:
    files = _files(synthetic_bank)
    assert _answered(files) >= 0.9 * len(files)
