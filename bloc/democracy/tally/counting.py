"""Vectorised building blocks shared by the counting rules.

Ballots live in a compact matrix (distinct rows x ranks) with a count per row. Each row has a
pointer to its current top continuing choice; when a candidate leaves the count only the rows
that point at it are advanced, and only their contribution to the totals changes.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from .ballots import NONE, Profile
from .paths import PathRecorder

IntArray = npt.NDArray[np.int64]
#: votes, weights and counts: int64, or Python integers (``object``) past int64's range
ValueArray = npt.NDArray[Any]
_FLOAT_EXACT = 2**53
#: while the largest number a count forms (see :func:`value_dtype`) stays below this, votes
#: and weights are int64; beyond it they are Python integers (numpy object arrays): exact at
#: any size, and slower, which only ever matters for counts in the hundreds of millions
INT64_SAFE = 2**62


def value_dtype(largest: int) -> type:
    """``np.int64`` when ``largest`` (a bound on every product and sum the count forms, e.g.
    ballots x scale x scale for a surplus transfer) fits it with room to spare, else
    ``object``: Python integers, which never overflow."""
    return np.int64 if largest < INT64_SAFE else object


def exact_bincount(
    index: npt.NDArray[np.integer], values: IntArray, size: int, bound: int
) -> IntArray:
    """``sum(values[index == k])`` for each ``k`` in ``range(size)``, exactly.

    ``bound`` is an upper bound on any partial sum of absolute values; below 2**53 the float
    bincount is exact (every partial sum is an integer a double represents exactly), otherwise
    integer ``add.at`` is used; values held as Python integers (``object``) are summed as
    such.
    """
    if values.dtype == object:
        total = np.zeros(size, dtype=object)
        np.add.at(total, index, values)
        return total
    if bound < _FLOAT_EXACT:
        sums = np.bincount(index, weights=values.astype(np.float64), minlength=size)
        return np.rint(sums[:size]).astype(np.int64)
    out = np.zeros(size, dtype=np.int64)
    np.add.at(out, index, values)
    return out


class Piles:
    """Where every distinct ballot currently sits, and at what weight."""

    def __init__(self, profile: Profile, scale: int, *, largest: int | None = None) -> None:
        """``largest``: a bound on any product the rule forms (default: ballots x scale)."""
        self.ranks = np.ascontiguousarray(profile.ranks)
        n_ballots = profile.n_ballots
        dtype = value_dtype(n_ballots * scale if largest is None else largest)
        self.counts: ValueArray = profile.counts.astype(dtype)
        self.n_candidates = profile.n_candidates
        n, width = self.ranks.shape
        self.width = width
        # the rows with one more NONE column, flattened: a row's search always ends inside it
        padded = np.full((n, width + 1), NONE, dtype=np.int32)
        padded[:, :width] = self.ranks
        self._flat = padded.reshape(-1)
        self.pos = np.zeros(n, dtype=np.int64)
        self.top = self.ranks[:, 0].astype(np.int64) if width else np.full(n, NONE, dtype=np.int64)
        self.weight: ValueArray = np.full(n, scale, dtype=dtype)
        self.scale = scale
        self.total = n_ballots * scale
        self._bin = self.n_candidates + 1  # last bin collects exhausted ballots
        #: follows every move when the count records ballot paths (None: no extra work)
        self.recorder: PathRecorder | None = None

    def tally(self) -> tuple[IntArray, int]:
        """Votes per candidate and exhausted value, from scratch."""
        return self._sum(self.top, self.weight * self.counts)

    def _sum(self, top: IntArray, values: IntArray) -> tuple[IntArray, int]:
        idx = np.where(top >= 0, top, self.n_candidates)
        sums = exact_bincount(idx, values, self._bin, self.total + 1)
        return sums[: self.n_candidates], int(sums[self.n_candidates])

    def record_paths(self, source: Profile, counted: Profile) -> PathRecorder:
        """Start following every row (``paths=True``)."""
        self.recorder = PathRecorder(source, counted, self.top, self.weight)
        return self.recorder

    def rows_at(self, candidates: list[int]) -> npt.NDArray[np.intp]:
        if len(candidates) == 1:
            return np.flatnonzero(self.top == candidates[0])
        return np.flatnonzero(np.isin(self.top, candidates))

    def advance(self, rows: npt.NDArray[np.intp], continuing: npt.NDArray[np.bool_]) -> None:
        """Move the given rows on to their next continuing choice (or to exhausted): from each
        row's current position, look one rank further only for the rows not yet placed (most
        find a continuing candidate within a rank or two)."""
        if rows.size == 0:
            return
        ok_ext = np.append(continuing, False)  # index NONE (-1) maps to the appended False
        stays = ok_ext[self.top[rows]]  # still at a continuing candidate: nothing to do
        pending = rows[~stays]
        at = self.pos[pending] + 1
        stop_ext = ok_ext.copy()
        stop_ext[NONE] = True  # rows are left-justified: the first NONE means exhausted
        step = self.width + 1
        while pending.size:
            cand = self._flat[pending * step + at]
            stop = stop_ext[cand]
            done, placed = pending[stop], cand[stop]
            self.top[done] = placed
            self.pos[done] = np.where(placed == NONE, self.width, at[stop])
            keep = ~stop
            pending, at = pending[keep], at[keep] + 1

    def move(
        self, rows: npt.NDArray[np.intp], continuing: npt.NDArray[np.bool_]
    ) -> tuple[IntArray, int]:
        """Advance rows and return what they add to each candidate (and to exhausted).
        The rows carry their current weight (already reduced for a surplus transfer)."""
        self.advance(rows, continuing)
        if self.recorder is not None:
            self.recorder.moved(rows, self.pos[rows], self.top[rows], self.weight[rows])
        return self._sum(self.top[rows], self.weight[rows] * self.counts[rows])


def ceil_div(a: IntArray, b: int) -> IntArray:
    return -((-a) // b)
