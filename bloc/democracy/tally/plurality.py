"""Plurality and approval (n-of-m): most marks win; ties for the last seat go to lots."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .ballots import NONE, Profile
from .errors import CountError
from .result import DEFEATED, ELECTED, Result, Stage
from .stv.common import make_lots
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
    more than ``max_marks`` marks are rejected (counted in ``extra["rejected"]``)."""
    if not 1 <= seats <= profile.n_candidates:
        raise CountError(f"{seats} seats for {profile.n_candidates} candidates")
    marks = (profile.ranks != NONE).sum(axis=1) if profile.max_rank else np.zeros(0)
    valid = marks <= max_marks if max_marks is not None else np.ones(marks.size, dtype=bool)
    totals = np.zeros(profile.n_candidates, dtype=np.int64)
    for col in profile.ranks.T:
        ok = valid & (col != NONE)
        np.add.at(totals, col[ok], profile.counts[ok])
    lots = make_lots(profile, tie_mode, seed)
    order = sorted(range(profile.n_candidates), key=lambda c: -int(totals[c]))
    cutoff = int(totals[order[seats - 1]])
    sure = [c for c in order if totals[c] > cutoff]
    tied = [c for c in order if totals[c] == cutoff]
    result = Result(
        method=method,
        rule=f"{method}-{seats}" if method == "approval" else method,
        candidates=profile.candidates,
        seats=seats,
        places=0,
        ballots=int(profile.counts[valid].sum()),
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
    status = tuple(ELECTED if c in chosen else DEFEATED for c in range(profile.n_candidates))
    result.stages.append(Stage(1, "count", (), tuple(int(v) for v in totals), status, 0))
    result.extra["rejected"] = int(profile.counts[~valid].sum())
    return result


def count_plurality(profile: Profile, seats: int = 1, **kw: object) -> Result:
    """Counts each ballot's first preference (a ranked ballot is read as its first choice)."""
    first = replace(profile, ranks=profile.ranks[:, :1], compacted=False)
    return count_marks(first, seats, max_marks=1, method="plurality", **kw)  # type: ignore[arg-type]


def count_approval(
    profile: Profile, seats: int = 1, *, max_marks: int | None = None, **kw: object
) -> Result:
    return count_marks(profile, seats, max_marks=max_marks, method="approval", **kw)  # type: ignore[arg-type]
