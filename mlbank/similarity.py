"""Near-duplicate texts by word-shingle overlap, without comparing every pair or every shingle.

Each text becomes its set of word 3-shingles; similarity is the Jaccard index |A & B| / |A | B|.
fingerprint() turns a text into its distinct shingle hashes as a sorted array of 64-bit ints (8
bytes each, no Python objects), so worker processes can compute them and pickle them cheaply to
the parent, which then runs similar_pairs() over the whole bank.

A text can only reach the threshold with shingles that some other text also has: ceil(t*|A|) of
them at least, for J(A, B) >= t. Which shingles occur in two or more texts is counted exactly, in C
(collections.Counter), one range of hash values per pass: each fingerprint is sorted, so a range is
a slice of it found by bisection, and a pass holds only its own range's shingles, which bounds the
memory. The passes go up the ranges, and a text drops out as soon as the shingles it has shared so
far plus all it has left fall short of what it needs (the overlap bound behind positional
filtering: Xiao et al., "Efficient similarity joins for near duplicate detection", 2008). Most
texts share almost nothing and drop out about halfway (at t = 0.5, 40% of the shingles of 10,000
synthetic answers are never counted); what a dropped text has no longer counts as shared, since no
pair with it is wanted. A pass keeps its shared shingles' counts as arrays (12 bytes a shingle, no
Python objects), not as its table, so no table outlives its pass. Candidate pairs come
from prefix filtering (Chaudhuri et al., "A primitive operator for similarity joins", 2006): order the shared
shingles rarest first; two sets with Jaccard >= t must share at least one of the first
|A| - ceil(t*|A|) + 1 of them. Indexing only those prefixes finds every pair above the threshold
while rare shingles keep the candidate lists short, and each candidate is verified exactly from
the two fingerprints, so the result is exactly what comparing every pair would give. The prefixes
are indexed one range of hash values at a time too, so that no index holds every text's prefix
(when every text has a near copy, all of them survive: 2 million prefix shingles at 10,000
answers); a pair whose prefixes meet in several ranges is verified in the first only.
"""

from __future__ import annotations

import math
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from itertools import accumulate, chain, compress, repeat
from operator import add
from typing import Literal, NamedTuple

_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789")
_SEPARATORS = bytes(c if c in _WORD_BYTES else ord(" ") for c in range(256))
_LITTLE: Literal["little"] = "little"
# Shingles counted per pass, about: ~100 bytes each in the pass's Counter, so ~25 MB however big
# the bank. Fewer passes cost less time per text, a smaller table less time per shingle (it fits the
# cache better): 2**17 and 2**19 were both slower at 10,000 answers.
PASS_SHINGLES = 1 << 18
# Prefix shingles indexed at a time, about: ~80 bytes each (a dict entry, its int, its holders'
# list), so ~20 MB however big the bank.
BLOCK_SHINGLES = 1 << 18
_ABOVE_ALL = 1 << 63  # the last range's upper bound: above every int64


class Pair(NamedTuple):
    first: int
    second: int
    similarity: float


class _Range(NamedTuple):
    high: int  # the range's upper bound (excluded); it starts at the previous range's
    shingles: array[int]  # its shingles in two or more live texts
    shares: array[int]  # how many live texts have each of them


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
    """Index pairs (i < j) whose fingerprints have Jaccard similarity >= threshold (0 < threshold <= 1).

    The prints are fingerprint()'s: sorted and distinct, which the passes rely on.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    views = [memoryview(p).cast("q") for p in prints]  # the ints, without copying the bytes
    needs = [_min_common(len(view), threshold) for view in views]
    survivors, ranges = _shared(views, needs)
    prefixes = _prefixes([views[i] for i in survivors], [needs[i] for i in survivors], ranges)
    del ranges  # emptied by _prefixes
    return _verified(views, _candidates(survivors, prefixes), threshold)


def _shared(views: Sequence[memoryview], needs: Sequence[int]) -> tuple[list[int], list[_Range]]:
    """The texts that share enough shingles to reach the threshold, and each range's shared shingles
    with their counts.

    One pass per range of hash values, each over the live texts only: a text dies as soon as the
    shingles it has left cannot make up what it needs (most die about halfway), and the shingles of
    the dead no longer count as shared, since no pair with a dead text is wanted. A range's shared
    shingles are kept as two arrays (12 bytes a shingle, no Python objects), not as its table.
    """
    live = [i for i, view in enumerate(views) if view]  # an empty text is similar to nothing
    starts = [0] * len(live)  # per live text: where its next range begins
    have = [0] * len(live)  # per live text: its shared shingles so far
    ranges = []
    for high in _cuts(views):
        pieces = _pieces([views[i] for i in live], starts, high)
        found = _shared_in(pieces)  # a shingle is in one range only, so its count is final here
        ranges.append(_Range(high, array("q", found.keys()), array("I", found.values())))
        if found:
            have = list(map(add, have, map(len, map(found.keys().__and__, pieces))))
        starts = list(map(add, starts, map(len, pieces)))
        keep = [h + len(views[i]) - s >= needs[i] for i, s, h in zip(live, starts, have, strict=True)]
        live, starts, have = (list(compress(column, keep)) for column in (live, starts, have))
    return live, ranges


def _cuts(views: Sequence[memoryview], per_pass: int | None = None) -> list[int]:
    """Upper bounds of the hash ranges, about per_pass (PASS_SHINGLES) shingles each: quantiles of a
    sample, so the passes stay even however the values are spread, which is what bounds a pass's
    memory."""
    per_pass = per_pass or PASS_SHINGLES
    passes = -(-sum(map(len, views)) // per_pass)
    if passes <= 1:
        return [_ABOVE_ALL]
    # Every step-th shingle of all the texts end to end (so short texts count too): 256 a pass.
    step = max(1, per_pass // 256)
    firsts = accumulate(map(len, views), initial=0)  # where each text starts (and the end: unused)
    sample = sorted(
        chain.from_iterable(view[-first % step :: step] for view, first in zip(views, firsts, strict=False))
    )
    cuts = {sample[len(sample) * k // passes] for k in range(1, passes)}
    return [*sorted(cuts), _ABOVE_ALL]


def _shared_in(pieces: list[memoryview]) -> dict[int, int]:
    """The shingles in two or more of the pieces (each text's shingles are distinct), with how many."""
    tally = Counter(chain.from_iterable(pieces))  # counted in C, one hash table of a pass's shingles
    return {shingle: n for shingle, n in tally.items() if n > 1}


def _pieces(views: list[memoryview], starts: list[int], high: int) -> list[memoryview]:
    """Each text's shingles from its start up to (not including) high: each text is sorted, so a
    range of values is a slice found by bisection."""
    if high == _ABOVE_ALL:  # the rest of each text (all of it when there is one pass: small banks)
        return [view[start:] if start else view for view, start in zip(views, starts, strict=True)]
    ends = map(bisect_left, views, repeat(high), starts)
    return [view[start:end] for view, start, end in zip(views, starts, ends, strict=True)]


def _prefixes(views: list[memoryview], needs: list[int], ranges: list[_Range]) -> list[memoryview]:
    """Each text's shared shingles, rarest first (ties by value), cut to the first len - need + 1:
    J(A, B) >= t needs |A & B| >= need, so A & B reaches into them. Any fixed order of shingles
    works; rare ones make few candidates. Each prefix is then sorted by value, for _candidates'
    ranges. Arrays, 8 bytes a shingle."""
    # Every text's count of each of its shingles (0: not shared), one range at a time for all texts:
    # a range's table stays in the cache while all of them look it up, and is dropped after.
    counts = [array("I") for _ in views]
    starts = [0] * len(views)
    for at, (high, shingles, shares) in enumerate(ranges):
        pieces = _pieces(views, starts, high)
        table = dict(zip(shingles, shares, strict=True))
        ranges[at] = _Range(high, array("q"), array("I"))
        for tally, piece in zip(counts, pieces, strict=True):
            tally.extend(map(table.get, piece, repeat(0)))
        starts = list(map(add, starts, map(len, pieces)))
    prefixes = []
    for at, (view, need) in enumerate(zip(views, needs, strict=True)):
        tally = counts[at]
        ranked = sorted(compress(range(len(view)), tally), key=tally.__getitem__)  # stable: by value
        prefixes.append(
            memoryview(array("q", sorted(map(view.__getitem__, ranked[: len(ranked) - need + 1]))))
        )
        counts[at] = array("I")  # dropped as soon as its prefix is made
    return prefixes


def _candidates(survivors: list[int], prefixes: list[memoryview]) -> Iterator[tuple[int, set[int]]]:
    """Each survivor with the earlier survivors whose prefixes share a shingle with its own, one
    range of hash values at a time (the prefixes are sorted, so a range is a slice of each): a
    range's index holds about BLOCK_SHINGLES shingles however big the bank, and is dropped when the
    range is done. A pair sharing shingles in several ranges is given in the first only (`given`:
    the partners each survivor was given so far), so each candidate is verified once."""
    given: dict[int, set[int]] = {}
    starts = [0] * len(prefixes)
    for high in _cuts(prefixes, BLOCK_SHINGLES):
        pieces = _pieces(prefixes, starts, high)
        index: dict[int, list[int]] = defaultdict(list)  # shingle -> the survivors so far that have it
        for i, piece in zip(survivors, pieces, strict=True):
            holders = [index[h] for h in piece]
            partners = set(chain.from_iterable(holders))  # in C: a common shingle can have many holders
            for those in holders:
                those.append(i)
            if partners:
                before = given.setdefault(i, set())
                partners -= before
                before |= partners
                if partners:
                    yield i, partners
        del index
        starts = list(map(add, starts, map(len, pieces)))


def _min_common(size: int, threshold: float) -> int:
    """Fewest shingles a set of `size` must share to reach the threshold: J(A, B) <= |A & B| / |A|.

    ceil(t * size) can overshoot by one (0.56 * 25 == 14.000000000000002, yet 14/25 >= 0.56), so step
    down with the very float division _verified() uses.
    """
    need = math.ceil(threshold * size)
    while need > 0 and (need - 1) / size >= threshold:
        need -= 1
    return need


def _verified(
    views: Sequence[memoryview], candidates: Iterator[tuple[int, set[int]]], threshold: float
) -> list[Pair]:
    """The candidates that really reach the threshold, with their exact Jaccard, sorted."""
    pairs = []
    for b, partners in candidates:
        second = set(views[b])  # one set at a time, reused for every candidate partner of b
        for a in partners:
            common = len(second.intersection(views[a]))
            union = len(views[a]) + len(views[b]) - common
            if union and common / union >= threshold:
                pairs.append(Pair(a, b, common / union))
    return sorted(pairs)


class PairIndex:
    """similar_pairs() kept up to date while texts change, for a session that re-lints one file.

    The Jaccard index of two fingerprints depends on those two alone, so the pairs among unchanged
    fingerprints stay as they were: update() drops the pairs of each changed, added or removed
    fingerprint and compares each changed or added one with every other (skipping sizes too far
    apart to reach the threshold, and texts whose masks bound their common shingles below it), with
    the very arithmetic _verified() uses. When many changed (the
    first update, a new bank.yaml), it runs similar_pairs() over all of them instead. pairs() then
    gives what similar_pairs() would give for the fingerprints in the order asked.
    """

    REBUILD = 64  # more changed fingerprints than this: compare all of them at once
    # Bits of a fingerprint's mask (bit h mod MASK_BITS set for each shingle h): an upper bound on
    # two texts' common shingles for one AND and a bit count, so a changed text is compared exactly
    # only with the few that could reach the threshold. 512 bytes a text, made on first need.
    MASK_BITS = 4096

    def __init__(self, threshold: float) -> None:
        if not 0 < threshold <= 1:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        self.threshold = threshold
        self._prints: dict[str, bytes] = {}
        self._views: dict[str, memoryview] = {}
        self._near: dict[str, dict[str, float]] = {}  # key -> its partners with their similarity
        self._masks: dict[str, int] = {}  # key -> its mask, once a comparison needed it

    def update(self, prints: dict[str, bytes]) -> None:
        """Take the current fingerprints by key (every one, changed or not)."""
        old = self._prints
        changed = [k for k, p in prints.items() if k not in old or (old[k] is not p and old[k] != p)]
        gone = [k for k in old if k not in prints]
        self._prints = dict(prints)
        if not old or len(changed) + len(gone) > self.REBUILD:
            self._rebuild()
            return
        for key in chain(changed, gone):
            self._unlink(key)
        for key in changed:
            self._views[key] = memoryview(prints[key]).cast("q")
            self._near[key] = {}
        for key in changed:
            self._compare(key)

    def change(self, key: str, prints: bytes | None) -> set[str]:
        """Take one key's fingerprint now (None: it has none, or is gone). The keys paired with it
        before or now (whose pairs with it may have changed)."""
        old = self._prints.get(key)
        before = set(self._near.get(key, ()))
        if old is not prints and old != prints:
            self._unlink(key)
            self._prints.pop(key, None)
            if prints is not None:
                self._prints[key] = prints
                self._views[key] = memoryview(prints).cast("q")
                self._near[key] = {}
                self._compare(key)
        return before | set(self._near.get(key, ()))

    def _unlink(self, key: str) -> None:
        """Forget a key's pairs (on both sides), view and mask; its fingerprint stays."""
        for partner in self._near.pop(key, {}):
            self._near[partner].pop(key, None)
        self._views.pop(key, None)
        self._masks.pop(key, None)

    def partners(self, key: str) -> dict[str, float]:
        """The keys similar to `key`, with their similarity."""
        return self._near.get(key, {})

    def pairs(self, order: Sequence[str]) -> list[Pair]:
        """The pairs (i < j) of keys in `order` (every key of the last update, once each), sorted."""
        where = {key: i for i, key in enumerate(order)}
        found = []
        for key, partners in self._near.items():
            for partner, similarity in partners.items():
                a, b = where[key], where[partner]
                if a < b:
                    found.append(Pair(a, b, similarity))
        return sorted(found)

    def _rebuild(self) -> None:
        keys = list(self._prints)
        self._views = {k: memoryview(p).cast("q") for k, p in self._prints.items()}
        self._masks = {}
        self._near = {k: {} for k in keys}
        for pair in similar_pairs([self._prints[k] for k in keys], self.threshold):
            self._link(keys[pair.first], keys[pair.second], pair.similarity)

    def _compare(self, key: str) -> None:
        view = self._views[key]
        size = len(view)
        if not size:  # an empty text is similar to nothing
            return
        mask = self._mask(key)
        # A common shingle sets the same bit in both masks; this text's shingles that share a bit
        # with another of its own are the only way to have more common shingles than common bits.
        spare = size - mask.bit_count()
        mine: set[int] | None = None
        for other, theirs in self._views.items():
            length = len(theirs)
            # J(A, B) <= min/max; floats round monotonically, so a skipped pair cannot reach it
            if other == key or not length or min(size, length) / max(size, length) < self.threshold:
                continue
            most = (mask & self._mask(other)).bit_count() + spare  # <= size: the union is positive
            if most / (size + length - most) < self.threshold:  # J grows with the common count
                continue
            if mine is None:
                mine = set(view)
            common = len(mine.intersection(theirs))
            union = size + length - common
            if union and common / union >= self.threshold:
                self._link(key, other, common / union)

    def _mask(self, key: str) -> int:
        mask = self._masks.get(key)
        if mask is None:
            mask, bits = 0, self.MASK_BITS
            for shingle in self._views[key]:
                mask |= 1 << (shingle % bits)
            self._masks[key] = mask
        return mask

    def _link(self, a: str, b: str, similarity: float) -> None:
        self._near[a][b] = similarity
        self._near[b][a] = similarity
