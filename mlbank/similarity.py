"""Near-duplicate texts by word-shingle overlap, without comparing every pair.

Each text becomes its set of word 3-shingles; similarity is the Jaccard index |A & B| / |A | B|.
A text can only reach the threshold with shingles that some other text also has, so texts with too
few of those are skipped outright. Candidate pairs among the rest come from prefix filtering (Chaudhuri et al., "A primitive operator for similarity
joins", 2006): order all shingles rarest first; two sets with Jaccard >= t must share at least one
of the first |A| - ceil(t*|A|) + 1 shingles of A. Indexing only those prefixes finds every pair
above the threshold (no false negatives) while rare shingles keep the candidate lists short, so a
10,000-question bank (50 million pairs) costs about as much as reading it.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from itertools import chain
from typing import NamedTuple

WORD = re.compile(r"[a-z0-9]+", re.ASCII)


class Pair(NamedTuple):
    first: int
    second: int
    similarity: float


def shingles(text: str) -> frozenset[int]:
    """Word 3-shingles, hashed to ints (C-level all the way: this runs on every answer of the bank)."""
    words = WORD.findall(text.lower())
    return frozenset(map(hash, zip(words, words[1:], words[2:], strict=False)))


def similar_pairs(texts: Sequence[str], threshold: float) -> list[Pair]:
    """Index pairs (i < j) whose shingle sets have Jaccard similarity >= threshold."""
    sets = [shingles(t) for t in texts]
    seen: set[int] = set()
    shared: set[int] = set()
    for s in sets:  # set algebra in C: which shingles occur in two or more texts
        shared |= s & seen
        seen |= s
    frequency = Counter(chain.from_iterable(s & shared for s in sets))
    rank = frequency.__getitem__
    index: dict[int, list[int]] = defaultdict(list)
    candidates: set[tuple[int, int]] = set()
    for i, s in enumerate(sets):
        # J(A, B) >= t needs |A & B| >= t*|A|, and A & B only holds shingles seen in 2+ texts.
        need = math.ceil(threshold * len(s))
        mine = s & shared
        if not s or len(mine) < need:
            continue
        ordered = sorted(sorted(mine), key=rank)  # rarest first, ties by value: one global order
        for sh in ordered[: len(ordered) - need + 1]:
            for j in index[sh]:
                candidates.add((j, i))
            index[sh].append(i)
    pairs = []
    for a, b in candidates:
        common = len(sets[a] & sets[b])
        union = len(sets[a]) + len(sets[b]) - common
        if union and common / union >= threshold:
            pairs.append(Pair(a, b, common / union))
    return sorted(pairs)
