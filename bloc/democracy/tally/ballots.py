"""Ballots as a compact integer matrix: one row per distinct ranking, plus a count per row.

A row lists candidate indices from first preference to last, left-justified and padded with
``NONE`` (-1). Rows never contain a candidate twice: ballot interpretation (skipped ranks,
overvotes, duplicates, write-ins) happens once, when raw marks are turned into a profile, so
that every counting rule sees the same clean rankings.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np
import numpy.typing as npt

NONE = -1  #: padding after the last preference
SKIP = -2  #: raw mark: nothing marked at this rank
OVERVOTE = -3  #: raw mark: two or more candidates marked at this rank
#: the most ballots a profile may hold in all: every count (and a row's merged count) is then
#: an int64; the counts themselves switch to Python integers when products would overflow
MAX_BALLOTS = 2**63 - 1

IntArray = npt.NDArray[np.int64]


def total_ballots(counts: npt.NDArray[np.integer]) -> int:
    """The exact sum of ``counts`` (non-negative), however large."""
    if counts.size == 0:
        return 0
    if int(counts.max()) * counts.size <= MAX_BALLOTS:  # no partial sum can overflow
        return int(counts.sum())
    return sum(int(c) for c in counts.tolist())


#: the reason given for a total past :data:`MAX_BALLOTS`
TOO_MANY = f"more than {MAX_BALLOTS} ballots in all: beyond what a count holds exactly"


@dataclass(frozen=True)
class Interpretation:
    """How raw marks become a ranking. The defaults follow RCTab's "Maine rules"."""

    #: "skip": move on to the next rank; "exhaust": the ballot stops at the overvote.
    overvote: Literal["exhaust", "skip"] = "exhaust"
    #: How many consecutive skipped ranks are tolerated before the ballot stops (None: any).
    max_skipped_ranks: int | None = 1
    #: "skip": a repeated candidate is ignored; "exhaust": the ballot stops at the repeat.
    duplicate: Literal["skip", "exhaust"] = "skip"
    #: "count": write-ins are ordinary candidates; "ignore": a write-in mark is treated as a
    #: skipped rank.
    write_ins: Literal["count", "ignore"] = "count"


@dataclass(frozen=True)
class Profile:
    """A ballot profile: distinct rankings with their multiplicities."""

    candidates: tuple[str, ...]
    ranks: npt.NDArray[np.int32]
    counts: IntArray
    title: str = ""
    seats: int | None = None
    withdrawn: frozenset[int] = frozenset()
    write_ins: frozenset[int] = frozenset()
    tie_order: tuple[int, ...] | None = None
    #: ballots with no mark at all (not part of ``counts``)
    blank: int = 0
    #: SHA-256 of the source file (or of the canonical profile), used to seed drawn lots
    digest: str = ""
    #: why ballots stopped before their last mark, from interpretation (overvote, skipped...)
    interpretation_notes: dict[str, int] = field(default_factory=dict)
    #: True when ``ranks`` is known to be compact already (distinct rows, positive counts,
    #: no trailing empty column): :meth:`compact` then has nothing to do. Readers that merge
    #: identical ballots set it; every change of rows below says whether it still holds.
    compacted: bool = field(default=False, compare=False)

    def __post_init__(self) -> None:
        if self.ranks.ndim != 2 or self.ranks.shape[0] != self.counts.shape[0]:
            raise ValueError("ranks must be 2-D with one row per count")
        if len(self.candidates) == 0:
            raise ValueError("a profile needs at least one candidate")

    @property
    def n_candidates(self) -> int:
        return len(self.candidates)

    @property
    def n_ballots(self) -> int:
        """Ballots in the count (including those that rank no valid candidate)."""
        return total_ballots(self.counts)

    @property
    def max_rank(self) -> int:
        return int(self.ranks.shape[1])

    def canonical_digest(self) -> str:
        """SHA-256 over candidates and compact rows; stable for equal profiles."""
        prof = self.compact()
        h = hashlib.sha256()
        h.update("\n".join(prof.candidates).encode())
        h.update(np.ascontiguousarray(prof.ranks, dtype="<i4").tobytes())
        h.update(np.ascontiguousarray(prof.counts, dtype="<i8").tobytes())
        return h.hexdigest()

    def seed(self) -> str:
        return self.digest or self.canonical_digest()

    def compact(self) -> Profile:
        """Merge identical rows (summing their counts) and drop rows with a zero count."""
        if self.compacted:
            return self
        ranks, counts = compact_rows(self.ranks, self.counts, self.n_candidates)
        return replace(self, ranks=ranks, counts=counts, compacted=True)

    def without(self, excluded: Iterable[int]) -> Profile:
        """Remove candidates from every ranking (for withdrawn or excluded candidates)."""
        drop = sorted(set(excluded))
        if not drop:
            return self
        ranks = self.ranks.copy()
        mask = np.isin(ranks, np.asarray(drop, dtype=np.int32))
        if not mask.any():
            return self
        ranks[mask] = NONE
        return replace(self, ranks=left_justify(ranks), compacted=False)

    def nonempty(self) -> Profile:
        """Only the rows that rank at least one candidate."""
        if not self.max_rank:
            return replace(self, counts=self.counts[:0], ranks=self.ranks[:0])
        keep = self.ranks[:, 0] != NONE
        if keep.all():
            return self
        # dropping rows keeps the others distinct, so a compact profile stays compact
        return replace(self, ranks=self.ranks[keep], counts=self.counts[keep])

    def first_preferences(self) -> IntArray:
        out = np.zeros(self.n_candidates, dtype=np.int64)
        if self.max_rank:
            top = self.ranks[:, 0]
            ok = top >= 0
            np.add.at(out, top[ok], self.counts[ok])
        return out


def left_justify(ranks: npt.NDArray[np.int32]) -> npt.NDArray[np.int32]:
    """Shift every row's entries left over ``NONE`` holes, keeping their order."""
    if ranks.size == 0:
        return ranks
    present = ranks != NONE
    if bool(np.all(present[:, :-1] >= present[:, 1:])):
        return ranks  # already justified
    order = np.argsort(~present, axis=1, kind="stable")
    return np.take_along_axis(ranks, order, axis=1)


def compact_rows(
    ranks: npt.NDArray[np.int32], counts: IntArray, n_candidates: int
) -> tuple[npt.NDArray[np.int32], IntArray]:
    """Group identical rows. Uses a packed integer key when it fits in 63 bits."""
    keep = counts > 0
    ranks, counts = ranks[keep], counts[keep]
    n, width = ranks.shape
    if n == 0:
        return ranks, counts
    total = total_ballots(counts)
    if total > MAX_BALLOTS:  # merged rows could overflow their int64 count
        raise ValueError(TOO_MANY)
    # Trim trailing all-empty columns.
    used = np.flatnonzero(np.any(ranks != NONE, axis=0))
    width = int(used[-1]) + 1 if used.size else 0
    ranks = ranks[:, :width]
    base = n_candidates + 1
    if width and width * np.log2(base) < 62:
        key = np.zeros(n, dtype=np.int64)
        for j in range(width):
            key = key * base + (ranks[:, j].astype(np.int64) + 1)
        uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        summed = np.zeros(uniq.size, dtype=np.int64)
        np.add.at(summed, inverse.ravel(), counts)
        return np.ascontiguousarray(ranks[first]), summed
    uniq_rows, inverse = np.unique(ranks, axis=0, return_inverse=True)
    summed = np.zeros(uniq_rows.shape[0], dtype=np.int64)
    np.add.at(summed, inverse.ravel(), counts)
    return np.ascontiguousarray(uniq_rows.astype(np.int32)), summed


def from_rankings(
    candidates: Sequence[str],
    rankings: Iterable[tuple[Sequence[int], int]],
    *,
    title: str = "",
    seats: int | None = None,
) -> Profile:
    """Build a profile from clean rankings of candidate indices, ``[(ranking, count), ...]``.
    Raises ``ValueError`` on an unknown index or a repeated candidate."""
    rows: list[list[int]] = []
    mults: list[int] = []
    for ranking, mult in rankings:
        rows.append(list(ranking))
        mults.append(int(mult))
    width = max((len(r) for r in rows), default=0)
    ranks = np.full((len(rows), width), NONE, dtype=np.int32)
    for i, r in enumerate(rows):
        if len(set(r)) != len(r):
            raise ValueError(f"ranking {i + 1} lists a candidate twice: {list(r)}")
        for j, c in enumerate(r):
            if not 0 <= c < len(candidates):
                raise ValueError(f"ranking {i + 1} has unknown candidate index {c}")
            ranks[i, j] = c
    if any(m < 0 for m in mults):
        raise ValueError("counts must be non-negative")
    total = sum(mults)
    if total > MAX_BALLOTS:
        raise ValueError(TOO_MANY)
    counts = np.asarray(mults, dtype=np.int64)
    return Profile(tuple(candidates), ranks, counts, title=title, seats=seats)


def from_names(
    candidates: Sequence[str], ballots: Iterable[tuple[str, int]], *, sep: str = ">"
) -> Profile:
    """Textbook shorthand: ``[("M>N>C>K", 42), ...]``."""
    index = {name: i for i, name in enumerate(candidates)}
    rows = []
    for text, mult in ballots:
        names = [s.strip() for s in text.split(sep) if s.strip()] if sep else list(text)
        rows.append(([index[n] for n in names], mult))
    return from_rankings(candidates, rows)


def interpret(
    raw: npt.NDArray[np.int32],
    counts: IntArray,
    rules: Interpretation,
    write_ins: frozenset[int] = frozenset(),
) -> tuple[npt.NDArray[np.int32], IntArray, int, dict[str, int]]:
    """Turn raw marks (candidate index, ``SKIP`` or ``OVERVOTE`` per rank) into clean rows.

    Returns ``(ranks, counts, blank, notes)``: blank ballots (no mark at all) are removed and
    counted; ``notes`` counts ballots by the reason they stopped early.
    """
    n, width = raw.shape
    out = np.full((n, width), NONE, dtype=np.int32)
    filled = np.zeros(n, dtype=np.int64)
    alive = np.ones(n, dtype=bool)
    skipped_run = np.zeros(n, dtype=np.int64)
    max_c = int(raw.max(initial=-1)) + 1
    seen = np.zeros((n, max(max_c, 1)), dtype=bool)
    stopped_over = np.zeros(n, dtype=bool)
    stopped_skip = np.zeros(n, dtype=bool)
    stopped_dup = np.zeros(n, dtype=bool)
    rows = np.arange(n)
    for j in range(width):
        col = raw[:, j].copy()
        if rules.write_ins == "ignore" and write_ins:
            col[np.isin(col, list(write_ins))] = SKIP
        is_skip = (col == SKIP) | (col == NONE)
        is_over = col == OVERVOTE
        is_cand = col >= 0
        # skipped ranks: count the run; a mark after too long a run stops the ballot
        if rules.max_skipped_ranks is not None:
            too_many = alive & ~is_skip & (skipped_run > rules.max_skipped_ranks)
            stopped_skip |= too_many
            alive &= ~too_many
        skipped_run = np.where(is_skip, skipped_run + 1, 0)
        if rules.overvote == "exhaust":
            hit = alive & is_over
            stopped_over |= hit
            alive &= ~hit
        dup = np.zeros(n, dtype=bool)
        cand_rows = rows[is_cand]
        dup[cand_rows] = seen[cand_rows, col[cand_rows]]
        if rules.duplicate == "exhaust":
            hit = alive & dup
            stopped_dup |= hit
            alive &= ~hit
        take = alive & is_cand & ~dup
        idx = rows[take]
        out[idx, filled[idx]] = col[idx]
        filled[idx] += 1
        seen[idx, col[idx]] = True
    any_mark = np.any((raw >= 0) | (raw == OVERVOTE), axis=1) if width else np.zeros(n, dtype=bool)
    blank = int(counts[~any_mark].sum())
    notes = {
        "overvote": int(counts[stopped_over].sum()),
        "skipped_ranks": int(counts[stopped_skip].sum()),
        "duplicate": int(counts[stopped_dup].sum()),
    }
    return out[any_mark], counts[any_mark], blank, notes
