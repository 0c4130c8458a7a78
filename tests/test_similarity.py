"""similar_pairs() against brute force: exactly the same pairs, however the counting filter collides."""

from __future__ import annotations

import os
import subprocess
import sys
from array import array
from itertools import combinations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlbank import similarity
from mlbank.similarity import Pair, fingerprint, similar_pairs

WORDS = st.sampled_from(["loss", "model", "data", "bias", "the", "a", "of", "x1", "Recall", "AUC"])


def brute_force(prints: list[bytes], threshold: float) -> list[Pair]:
    sets = [set(array("q", p)) for p in prints]
    pairs = []
    for a, b in combinations(range(len(sets)), 2):
        common, union = len(sets[a] & sets[b]), len(sets[a] | sets[b])
        if union and common / union >= threshold:
            pairs.append(Pair(a, b, common / union))
    return pairs


@st.composite
def corpora(draw: st.DrawFn) -> list[str]:
    """Random texts (some empty or under 3 words), plus near-copies of them so that pairs exist."""
    texts = draw(st.lists(st.lists(WORDS, max_size=14).map(" ".join), min_size=1, max_size=8))
    for _ in range(draw(st.integers(0, 6))):
        words = draw(st.sampled_from(texts)).split()
        if words:  # an edit: drop, replace or add one word
            at = draw(st.integers(0, len(words) - 1))
            words[at : at + draw(st.integers(0, 1))] = draw(st.lists(WORDS, max_size=1))
        texts.append(" ".join(words))
    return draw(st.permutations(texts))


THRESHOLDS = st.one_of(st.sampled_from([0.3, 0.5, 0.6, 0.7, 0.8, 0.9]), st.floats(0.3, 0.9))


@settings(max_examples=300, deadline=None)
@given(corpora(), THRESHOLDS)
def test_same_pairs_as_brute_force(texts: list[str], threshold: float) -> None:
    prints = [fingerprint(t) for t in texts]
    assert similar_pairs(prints, threshold) == brute_force(prints, threshold)


# monkeypatch.context() undoes each example's change, so sharing the fixture across examples is safe.
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=corpora(), threshold=THRESHOLDS, cap=st.sampled_from([1, 2, 4, 16]))
def test_exact_when_the_counting_filter_collides(
    monkeypatch: pytest.MonkeyPatch, texts: list[str], threshold: float, cap: int
) -> None:
    prints = [fingerprint(t) for t in texts]
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "FILTER_CAP", cap)  # a few buckets: nearly every shingle looks shared
        assert similar_pairs(prints, threshold) == brute_force(prints, threshold)


def test_threshold_times_size_rounding_up_loses_no_pair() -> None:
    # 0.56 * 25 == 14.000000000000002 in floats, but 14 shared of 25 is exactly 0.56.
    words = [f"w{i}" for i in range(27)]
    prints = [fingerprint(" ".join(words)), fingerprint(" ".join(words[:16]))]
    assert similar_pairs(prints, 0.56) == [Pair(0, 1, 0.56)]


def test_fingerprint_is_sorted_distinct_int64s() -> None:
    text = "The model overfits; the model overfits. The MODEL overfits, the model overfits again!"
    raw = fingerprint(text)
    assert isinstance(raw, bytes) and len(raw) % 8 == 0
    hashes = list(array("q", raw))
    assert hashes == sorted(set(hashes))
    words = [int.from_bytes(w, "little") for w in [b"the", b"model", b"overfits"] * 4 + [b"again"]]
    assert set(hashes) == {hash(tuple(words[i : i + 3])) for i in range(len(words) - 2)}
    assert fingerprint("") == fingerprint("two words") == b""


def test_fingerprint_is_the_same_in_every_process() -> None:
    # str and bytes hashes are salted per interpreter; fingerprints must not be, or a cached one
    # would never match a fresh one. Two interpreters with different salts agree.
    code = "from mlbank.similarity import fingerprint; print(fingerprint('the model overfits again').hex())"
    runs = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {fingerprint("the model overfits again").hex() + "\n"}


def test_fingerprint_words_are_ascii_letter_and_digit_runs() -> None:
    # Non-ASCII letters and punctuation separate words, as the regex [a-z0-9]+ would.
    assert fingerprint("naïve café x1") == fingerprint("na ve caf x1")
    assert fingerprint("Loss-of-the MODEL") == fingerprint("loss of the model")


def test_threshold_outside_zero_to_one_is_refused() -> None:
    with pytest.raises(ValueError):
        similar_pairs([b""], 0)
