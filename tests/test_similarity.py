"""similar_pairs() against brute force: exactly the same pairs, however the counting filter collides."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tracemalloc
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
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=corpora(), threshold=THRESHOLDS, per_pass=st.sampled_from([1, 2, 3, 4, 16]))
def test_exact_over_many_range_passes(
    monkeypatch: pytest.MonkeyPatch, texts: list[str], threshold: float, per_pass: int
) -> None:
    # A few shingles a pass: many ranges, cuts between and on shingles, texts dropping out midway.
    prints = [fingerprint(t) for t in texts]
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "PASS_SHINGLES", per_pass)
        assert similar_pairs(prints, threshold) == brute_force(prints, threshold)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    texts=corpora(),
    threshold=THRESHOLDS,
    per_pass=st.sampled_from([1, 3, 1 << 18]),
    per_index=st.sampled_from([1, 2, 3, 5, 16, 1 << 18]),
)
def test_exact_over_many_index_ranges(
    monkeypatch: pytest.MonkeyPatch, texts: list[str], threshold: float, per_pass: int, per_index: int
) -> None:
    # A few prefix shingles a range: pairs sharing prefix shingles in several ranges, or in one.
    prints = [fingerprint(t) for t in texts]
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "PASS_SHINGLES", per_pass)
        patch.setattr(similarity, "BLOCK_SHINGLES", per_index)
        assert similar_pairs(prints, threshold) == brute_force(prints, threshold)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    prefixes=st.lists(
        st.sets(st.integers(-(2**63), 2**63 - 1) | st.integers(0, 12), max_size=8), max_size=10
    ),
    per_index=st.sampled_from([1, 2, 3, 7, 1 << 18]),
)
def test_candidates_are_every_pair_of_prefixes_that_meet_once(
    monkeypatch: pytest.MonkeyPatch, prefixes: list[set[int]], per_index: int
) -> None:
    """Indexed one range at a time, the candidates are still exactly the earlier survivors whose
    prefix shares a shingle with each one's, and no pair is given twice (it would be verified twice)."""
    survivors = [2 * i + 1 for i in range(len(prefixes))]  # survivors are indexes into the bank
    views = [memoryview(array("q", sorted(p))) for p in prefixes]
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "BLOCK_SHINGLES", per_index)
        given_pairs = [(a, b) for b, partners in similarity._candidates(survivors, views) for a in partners]
    meeting = [
        (survivors[a], survivors[b])
        for a, b in combinations(range(len(prefixes)), 2)
        if prefixes[a] & prefixes[b]
    ]
    assert sorted(given_pairs) == meeting


def test_memory_held_is_a_pass_and_an_index_range_not_the_bank(monkeypatch: pytest.MonkeyPatch) -> None:
    # Every text with a near copy: nearly every shingle is shared and every text reaches the
    # candidate stage. Neither the shared counts nor the prefix index may be held for all the texts
    # at once (they would take about 10 MB here, against 3.3 MB); the prints themselves are not counted.
    monkeypatch.setattr(similarity, "PASS_SHINGLES", 1 << 12)
    monkeypatch.setattr(similarity, "BLOCK_SHINGLES", 1 << 12)
    rng = random.Random(15)
    prints = []
    for n in range(1000):
        words = [f"w{n}x{i}" for i in range(100)]
        prints.append(fingerprint(" ".join(words)))
        words[rng.randrange(100)] = "edited"
        prints.append(fingerprint(" ".join(words)))
    tracemalloc.start()
    try:
        found = similar_pairs(prints, 0.5)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [(p.first, p.second) for p in found] == [(i, i + 1) for i in range(0, 2000, 2)]
    assert peak < 5 * 2**20


def raw(*hashes: int) -> bytes:
    """A fingerprint from given shingle hashes (sorted and distinct, as fingerprint() makes them)."""
    return array("q", sorted(set(hashes))).tobytes()


EXTREMES = [-(2**63), -(2**63) + 1, -1, 0, 1, 2**63 - 2, 2**63 - 1]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    sets=st.lists(
        st.sets(st.one_of(st.sampled_from(EXTREMES), st.integers(-(2**63), 2**63 - 1)), max_size=10),
        min_size=1,
        max_size=8,
    ),
    threshold=st.one_of(THRESHOLDS, st.just(1.0)),
    per_pass=st.sampled_from([1, 2, 5, 1 << 18]),
)
def test_exact_with_hashes_at_the_int64_extremes(
    monkeypatch: pytest.MonkeyPatch, sets: list[set[int]], threshold: float, per_pass: int
) -> None:
    prints = [raw(*hashes) for hashes in sets]
    prints += prints[: len(prints) // 2]  # some exact copies, so that pairs exist
    with monkeypatch.context() as patch:
        patch.setattr(similarity, "PASS_SHINGLES", per_pass)
        assert similar_pairs(prints, threshold) == brute_force(prints, threshold)


@pytest.mark.parametrize("per_pass", [1, 3, 1 << 18])
def test_edge_banks(monkeypatch: pytest.MonkeyPatch, per_pass: int) -> None:
    monkeypatch.setattr(similarity, "PASS_SHINGLES", per_pass)
    text = raw(-(2**63), -5, 0, 7, 2**63 - 1)
    assert similar_pairs([], 0.5) == []
    assert similar_pairs([text], 0.5) == []
    assert similar_pairs([b"", b"", b""], 0.5) == []  # empty sets: no shingles, no similarity
    assert similar_pairs([text, b"", text], 1.0) == [Pair(0, 2, 1.0)]
    assert similar_pairs([text] * 4, 0.9) == [Pair(a, b, 1.0) for a, b in combinations(range(4), 2)]
    # One shingle in common of 5 + 5 - 1: 1/9 is under 0.5 and at 0.1 it is found.
    other = raw(-(2**63), 1, 2, 3, 4)
    assert similar_pairs([text, other], 0.5) == []
    assert similar_pairs([text, other], 0.1) == [Pair(0, 1, 1 / 9)]


def test_passes_stay_even_however_the_hashes_are_spread(monkeypatch: pytest.MonkeyPatch) -> None:
    # The cuts come from a sample, not from equal slices of the int64 range, so a bank whose hashes
    # crowd into a narrow band (or are short texts) still gets passes of about PASS_SHINGLES.
    monkeypatch.setattr(similarity, "PASS_SHINGLES", 1000)
    crowded = [raw(*range(base, base + 7)) for base in range(0, 7 * 3000, 7)]  # 21,000 small ints
    views = [memoryview(p).cast("q") for p in crowded]
    cuts = similarity._cuts(views)
    starts = [0] * len(views)
    sizes = []
    for high in cuts:
        pieces = similarity._pieces(views, starts, high)
        sizes.append(sum(map(len, pieces)))
        starts = [start + len(piece) for start, piece in zip(starts, pieces, strict=True)]
    assert sum(sizes) == 21_000 and len(sizes) == 21
    assert max(sizes) < 1500


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


@st.composite
def bank_states(draw: st.DrawFn) -> list[dict[str, str]]:
    """Successive banks: texts by key, each state some keys changed, added or removed."""
    pool = draw(corpora())
    keys = [f"k{i}" for i in range(8)]
    states = []
    for _ in range(draw(st.integers(1, 6))):
        present = draw(st.lists(st.sampled_from(keys), unique=True, max_size=8))
        states.append({k: draw(st.sampled_from(pool)) for k in present})
    return states


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=bank_states(), threshold=THRESHOLDS, rebuild=st.sampled_from([0, 1, 2, 64]), data=st.data())
def test_a_pair_index_kept_across_changes_gives_similar_pairs(
    monkeypatch: pytest.MonkeyPatch,
    states: list[dict[str, str]],
    threshold: float,
    rebuild: int,
    data: st.DataObject,
) -> None:
    with monkeypatch.context() as m:
        m.setattr(similarity.PairIndex, "REBUILD", rebuild)
        index = similarity.PairIndex(threshold)
        for state in states:
            prints = {k: fingerprint(t) for k, t in state.items()}
            index.update(prints)
            order = data.draw(st.permutations(list(prints)))
            assert index.pairs(order) == similar_pairs([prints[k] for k in order], threshold)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(states=bank_states(), threshold=THRESHOLDS, bits=st.sampled_from([1, 3, 16, 64, 4096]), data=st.data())
def test_a_pair_index_changed_key_by_key_gives_similar_pairs(
    monkeypatch: pytest.MonkeyPatch,
    states: list[dict[str, str]],
    threshold: float,
    bits: int,
    data: st.DataObject,
) -> None:
    """change() one key at a time, with masks small enough that shingles share bits (the bound then
    counts them); the keys it names are every key whose pairs with the changed one differ."""
    with monkeypatch.context() as m:
        m.setattr(similarity.PairIndex, "MASK_BITS", bits)
        index = similarity.PairIndex(threshold)
        held: dict[str, bytes] = {}
        for state in states:
            for key in sorted({*held, *state}):
                new = fingerprint(state[key]) if key in state else None
                before = dict(index.partners(key))
                named = index.change(key, new)
                if new is None:
                    held.pop(key, None)
                else:
                    held[key] = new
                assert named >= set(before) | set(index.partners(key))
            order = data.draw(st.permutations(list(held)))
            assert index.pairs(order) == similar_pairs([held[k] for k in order], threshold)
