"""Each ballot's path through a count, recorded only when asked for (``paths=True``).

For every distinct ballot row that was counted, a path lists *steps*. A step says, from one
stage of the count on (until the next step), where the ballot's value sits:

* ``holder``: the candidate the ballot currently counts for, at ``value`` (its transferable
  value, scaled like every vote by ``10**places``); ``None`` when the ballot is exhausted
  (no continuing preference left) and ``value`` is non-transferable;
* ``kept``: the parts of its value that elected candidates keep, ``(candidate, value)`` in
  ballot order. In Scottish STV and WIGM a candidate whose surplus is transferred keeps
  ``old value - new value`` of each of its ballots; in Meek every elected candidate keeps
  its keep factor's share each round.

``value + sum(kept)`` is always the ballot's whole weight (1 for IRV, ``10**places`` for STV).
Summed over ballots (times each row's count), the values held by a candidate equal its votes
in the stage, and the exhausted values equal the stage's non-transferable total. The one
exception is a candidate whose surplus was transferred: the report shows exactly the quota,
while its ballots' kept parts add up to the quota plus what truncating transfer values lost.

A count records its steps through a :class:`PathRecorder` (counted rules call it only when it
exists, so a count without paths does no extra work) and publishes them as :class:`Paths`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from .ballots import NONE, Profile

if TYPE_CHECKING:
    from .result import Result

IntArray = npt.NDArray[np.int64]
RowArray = npt.NDArray[np.intp]
EXHAUSTED = -1  #: holder code of an exhausted ballot in the state arrays


def _fmt(value: int, places: int) -> str:
    from .result import fmt

    return fmt(value, places)


@dataclass(frozen=True)
class Step:
    """Where one ballot's value sits from ``stage`` (an index into ``Result.stages``) on."""

    stage: int
    round: int
    holder: int | None  #: candidate index, or None when the ballot is exhausted
    value: int  #: scaled by ``10**places``
    kept: tuple[tuple[int, int], ...] = ()  #: (elected candidate, value it keeps)

    @property
    def is_exhausted(self) -> bool:
        return self.holder is None


@dataclass(frozen=True)
class _Change:
    """New state of some rows, taking effect at a stage. ``kept`` is None when all zero."""

    stage: int
    rows: RowArray  #: sorted
    holder: IntArray
    value: IntArray
    kept: IntArray | None  #: rows x ranks, aligned with the rows' rankings


class Paths:
    """The recorded paths of one count (``Result.paths``)."""

    def __init__(
        self,
        *,
        candidates: tuple[str, ...],
        places: int,
        ranks: npt.NDArray[np.int32],
        counts: IntArray,
        holder: IntArray,
        value: IntArray,
        changes: list[_Change],
        stage_rounds: list[int],
        withdrawn: frozenset[int],
        source_rows: IntArray,
    ) -> None:
        self.candidates = candidates
        self.places = places
        #: the counted rankings (distinct rows, withdrawn candidates removed) and their counts
        self.ranks = ranks
        self.counts = counts
        self._holder = holder
        self._value = value
        self._changes = changes
        self._stage_rounds = stage_rounds
        self.withdrawn = withdrawn
        #: for each row of the profile given to the count: its row here, or -1 (not counted)
        self.source_rows = source_rows
        self._index: dict[bytes, int] | None = None

    def __len__(self) -> int:
        return int(self.counts.size)

    def ranking(self, row: int) -> tuple[int, ...]:
        return tuple(int(c) for c in self.ranks[row] if c >= 0)

    # -- looking up ---------------------------------------------------------------------------
    def find(self, ballot: Sequence[int | str]) -> int | None:
        """The row counted for a ballot ranking (candidate indices or names), or None."""
        names = {n: i for i, n in enumerate(self.candidates)}
        ranking = [names[c] if isinstance(c, str) else int(c) for c in ballot]
        ranking = [c for c in ranking if c not in self.withdrawn]
        width = self.ranks.shape[1]
        if len(ranking) > width:
            return None
        key = np.full(width, NONE, dtype=np.int32)
        key[: len(ranking)] = ranking
        if self._index is None:
            rows = np.ascontiguousarray(self.ranks, dtype=np.int32)
            self._index = {r.tobytes(): i for i, r in enumerate(rows)}
        return self._index.get(key.tobytes())

    def path(self, row: int) -> list[Step]:
        """The steps of one row, the first at stage 0."""
        if not 0 <= row < len(self):
            raise IndexError(f"no ballot row {row}")
        steps = [self._step(0, int(self._holder[row]), int(self._value[row]), None, row)]
        for ch in self._changes:
            i = int(np.searchsorted(ch.rows, row))
            if i < ch.rows.size and ch.rows[i] == row:
                kept = None if ch.kept is None else ch.kept[i]
                steps.append(self._step(ch.stage, int(ch.holder[i]), int(ch.value[i]), kept, row))
        return steps

    def _step(self, stage: int, holder: int, value: int, kept: IntArray | None, row: int) -> Step:
        pairs: tuple[tuple[int, int], ...] = ()
        if kept is not None:
            cols = np.flatnonzero(kept)
            pairs = tuple((int(self.ranks[row, j]), int(kept[j])) for j in cols)
        return Step(
            stage=stage,
            round=self._stage_rounds[stage] if self._stage_rounds else 0,
            holder=None if holder < 0 else holder,
            value=value,
            kept=pairs,
        )

    # -- whole-count views --------------------------------------------------------------------
    def states(self) -> Iterator[tuple[IntArray, IntArray, IntArray]]:
        """For each stage in order: ``(holder, value, kept)`` of every row after it.

        ``holder`` is a candidate index or ``EXHAUSTED`` (-1); ``kept`` is rows x ranks,
        aligned with :attr:`ranks`. The arrays are reused from one stage to the next (copy
        them to keep them)."""
        holder = self._holder.copy()
        value = self._value.copy()
        kept = np.zeros(self.ranks.shape, dtype=np.int64)
        changes = iter(self._changes)
        pending = next(changes, None)
        for stage in range(len(self._stage_rounds)):
            while pending is not None and pending.stage == stage:
                holder[pending.rows] = pending.holder
                value[pending.rows] = pending.value
                kept[pending.rows] = 0 if pending.kept is None else pending.kept
                pending = next(changes, None)
            yield holder, value, kept

    def at(self, stage: int) -> tuple[IntArray, IntArray, IntArray]:
        """``(holder, value, kept)`` of every row after ``stage`` (copies)."""
        for k, (holder, value, kept) in enumerate(self.states()):
            if k == stage:
                return holder.copy(), value.copy(), kept.copy()
        raise IndexError(f"no stage {stage}")

    def to_list(self) -> list[dict[str, Any]]:
        """JSON-ready: one item per row, with its ranking, count and steps."""
        names = self.candidates
        steps: list[list[dict[str, Any]]] = []
        for row in range(len(self)):
            steps.append([self._step_dict(0, int(self._holder[row]), int(self._value[row]))])
        for ch in self._changes:
            for i, row in enumerate(ch.rows.tolist()):
                item = self._step_dict(ch.stage, int(ch.holder[i]), int(ch.value[i]))
                if ch.kept is not None:
                    cols = np.flatnonzero(ch.kept[i])
                    if cols.size:
                        item["kept"] = {
                            names[int(self.ranks[row, j])]: _fmt(int(ch.kept[i, j]), self.places)
                            for j in cols
                        }
                steps[row].append(item)
        return [
            {
                "ranking": [names[c] for c in self.ranking(row)],
                "count": int(self.counts[row]),
                "steps": steps[row],
            }
            for row in range(len(self))
        ]

    def _step_dict(self, stage: int, holder: int, value: int) -> dict[str, Any]:
        item: dict[str, Any] = {
            "stage": stage,
            "round": self._stage_rounds[stage] if self._stage_rounds else 0,
            "holder": None if holder < 0 else self.candidates[holder],
            "value": _fmt(value, self.places),
        }
        if holder < 0:
            item["exhausted"] = True
        return item


class PathRecorder:
    """Follows every counted row while a count runs, and builds :class:`Paths` at the end.

    Rules that move ballots through :class:`~.counting.Piles` report each move
    (:meth:`moved`); Meek sets :attr:`refresh` to recompute the whole state from its latest
    keep factors. Changes since the last stage are stamped with the next stage recorded
    (:meth:`stage`).
    """

    def __init__(
        self, source: Profile, counted: Profile, holder: IntArray, value: IntArray
    ) -> None:
        self.source = source
        self.counted = counted
        self.ranks = counted.ranks
        n, self.width = self.ranks.shape
        self.holder = holder.astype(np.int64, copy=True)
        self.value = value.astype(np.int64, copy=True)
        self.holder[self.holder < 0] = EXHAUSTED
        self.pos = self._positions(self.holder)
        self.kept = np.zeros((n, self.width), dtype=np.int64)
        self._initial = (self.holder.copy(), self.value.copy())
        self._pending: list[RowArray] = []
        self._changes: list[_Change] = []
        #: Meek: recomputes the state from the latest distribution at the next stage
        self.refresh: Callable[[], None] | None = None

    def _positions(self, holder: IntArray) -> IntArray:
        """Column of each row's holder (``width`` when exhausted)."""
        if self.width == 0:
            return np.zeros(holder.size, dtype=np.int64)
        hit = (self.ranks == holder[:, None]) & (holder[:, None] >= 0)
        return np.where(hit.any(axis=1), np.argmax(hit, axis=1), self.width).astype(np.int64)

    def moved(self, rows: RowArray, pos: IntArray, top: IntArray, weight: IntArray) -> None:
        """Rows now sit with ``top`` (NONE: exhausted) at ``weight``; whatever value a row
        lost on the way is kept by the candidate it left (a surplus transfer)."""
        if rows.size == 0:
            return
        weight = weight.astype(np.int64, copy=False)  # at most the scale: Python ints fit
        old_pos = self.pos[rows]
        lost = self.value[rows] - weight
        keep = (lost != 0) & (old_pos < self.width)
        self.kept[rows[keep], old_pos[keep]] += lost[keep]
        self.pos[rows] = np.where(top >= 0, pos, self.width)
        self.holder[rows] = np.where(top >= 0, top, EXHAUSTED)
        self.value[rows] = weight
        self._pending.append(rows)

    def replace(self, holder: IntArray, value: IntArray, kept: IntArray) -> None:
        """The whole state at once (Meek); only rows that differ are recorded."""
        changed = (
            (holder != self.holder) | (value != self.value) | np.any(kept != self.kept, axis=1)
        )
        rows = np.flatnonzero(changed)
        self.holder, self.value, self.kept = holder, value, kept
        self.pos = self._positions(holder)
        if rows.size:
            self._pending.append(rows)

    def stage(self, index: int) -> None:
        """A stage was recorded: stamp the changes since the previous one with it."""
        if self.refresh is not None:
            self.refresh()
            self.refresh = None
        if not self._pending:
            return
        rows = np.unique(np.concatenate(self._pending))
        self._pending = []
        kept = self.kept[rows]
        self._changes.append(
            _Change(
                stage=index,
                rows=rows,
                holder=self.holder[rows].copy(),
                value=self.value[rows].copy(),
                kept=kept if bool(kept.any()) else None,
            )
        )

    def build(self, result: Result) -> Paths:
        return Paths(
            candidates=result.candidates,
            places=result.places,
            ranks=self.ranks,
            counts=self.counted.counts.astype(np.int64),
            holder=self._initial[0],
            value=self._initial[1],
            changes=self._changes,
            stage_rounds=[s.round for s in result.stages],
            withdrawn=self.source.withdrawn,
            source_rows=source_rows(self.source, self.ranks),
        )


def source_rows(source: Profile, counted: npt.NDArray[np.int32]) -> IntArray:
    """For each row of ``source``: the row of ``counted`` with the same ranking once withdrawn
    candidates are removed, or -1."""
    ranks = source.without(source.withdrawn).ranks
    width = counted.shape[1]
    index = {r.tobytes(): i for i, r in enumerate(np.ascontiguousarray(counted, dtype=np.int32))}
    out = np.full(ranks.shape[0], -1, dtype=np.int64)
    fits = np.all(ranks[:, width:] == NONE, axis=1)
    head = np.ascontiguousarray(ranks[:, :width], dtype=np.int32)
    for i in np.flatnonzero(fits).tolist():
        out[i] = index.get(head[i].tobytes(), -1)
    return out
