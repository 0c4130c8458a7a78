"""Near-duplicate texts by word-shingle overlap, without comparing every pair or every shingle.

Each text becomes its set of word 3-shingles; similarity is the Jaccard index |A & B| / |A | B|.
fingerprint() turns a text into its distinct shingle hashes as a sorted array of 64-bit ints (8
bytes each, no Python objects), so worker processes can compute them and pickle them cheaply to
the parent, which then runs similar_pairs() over the whole bank.

A text can only reach the threshold with shingles that some other text also has. Which shingles
occur in two or more texts is over-approximated by a counting filter (a counting Bloom filter with
one hash function: Fan et al., "Summary cache", 2000): one byte per bucket, indexed by the
shingle's low bits, so memory is a fixed bytearray rather than a set of every shingle. A collision
only makes a shingle look shared, which adds candidates and never loses one. Candidate pairs come
from prefix filtering (Chaudhuri et al., "A primitive operator for similarity joins", 2006): order
the shared shingles rarest first; two sets with Jaccard >= t must share at least one of the first
|A| - ceil(t*|A|) + 1 of them. Indexing only those prefixes finds every pair above the threshold
while rare shingles keep the candidate lists short, and each candidate is verified exactly from
the two fingerprints, so the result is exactly what comparing every pair would give.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Sequence
from itertools import groupby, repeat
from typing import Literal, NamedTuple

_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_SEPARATORS = bytes(c if c in _WORD_BYTES else ord(" ") for c in range(256))
_LITTLE: Literal["little"] = "little"
FILTER_CAP = 1 << 26  # buckets (bytes) of the counting filter at most: 64 MiB, 16M shingles at FILTER_LOAD
# Buckets per shingle (4 to 8 after rounding up): 12-22% of unshared shingles collide into looking
# shared, costing a little time. 8 would halve that but double the filter: 32 MiB at 10,000 answers.
FILTER_LOAD = 4
SATURATED = 255  # a bucket's count stops here (it is one byte)


class Pair(NamedTuple):
    first: int
    second: int
    similarity: float


def fingerprint(text: str) -> bytes:
    """The text's distinct word 3-shingles, hashed, as a sorted array('q') in bytes (8 per shingle).

    Words are runs of ASCII letters and digits, lower-cased. A word is read as a little-endian
    integer and a shingle is hashed as a tuple of three of them: int and tuple hashes are not salted
    (str and bytes hashes are, per interpreter), so a fingerprint is the same in every process and
    run of one Python version, and can be cached on disk. Words of up to seven letters map to
    distinct integers modulo hash()'s prime; longer ones collide with negligible probability.
    """
    # Bytes all the way, in C: every other character becomes a space (a non-ASCII one via '?'),
    # then split. Twice as fast as a regex findall, and this runs on every prompt and answer.
    words = text.lower().encode("ascii", "replace").translate(_SEPARATORS).split()
    codes = list(map(int.from_bytes, words, repeat(_LITTLE)))
    hashes = set(map(hash, zip(codes, codes[1:], codes[2:], strict=False)))
    return array("q", sorted(hashes)).tobytes()


def similar_pairs(prints: Sequence[bytes], threshold: float) -> list[Pair]:
    """Index pairs (i < j) whose fingerprints have Jaccard similarity >= threshold (0 < threshold <= 1)."""
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    views = [memoryview(p).cast("q") for p in prints]  # the ints, without copying the bytes
    counts, mask = _count(views)
    candidates = _candidates(views, counts, mask, threshold)
    del counts  # the filter's memory is not needed to verify
    return _verified(views, candidates, threshold)


def _count(views: Sequence[memoryview]) -> tuple[bytearray, int]:
    """A counting filter of all shingles: bucket hash & mask holds how many texts have one (saturating)."""
    total = sum(len(v) for v in views)
    size = min(FILTER_CAP, 1 << max(0, (FILTER_LOAD * total - 1).bit_length()))  # a power of two
    counts, mask = bytearray(size), size - 1
    for view in views:
        for h in view:  # each text's shingles are distinct, so a count is a number of texts
            k = h & mask
            if counts[k] < SATURATED:
                counts[k] += 1
    return counts, mask


def _candidates(
    views: Sequence[memoryview], counts: bytearray, mask: int, threshold: float
) -> set[tuple[int, int]]:
    """Pairs (j, i), j < i, sharing a shingle in the prefixes of their possibly-shared shingles."""
    index: dict[int, list[int]] = defaultdict(list)  # only prefix shingles, all shared (or colliding)
    candidates: set[tuple[int, int]] = set()
    for i, view in enumerate(views):
        # J(A, B) >= t needs |A & B| >= t*|A|, and A & B only holds shingles of 2+ texts.
        need = _min_common(len(view), threshold)
        mine = _shared(view, counts, mask, need) if view else None
        if mine is None:
            continue
        # Rarest first by the filter's count, ties by value (mine is sorted, the sort stable): any
        # fixed order of shingles works, so inflated counts cost candidates, not correctness.
        mine.sort(key=lambda h: counts[h & mask])
        for h in mine[: len(mine) - need + 1]:
            for j in index[h]:
                candidates.add((j, i))
            index[h].append(i)
    return candidates


def _shared(view: memoryview, counts: bytearray, mask: int, need: int) -> list[int] | None:
    """The text's possibly-shared shingles, or None as soon as fewer than `need` of them can be:
    most texts share little, so most scans stop about halfway (measured: 0.59 -> 0.37 s at 10k)."""
    allowed = len(view) - need  # unshared shingles the text can afford
    found: list[int] = []
    for h in view:
        if counts[h & mask] > 1:
            found.append(h)
        else:
            allowed -= 1
            if allowed < 0:
                return None
    return found


def _min_common(size: int, threshold: float) -> int:
    """Fewest shingles a set of `size` must share to reach the threshold: J(A, B) <= |A & B| / |A|.

    ceil(t * size) can overshoot by one (0.56 * 25 == 14.000000000000002, yet 14/25 >= 0.56), so step
    down with the very float division _verified() uses.
    """
    need = math.ceil(threshold * size)
    while need > 0 and (need - 1) / size >= threshold:
        need -= 1
    return need


def _verified(views: Sequence[memoryview], candidates: set[tuple[int, int]], threshold: float) -> list[Pair]:
    """The candidates that really reach the threshold, with their exact Jaccard, sorted."""
    pairs = []
    for a, group in groupby(sorted(candidates), key=lambda pair: pair[0]):
        first = set(views[a])  # one set at a time, reused for every candidate partner of a
        for _, b in group:
            common = len(first.intersection(views[b]))
            union = len(views[a]) + len(views[b]) - common
            if union and common / union >= threshold:
                pairs.append(Pair(a, b, common / union))
    return sorted(pairs)
