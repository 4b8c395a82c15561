"""Instant-runoff voting (single winner).

Each round every ballot counts for its top continuing candidate. A candidate with more than
half of the votes of continuing ballots (ballots still ranking a continuing candidate) wins.
Otherwise the lowest candidate is excluded: ties go to the candidate lowest at the most recent
earlier round where the tied candidates differed, then to lots. Options: ``batch`` excludes at
once the largest group of lowest candidates whose combined votes are below the next candidate
(they cannot win, as RCTab's batch elimination); ``exclude_first`` excludes given candidates in
round 1 (RCTab's handling of undeclared write-ins).
"""

from __future__ import annotations

from collections.abc import Sequence

from .ballots import Profile
from .counting import Piles
from .errors import CountError
from .result import ELECTED, Result
from .stv.common import CountState, Progress, make_lots, no_valid_ballots
from .ties import TieMode


def _batch(state: CountState) -> list[int]:
    ranked = sorted(state.hopeful, key=lambda c: (int(state.votes[c]), c))
    cumulative, best = 0, -1
    for i in range(len(ranked) - 1):
        cumulative += int(state.votes[ranked[i]])
        if cumulative < int(state.votes[ranked[i + 1]]):
            best = i
    return ranked[: best + 1] if best >= 1 else []


def count_irv(
    profile: Profile,
    *,
    batch: bool = False,
    exclude_first: Sequence[int] = (),
    tie_mode: TieMode = "random",
    seed: str | None = None,
    progress: Progress | None = None,
    paths: bool = False,
) -> Result:
    eligible = profile.n_candidates - len(profile.withdrawn)
    if eligible < 1:
        raise CountError("no eligible candidates")
    prof = profile.without(profile.withdrawn).compact()
    rule = "irv-batch" if batch else "irv"
    if prof.nonempty().n_ballots == 0:
        return no_valid_ballots(
            prof, method="irv", rule=rule, seats=1, tie_mode=tie_mode, seed=seed
        )
    state = CountState(
        prof,
        1,
        places=0,
        method="irv",
        rule=rule,
        lots=make_lots(prof, tie_mode, seed),
        progress=progress,
    )
    piles = Piles(prof, 1)
    if paths:
        state.paths = piles.record_paths(profile, prof)
    state.votes, state.exhausted = piles.tally()
    forced = [c for c in exclude_first if c not in prof.withdrawn]
    while True:
        state.new_round()
        hopeful = state.hopeful
        continuing = int(sum(int(state.votes[c]) for c in hopeful))
        state.quota = continuing // 2 + 1
        state.stage("count")
        leader = max(hopeful, key=lambda c: int(state.votes[c]))
        if int(state.votes[leader]) * 2 > continuing or len(hopeful) == 1:
            state.elect(leader)
            break
        if forced:
            out, forced = forced, []
        else:
            out = _batch(state) if batch else []
            if not out:
                low = min(int(state.votes[c]) for c in hopeful)
                tied = [c for c in hopeful if state.votes[c] == low]
                out = [state.break_tie(tied, "exclude", lowest=True, look_back=True)]
        for c in out:
            state.defeat(c)
        added, gone = piles.move(piles.rows_at(out), state.continuing_mask())
        state.votes += added
        state.exhausted += gone
        state.votes[out] = 0
        state.stage("exclude", tuple(out))
    for c in state.hopeful:
        state.defeat(c)
    state.result.quota = state.quota
    state.stage("end")
    assert state.status[state.result.elected[0]] == ELECTED
    return state.done()
