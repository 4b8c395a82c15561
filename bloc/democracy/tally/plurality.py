"""Plurality and approval (n-of-m): most marks win; ties for the last seat go to lots."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .ballots import NONE, Profile, total_ballots
from .errors import CountError
from .result import DEFEATED, ELECTED, WITHDRAWN, Result, Stage
from .stv.common import make_lots, no_valid_ballots
from .ties import TieBreak, TieMode


def count_marks(
    profile: Profile,
    seats: int = 1,
    *,
    max_marks: int | None = 1,
    method: str = "plurality",
    tie_mode: TieMode = "random",
    seed: str | None = None,
) -> Result:
    """Each ballot gives one vote to every candidate it marks (order ignored). Ballots with
    more than ``max_marks`` marks are rejected (counted in ``extra["rejected"]``). Withdrawn
    candidates are removed from every ballot and never elected."""
    profile = profile.without(profile.withdrawn)
    eligible = [c for c in range(profile.n_candidates) if c not in profile.withdrawn]
    if not 1 <= seats <= len(eligible):
        raise CountError(f"{seats} seats for {len(eligible)} candidates")
    if max_marks is not None and max_marks < 1:
        raise CountError(f"a ballot must be allowed at least one mark, not {max_marks}")
    rows = profile.counts.size
    marks = (profile.ranks != NONE).sum(axis=1) if profile.max_rank else np.zeros(rows, dtype=int)
    valid = marks <= max_marks if max_marks is not None else np.ones(rows, dtype=bool)
    rule = f"{method}-{seats}" if method == "approval" else method
    if total_ballots(profile.counts[valid & (marks > 0)]) == 0:
        empty = no_valid_ballots(
            profile, method=method, rule=rule, seats=seats, tie_mode=tie_mode, seed=seed
        )
        empty.extra["rejected"] = total_ballots(profile.counts[~valid])
        return empty
    totals = np.zeros(profile.n_candidates, dtype=np.int64)  # at most the ballots: int64
    for col in profile.ranks.T:
        ok = valid & (col != NONE)
        np.add.at(totals, col[ok], profile.counts[ok])
    lots = make_lots(profile, tie_mode, seed)
    order = sorted(eligible, key=lambda c: -int(totals[c]))
    cutoff = int(totals[order[seats - 1]])
    sure = [c for c in order if totals[c] > cutoff]
    tied = [c for c in order if totals[c] == cutoff]
    result = Result(
        method=method,
        rule=rule,
        candidates=profile.candidates,
        seats=seats,
        places=0,
        ballots=total_ballots(profile.counts[valid]),
        tie_mode=lots.mode,
        seed=lots.seed,
        title=profile.title,
    )
    chosen = list(sure)
    while len(chosen) < seats:
        pick = lots.pick([c for c in tied if c not in chosen])
        if len(tied) > seats - len(sure):
            result.tie_breaks.append(TieBreak(1, "elect", tuple(tied), pick, lots.method))
        chosen.append(pick)
    result.elected = chosen
    status = tuple(
        ELECTED if c in chosen else WITHDRAWN if c in profile.withdrawn else DEFEATED
        for c in range(profile.n_candidates)
    )
    result.stages.append(Stage(1, "count", (), tuple(int(v) for v in totals), status, 0))
    result.extra["rejected"] = total_ballots(profile.counts[~valid])
    return result


def count_plurality(profile: Profile, seats: int = 1, **kw: object) -> Result:
    """Counts each ballot's first preference (a ranked ballot is read as its first choice)."""
    prof = profile.without(profile.withdrawn)  # a withdrawn first choice passes to the next
    first = replace(prof, ranks=prof.ranks[:, :1], compacted=False)
    return count_marks(first, seats, max_marks=1, method="plurality", **kw)  # type: ignore[arg-type]


def count_approval(
    profile: Profile, seats: int = 1, *, max_marks: int | None = None, **kw: object
) -> Result:
    return count_marks(profile, seats, max_marks=max_marks, method="approval", **kw)  # type: ignore[arg-type]
