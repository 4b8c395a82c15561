"""Deterministic tie-breaking: earlier rounds first where the rule says so, then lots.

Lots are drawn once per count as a complete order of the candidates, so a count can be
repeated exactly. With ``mode="random"`` the order sorts candidate indices by
``SHA-256("<seed>:<index>")`` (hex digest, ascending); the seed is published with the result
and defaults to the SHA-256 of the ballot file. With ``mode="order"`` the order is given (a
BLT ``[tie ...]`` line, or ballot order), which is how the Droop package breaks ties.
In every case the candidate that comes first in the order is the one the lot "falls on": the
one excluded when choosing whom to exclude, the one whose surplus goes first when choosing a
surplus.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

TieMode = Literal["random", "order"]


@dataclass(frozen=True)
class TieBreak:
    """How one tie was broken, for the report."""

    round: int
    purpose: str  #: "exclude", "surplus" or "elect"
    tied: tuple[int, ...]
    chosen: int
    method: str  #: "prior-round" (counts at an earlier round), "lot", or "order"
    decided_at_round: int | None = None  #: for "prior-round": the round that decided it


def lot_order(n: int, seed: str) -> tuple[int, ...]:
    """The published drawing procedure: sort indices by SHA-256 of ``f"{seed}:{index}"``."""
    return tuple(sorted(range(n), key=lambda i: hashlib.sha256(f"{seed}:{i}".encode()).digest()))


class Lots:
    """A predetermined order used whenever a rule says "decide by lot"."""

    def __init__(
        self,
        n_candidates: int,
        *,
        mode: TieMode = "random",
        seed: str = "",
        order: Sequence[int] | None = None,
    ) -> None:
        if mode == "order":
            chosen = tuple(order) if order is not None else tuple(range(n_candidates))
        else:
            chosen = lot_order(n_candidates, seed)
        if sorted(chosen) != list(range(n_candidates)):
            raise ValueError("a tie-breaking order must list every candidate exactly once")
        self.mode: TieMode = mode
        self.seed = seed if mode == "random" else ""
        self.order = chosen
        self._position = np.empty(n_candidates, dtype=np.int64)
        self._position[list(chosen)] = np.arange(n_candidates)

    @property
    def method(self) -> str:
        return "lot" if self.mode == "random" else "order"

    def pick(self, tied: Sequence[int]) -> int:
        return min(tied, key=lambda c: int(self._position[c]))


def narrow_by_history(
    tied: Sequence[int],
    history: Sequence[npt.NDArray[np.int64]],
    *,
    lowest: bool,
) -> tuple[list[int], int | None]:
    """Look back through earlier rounds' counts, most recent first, keeping the tied candidates
    that were lowest (or highest). Returns the survivors and the round index that left one."""
    group = list(tied)
    for k in range(len(history) - 1, -1, -1):
        votes = history[k]
        values = [int(votes[c]) for c in group]
        target = min(values) if lowest else max(values)
        group = [c for c, v in zip(group, values, strict=True) if v == target]
        if len(group) == 1:
            return group, k
    return group, None
