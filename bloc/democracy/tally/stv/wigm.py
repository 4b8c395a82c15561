"""Weighted inclusive Gregory method, as the PR Foundation's reference rule (``wigm-prf``).

Quota: ballots / (seats + 1), truncated to 4 places, plus 0.0001. Each round elects everyone
at the quota (surplus pending), then transfers the largest pending surplus (new weight =
weight x surplus, truncated, / total vote, truncated) or, if none is pending, excludes the
lowest candidate. ``batch=True`` first excludes the largest group of sure losers (rule B.2).
Ties go to a predetermined order (lots). Reproduces Droop's ``wigm-prf-fixed-p4-d4`` and
``wigm-prf-batch-fixed-p4-d4``.
"""

from __future__ import annotations

from ..ballots import Profile
from ..counting import Piles
from ..result import ELECTED, Result
from ..ties import TieMode
from .common import CountState, Progress, make_lots, no_valid_ballots, prepare

PLACES = 4


def _sure_losers(state: CountState, quota: int) -> list[int]:
    """Rule B.2: the largest low group whose total plus all pending surpluses is below the
    next candidate, never splitting equal votes, leaving enough hopefuls for the seats."""
    surplus = sum(int(state.votes[c]) - quota for c in state.pending)
    ranked = sorted(state.hopeful, key=lambda c: (int(state.votes[c]), c))
    groups: list[list[int]] = []
    group: list[int] = []
    base = 0
    for c in ranked:
        v = int(state.votes[c])
        if base + surplus >= v:
            group.append(c)  # within the surplus of the group's lowest: tied for this purpose
        else:
            if group:
                groups.append(group)
            group, base = [c], v
    if group:
        groups.append(group)
    max_defeat = len(ranked) - state.seats_left()
    total, taken, best = 0, 0, -1
    for g in range(len(groups) - 1):
        taken += len(groups[g])
        if taken > max_defeat:
            break
        total += sum(int(state.votes[c]) for c in groups[g])
        if total + surplus < int(state.votes[groups[g + 1][0]]):
            best = g
    return [c for g in groups[: best + 1] for c in g]


def count_wigm(
    profile: Profile,
    seats: int | None = None,
    *,
    batch: bool = False,
    tie_mode: TieMode = "random",
    seed: str | None = None,
    progress: Progress | None = None,
    paths: bool = False,
) -> Result:
    prof, n_seats = prepare(profile, seats)
    rule = "wigm-prf-batch-fixed-p4-d4" if batch else "wigm-prf-fixed-p4-d4"
    if prof.n_ballots == 0:
        return no_valid_ballots(
            prof,
            method="stv",
            rule=rule,
            seats=n_seats,
            places=PLACES,
            tie_mode=tie_mode,
            seed=seed,
        )
    state = CountState(
        prof,
        n_seats,
        places=PLACES,
        method="stv",
        rule=rule,
        lots=make_lots(prof, tie_mode, seed),
        progress=progress,
    )
    scale = state.scale
    # A transfer forms weight x surplus: up to ballots x scale x scale.
    piles = Piles(prof, scale, largest=prof.n_ballots * scale * scale)
    if paths:
        state.paths = piles.record_paths(profile, prof)
    state.quota = prof.n_ballots * scale // (n_seats + 1) + 1  # A.1
    quota = state.quota
    state.votes, state.exhausted = piles.tally()
    state.stage("count")

    def transfer(candidates: list[int]) -> tuple[int, int]:
        rows = piles.rows_at(candidates)
        added, gone = piles.move(rows, state.continuing_mask())
        state.votes += added
        state.exhausted += gone
        return int(added.sum()), gone

    while len(state.hopeful) > state.seats_left() > 0:
        state.new_round()
        reached = [c for c in state.hopeful if state.votes[c] >= quota]  # B.1
        for c in sorted(reached, key=lambda c: (int(state.votes[c]), c), reverse=True):
            state.elect(c, pending=True)
        if batch:
            losers = _sure_losers(state, quota)  # B.2
            if losers:
                for c in losers:
                    state.defeat(c)
                if len(state.hopeful) <= state.seats_left():
                    break
                transfer(losers)
                for c in losers:
                    state.votes[c] = 0
                state.stage("exclude", tuple(sorted(losers)), note="sure losers")
                continue
        pending = state.pending
        if pending:  # B.3
            high = max(int(state.votes[c]) for c in pending)
            c = state.break_tie(
                [c for c in pending if state.votes[c] == high],
                "surplus",
                lowest=False,
                look_back=False,
            )
            state.status[c] = ELECTED
            surplus = int(state.votes[c]) - quota
            rows = piles.rows_at([c])
            kept = piles.weight[rows] * surplus // scale  # D.4: truncate each step
            piles.weight[rows] = kept * scale // int(state.votes[c])
            transfer([c])
            state.votes[c] = quota
            state.stage("surplus", (c,), surplus=surplus)
        elif state.hopeful:  # B.4
            low = min(int(state.votes[c]) for c in state.hopeful)
            c = state.break_tie(
                [c for c in state.hopeful if state.votes[c] == low],
                "exclude",
                lowest=True,
                look_back=False,
            )
            state.defeat(c)
            transfer([c])
            state.votes[c] = 0
            state.stage("exclude", (c,))
    return state.finish()
