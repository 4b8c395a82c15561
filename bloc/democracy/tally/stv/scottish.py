"""Scottish STV: The Scottish Local Government Elections Order 2007, rules 45-52.

Integer Droop quota; every transfer value truncated to 5 decimal places; surpluses of the
largest first; ties settled by the most recent stage at which the tied candidates differed,
then by lot. Fixed-point arithmetic on integers scaled by 10**5 (never floats). Reproduces the
Droop package's ``scotland-fixed-p5-d5`` rule.
"""

from __future__ import annotations

from ..ballots import Profile
from ..counting import Piles
from ..result import ELECTED, Result
from ..ties import TieMode
from .common import CountState, Progress, make_lots, no_valid_ballots, prepare

PLACES = 5
RULE = "scotland-fixed-p5-d5"


def count_scottish(
    profile: Profile,
    seats: int | None = None,
    *,
    tie_mode: TieMode = "random",
    seed: str | None = None,
    progress: Progress | None = None,
    paths: bool = False,
) -> Result:
    prof, n_seats = prepare(profile, seats)
    if prof.n_ballots == 0:
        return no_valid_ballots(
            prof,
            method="stv",
            rule=RULE,
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
        rule=RULE,
        lots=make_lots(prof, tie_mode, seed),
        progress=progress,
    )
    scale = state.scale
    # A transfer forms weight x surplus: up to ballots x scale x scale.
    piles = Piles(prof, scale, largest=prof.n_ballots * scale * scale)
    if paths:
        state.paths = piles.record_paths(profile, prof)
    # Rule 46: valid papers divided by seats + 1, decimals ignored, plus one.
    state.quota = (prof.n_ballots // (n_seats + 1) + 1) * scale
    quota = state.quota
    state.votes, state.exhausted = piles.tally()  # rule 45
    state.stage("count")

    def complete() -> bool:
        left = state.seats_left()
        return left <= 0 or len(state.hopeful) <= left

    while True:
        # Rule 47: anyone at or over the quota is elected (highest vote first).
        reached = [c for c in state.hopeful if state.votes[c] >= quota]
        for c in sorted(reached, key=lambda c: (int(state.votes[c]), c), reverse=True):
            state.elect(c, pending=True)
        if complete():
            break
        state.new_round()
        pending = state.pending
        if pending:
            # Rules 48-49: transfer the largest surplus first.
            high = max(int(state.votes[c]) for c in pending)
            tied = [c for c in pending if state.votes[c] == high]
            c = state.break_tie(tied, "surplus", lowest=False, look_back=True)
            state.status[c] = ELECTED
            surplus = int(state.votes[c]) - quota
            rows = piles.rows_at([c])
            # Rule 48(3): value = surplus x value received / total votes, 5 places, truncated.
            piles.weight[rows] = piles.weight[rows] * surplus // int(state.votes[c])
            added, gone = piles.move(rows, state.continuing_mask())
            state.votes += added
            state.exhausted += gone
            state.votes[c] = quota
            state.stage("surplus", (c,), surplus=surplus)
            continue
        hopeful = state.hopeful
        if hopeful:
            # Rules 50-51: exclude the lowest; ties by the latest stage that differed, then lot.
            low = min(int(state.votes[c]) for c in hopeful)
            tied = [c for c in hopeful if state.votes[c] == low]
            c = state.break_tie(tied, "exclude", lowest=True, look_back=True)
            state.defeat(c)
            rows = piles.rows_at([c])
            added, gone = piles.move(rows, state.continuing_mask())
            state.votes += added
            state.exhausted += gone
            state.votes[c] = 0
            state.stage("exclude", (c,))
        if complete():
            break
    # Rule 52: the last vacancies are filled by the continuing candidates.
    return state.finish()
