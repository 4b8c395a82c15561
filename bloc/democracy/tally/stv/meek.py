"""Meek STV, as the PR Foundation's reference rule (``meek-prf``), with configurable precision.

Every candidate has a keep factor (1 for hopeful, 0 once excluded). Each ballot gives each
candidate it ranks, in order, its remaining weight times that candidate's keep factor (rounded
up to ``places``) and passes the rest on. The quota is recomputed from the votes at every
iteration (total / (seats + 1), truncated, plus one unit of the last place). Keep factors of
elected candidates are updated (kf x quota / vote, each step rounded up) until the total
surplus is below ``omega = 10**-omega_places`` or stops falling; then the lowest candidate is
excluded (candidates within the total surplus of the lowest count as tied; lots decide).
Defaults (9 places, omega 10**-6) reproduce Droop's ``meek-prf-o6-fixed-p9-d9``.

Counting is vectorised over the distinct ballot rows, one rank column at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..ballots import Profile
from ..counting import ValueArray, ceil_div, exact_bincount, value_dtype
from ..errors import CountError
from ..paths import EXHAUSTED, PathRecorder
from ..result import DEFEATED, ELECTED, HOPEFUL, Result
from ..ties import TieMode
from .common import CountState, Progress, make_lots, no_valid_ballots, prepare


class _Distributor:
    """Distributes every ballot down its ranking by keep factors (rule B.2.a)."""

    def __init__(self, profile: Profile, scale: int) -> None:
        # weight x keep factor is at most scale x scale (< 2**63 for 9 places): int64 always;
        # times a row's count it is up to ballots x scale, in Python integers past int64
        n_ballots = profile.n_ballots
        # (rounding each keep up adds a unit per rank: well under a second scale per ballot)
        self.dtype = value_dtype(2 * n_ballots * scale)
        self.counts: ValueArray = profile.counts.astype(self.dtype)
        self.ranks = profile.ranks
        self.n = profile.n_candidates
        # Map the NONE padding (-1) to an extra candidate slot whose keep factor is zero.
        self.columns = [np.where(col >= 0, col, self.n) for col in profile.ranks.T]
        self.scale = scale
        self.bound = n_ballots * scale + 1

    def votes(self, kf: np.ndarray) -> tuple[np.ndarray, int]:
        kf_ext = np.append(kf, 0).astype(np.int64)
        weight = np.full(self.counts.size, self.scale, dtype=np.int64)
        totals: ValueArray = np.zeros(self.n + 1, dtype=self.dtype)
        for col in self.columns:
            keep = ceil_div(weight * kf_ext[col], self.scale)  # w x kf, rounded up
            totals += exact_bincount(col, keep * self.counts, self.n + 1, self.bound)
            weight -= keep
        residual = int((weight * self.counts).sum())
        return totals[: self.n], residual

    def split(self, kf: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's share of :meth:`votes` (for ballot paths): ``(holder, value, kept)``.
        The holder is the first candidate with keep factor 1, who takes all that is left
        (``EXHAUSTED`` and the residual when there is none); kept is what the candidates
        before it keep, by rank."""
        kf_ext = np.append(kf, 0).astype(np.int64)
        rows = self.counts.size
        width = len(self.columns)
        weight = np.full(rows, self.scale, dtype=np.int64)
        kept = np.zeros((rows, width), dtype=np.int64)
        pos = np.full(rows, width, dtype=np.int64)
        for j, col in enumerate(self.columns):
            keep = ceil_div(weight * kf_ext[col], self.scale)
            kept[:, j] = keep
            weight -= keep
            pos[(pos == width) & (kf_ext[col] == self.scale)] = j
        found = pos < width
        at = np.arange(rows)[found]
        holder = np.full(rows, EXHAUSTED, dtype=np.int64)
        holder[found] = self.ranks[at, pos[found]]
        value = weight.copy()
        value[found] = kept[at, pos[found]]
        kept[np.arange(width)[None, :] >= pos[:, None]] = 0
        return holder, value, kept


def _refresh(recorder: PathRecorder, dist: _Distributor, kf: np.ndarray) -> Callable[[], None]:
    return lambda: recorder.replace(*dist.split(kf))


def count_meek(
    profile: Profile,
    seats: int | None = None,
    *,
    places: int = 9,
    omega_places: int = 6,
    tie_mode: TieMode = "random",
    seed: str | None = None,
    progress: Progress | None = None,
    max_iterations: int = 10_000,
    paths: bool = False,
) -> Result:
    if not 1 <= places <= 9:
        raise CountError("Meek precision must be between 1 and 9 decimal places")
    if not 1 <= omega_places <= places:
        raise CountError("omega must be between 1 and the precision")
    prof, n_seats = prepare(profile, seats)
    rule = f"meek-prf-o{omega_places}-fixed-p{places}-d{places}"
    if prof.n_ballots == 0:
        return no_valid_ballots(
            prof,
            method="stv",
            rule=rule,
            seats=n_seats,
            places=places,
            tie_mode=tie_mode,
            seed=seed,
        )
    state = CountState(
        prof,
        n_seats,
        places=places,
        method="stv",
        rule=rule,
        lots=make_lots(prof, tie_mode, seed),
        progress=progress,
    )
    scale = state.scale
    omega = scale // 10**omega_places
    dist = _Distributor(prof, scale)
    kf = np.where(state.status == HOPEFUL, scale, 0).astype(np.int64)
    state.quota = prof.n_ballots * scale // (n_seats + 1) + 1
    state.votes = prof.first_preferences().astype(dist.dtype) * scale
    recorder = None
    if paths:
        rows = prof.counts.size
        first = np.full(rows, EXHAUSTED, dtype=np.int64)
        if prof.max_rank:
            first[:] = prof.ranks[:, 0]
        recorder = PathRecorder(profile, prof, first, np.full(rows, scale, dtype=np.int64))
        state.paths = recorder
    state.stage("count")
    iterations = 0
    while len(state.hopeful) > state.seats_left() > 0:
        state.new_round()
        status = "iterate"
        last_surplus = prof.n_ballots * scale
        surplus = 0
        while True:
            iterations += 1
            if iterations > max_iterations:
                raise CountError(f"Meek iteration did not converge in {max_iterations} steps")
            votes, residual = dist.votes(kf)  # B.2.a
            if recorder is not None:
                recorder.refresh = _refresh(recorder, dist, kf.copy())
            state.votes = np.where(state.status == DEFEATED, 0, votes)
            state.exhausted = residual
            counted = [c for c in state.having(HOPEFUL, ELECTED)]
            total = int(sum(int(state.votes[c]) for c in counted))
            state.quota = total // (n_seats + 1) + 1  # B.2.b
            quota = state.quota
            for c in [c for c in state.hopeful if state.votes[c] >= quota]:  # B.2.c
                state.elect(c)
                status = "elected"
            elected = state.having(ELECTED)
            surplus = max(0, sum(int(state.votes[c]) - quota for c in elected))  # B.2.d
            if status != "elected":  # B.2.e
                if surplus < omega:
                    status = "omega"
                elif surplus >= last_surplus:
                    status = "stable"
            if status != "iterate":
                break
            last_surplus = surplus
            for c in elected:  # B.2.f
                kept = -(-int(kf[c]) * quota // scale)
                kf[c] = -(-kept * scale // int(state.votes[c]))
        if status == "elected":
            continue
        hopeful = state.hopeful
        if hopeful:  # B.3
            low = min(int(state.votes[c]) for c in hopeful)
            tied = [c for c in hopeful if state.votes[c] <= low + surplus]
            c = state.break_tie(tied, "exclude", lowest=True, look_back=False)
            state.defeat(c)
            state.stage(
                "exclude",
                (c,),
                surplus=surplus,
                note=f"{status}: total surplus {state.result.value(surplus)}",
            )
            state.votes[c] = 0
            kf[c] = 0
    state.result.extra["iterations"] = iterations
    return state.finish()
