"""Fuzzing: arbitrary bytes, arbitrary YAML and mangled question files never make the loader or the
linter raise, and every finding they produce points at a real place."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from mlbank.bank import load_bank
from mlbank.lint import lint_bank
from mlbank.loader import parse_yaml

MINIBANK = Path(__file__).parent.parent / "fixtures" / "minibank"
QUESTION = (MINIBANK / "questions/screening/q01-log-loss.yaml").read_text()
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

scalars = st.one_of(st.text(max_size=40), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.dictionaries(st.text(max_size=12), inner, max_size=5)
    ),
    max_leaves=30,
)


def dump(data: Any) -> str:
    out = io.StringIO()
    YAML(typ="safe", pure=True).dump(data, out)
    return out.getvalue()


@pytest.fixture(scope="module")
def claims_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-claims")  # the mini bank's claim: computed once


def lint_text(tmp: Path, blob: bytes, claims_cache: Path) -> None:
    bank = tmp / "bank"
    if bank.exists():
        shutil.rmtree(bank)
    shutil.copytree(MINIBANK, bank)
    (bank / "questions/screening/q02-fuzz.yaml").write_bytes(blob)
    findings = lint_bank(load_bank(bank, cwd=tmp), cache_dir=claims_cache)
    lines = {p.relative_to(tmp).as_posix(): p.read_bytes().count(b"\n") + 1 for p in bank.rglob("*.yaml")}
    for f in findings:
        assert f.line >= 1 and f.column >= 1 and f.code.startswith("MB") and f.message, f
        assert f.line <= lines.get(f.path, 1) + 1, f


@FUZZ
@given(blob=st.binary(max_size=400))
def test_arbitrary_bytes(blob: bytes, tmp_path: Path, claims_cache: Path) -> None:
    parse_yaml(blob.decode("utf-8", errors="replace"))
    lint_text(tmp_path, blob, claims_cache)


@FUZZ
@given(data=documents)
def test_arbitrary_yaml_documents(data: Any, tmp_path: Path, claims_cache: Path) -> None:
    text = dump(data)
    parse_yaml(text)
    lint_text(tmp_path, text.encode(), claims_cache)


@FUZZ
@given(
    cuts=st.lists(
        st.tuples(st.integers(0, len(QUESTION)), st.integers(0, 8), st.text(max_size=4)), max_size=4
    )
)
def test_mangled_question_files(cuts: list[tuple[int, int, str]], tmp_path: Path, claims_cache: Path) -> None:
    text = QUESTION.replace("id: q01", "id: q02")
    for at, length, insert in cuts:
        text = text[:at] + insert + text[at + length :]
    lint_text(tmp_path, text.encode("utf-8", errors="replace"), claims_cache)
