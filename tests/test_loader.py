"""The loader refuses every unsafe or malformed input with a positioned problem, and keeps positions."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlbank.finding import Position
from mlbank.loader import Problem, load_document, parse_yaml, read_text


def kinds(text: str) -> list[Problem]:
    return [p.kind for p in parse_yaml(text)[2]]


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("a: [1, 2\n", Problem.SYNTAX),
        ("a: !!python/object/apply:os.system ['true']\n", Problem.TAG),
        ("a: !!binary aGVsbG8=\n", Problem.TAG),
        ("a: &x 1\n", Problem.ALIAS),
        ("a: *x\n", Problem.ALIAS),
        ("a: " + "[" * 5000 + "]" * 5000 + "\n", Problem.DEPTH),
        ("a: 1\na: 2\n", Problem.DUPLICATE_KEY),
        ("", Problem.EMPTY),
        ("# only a comment\n", Problem.EMPTY),
        ("a: 1\n---\nb: 2\n", Problem.MULTI_DOCUMENT),
        ("? [a, b]\n: c\n", Problem.SYNTAX),
    ],
)
def test_refusals(text: str, kind: Problem) -> None:
    assert kind in kinds(text)


def test_python_tag_is_never_constructed(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    data, _, problems = parse_yaml(f"a: !!python/object/apply:os.system ['touch {marker}']\n")
    assert data is None and problems[0].kind is Problem.TAG
    assert not marker.exists()


def test_alias_bomb_is_refused_fast() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    data, _, problems = parse_yaml(bomb)
    assert data is None and problems[0].kind is Problem.ALIAS


def test_core_schema_keeps_strings_strings() -> None:
    data, nodes, _ = parse_yaml("a: 100:1\nb: yes\nc: 4.60\nd: '4.60'\ne: 0x10\nf: ~\n")
    assert data == {"a": "100:1", "b": "yes", "c": 4.6, "d": "4.60", "e": 16, "f": None}
    assert nodes[("c",)].raw == "4.60" and nodes[("c",)].style == ""


def test_positions_of_keys_items_and_block_text() -> None:
    text = "top:\n  - x\n  - y: 1\nbody: |\n  line one\n  has $ here\n"
    data, nodes, _ = parse_yaml(text)
    assert nodes[("top", 1, "y")].key == Position(3, 5)
    assert nodes[("top", 1, "y")].value == Position(3, 8)
    from mlbank.loader import Document

    doc = Document(Path("f.yaml"), "f.yaml", text, data, nodes)
    offset = data["body"].index("$")
    assert doc.text_position(("body",), offset) == Position(6, 7)
    assert doc.position(("top", 1, "missing")) == Position(3, 5)


def test_read_text_refuses_binary_large_and_latin1(tmp_path: Path) -> None:
    cases = {
        b"a: \x00\n": Problem.ENCODING,
        b"a: caf\xe9\n": Problem.ENCODING,
        b"a" * 1_000_001: Problem.TOO_LARGE,
    }
    for i, (blob, kind) in enumerate(cases.items()):
        path = tmp_path / f"{i}.yaml"
        path.write_bytes(blob)
        text, problem = read_text(path)
        assert text is None and problem is not None and problem.kind is kind


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "q.yaml"
    path.write_bytes("\ufeffa: 1\r\nb: caf\u00e9\r\n".encode())
    doc = load_document(path, "q.yaml", None)
    assert doc.data == {"a": 1, "b": "caf\u00e9"} and not doc.problems


def test_unreadable_path_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    doc = load_document(tmp_path / "missing.yaml", "missing.yaml", None)
    assert doc.data is None and doc.problems[0].kind is Problem.ENCODING
