"""Near-duplicate texts by word-shingle overlap, without comparing every pair.

Each text becomes its set of word k-shingles; an inverted index from shingle to texts finds the
pairs that share any, so cost follows the overlap that exists rather than n^2 (a 10,000-question
bank is 50 million pairs). Shingles shared by very many texts carry no signal and are skipped.
Similarity is the Jaccard index |A & B| / |A | B|.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from typing import NamedTuple

WORD = re.compile(r"[a-z0-9]+", re.ASCII)
K = 3
COMMON = 50  # a shingle in more texts than this is boilerplate, not evidence


class Pair(NamedTuple):
    first: int
    second: int
    similarity: float


def shingles(text: str, k: int = K) -> frozenset[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return frozenset(tuple(words[i : i + k]) for i in range(len(words) - k + 1))


def similar_pairs(texts: Sequence[str], threshold: float) -> list[Pair]:
    """Index pairs (i < j) whose shingle sets have Jaccard similarity >= threshold."""
    sets = [shingles(t) for t in texts]
    index: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, s in enumerate(sets):
        for sh in s:
            index[sh].append(i)
    shared: dict[tuple[int, int], int] = defaultdict(int)
    for holders in index.values():
        if 1 < len(holders) <= COMMON:
            for a_pos, a in enumerate(holders):
                for b in holders[a_pos + 1 :]:
                    shared[(a, b)] += 1
    pairs = []
    for (a, b), common in shared.items():
        union = len(sets[a]) + len(sets[b]) - common
        if union and common / union >= threshold:
            pairs.append(Pair(a, b, common / union))
    return sorted(pairs)
