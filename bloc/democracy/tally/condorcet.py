"""Pairwise counts, the Condorcet winner check, Schulze and Borda.

A ballot prefers every candidate it ranks to every candidate it leaves unranked; two unranked
candidates are tied on it. ``d[i, j]`` is the number of ballots preferring i to j.
Schulze: ``p[i, j] = d[i, j]`` if ``d[i, j] > d[j, i]`` else 0, widened by the strongest path
(Floyd-Warshall on the bottleneck); i beats j if ``p[i, j] > p[j, i]``; the winners are those
nobody beats; the order ranks candidates by how many others they beat.
Borda: the candidate at position k (from 0) of a ballot gets ``n_candidates - 1 - k`` points;
unranked candidates get 0.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from .ballots import NONE, Profile
from .counting import ValueArray, value_dtype
from .result import DEFEATED, ELECTED, Result, Stage
from .stv.common import make_lots, no_valid_ballots
from .ties import TieBreak, TieMode

IntMatrix = npt.NDArray[np.int64]


def pairwise(profile: Profile) -> IntMatrix:
    n, width = profile.n_candidates, profile.max_rank
    pos = np.full((profile.ranks.shape[0], n), width, dtype=np.int64)
    rows = np.arange(profile.ranks.shape[0])
    for k in range(width):
        col = profile.ranks[:, k]
        ok = col != NONE
        pos[rows[ok], col[ok]] = k
    d = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        d[i] = profile.counts @ (pos[:, i : i + 1] < pos)
    return d


def condorcet_winner(d: IntMatrix) -> int | None:
    n = d.shape[0]
    for i in range(n):
        if all(d[i, j] > d[j, i] for j in range(n) if j != i):
            return i
    return None


def strongest_paths(d: IntMatrix) -> IntMatrix:
    p = np.where(d > d.T, d, 0)
    n = d.shape[0]
    for k in range(n):
        via = np.minimum(p[:, k : k + 1], p[k : k + 1, :])
        p = np.maximum(p, via)
        np.fill_diagonal(p, 0)
    return p


def _result(
    profile: Profile, method: str, scores: list[int], winner: int, lots_seed: tuple[str, str]
) -> Result:
    status = tuple(ELECTED if c == winner else DEFEATED for c in range(profile.n_candidates))
    res = Result(
        method=method,
        rule=method,
        candidates=profile.candidates,
        seats=1,
        places=0,
        ballots=profile.n_ballots,
        elected=[winner],
        tie_mode=lots_seed[0],
        seed=lots_seed[1],
        title=profile.title,
    )
    res.stages.append(Stage(1, "count", (), tuple(scores), status, 0))
    return res


def _counted(profile: Profile) -> Profile:
    """Withdrawn candidates removed from every ballot (they are then never elected)."""
    return profile.without(profile.withdrawn)


def count_schulze(
    profile: Profile, *, tie_mode: TieMode = "random", seed: str | None = None
) -> Result:
    profile = _counted(profile)
    if profile.nonempty().n_ballots == 0:
        return no_valid_ballots(
            profile, method="schulze", rule="schulze", seats=1, tie_mode=tie_mode, seed=seed
        )
    d = pairwise(profile)
    p = strongest_paths(d)
    n = profile.n_candidates
    beats = [int(sum(p[i, j] > p[j, i] for j in range(n) if j != i)) for i in range(n)]
    winners = [
        i
        for i in range(n)
        if i not in profile.withdrawn and all(p[i, j] >= p[j, i] for j in range(n) if j != i)
    ]
    lots = make_lots(profile, tie_mode, seed)
    winner = winners[0] if len(winners) == 1 else lots.pick(winners)
    res = _result(profile, "schulze", beats, winner, (lots.mode, lots.seed))
    if len(winners) > 1:
        res.tie_breaks.append(TieBreak(1, "elect", tuple(winners), winner, lots.method))
    names = profile.candidates
    res.extra.update(
        pairwise={names[i]: {names[j]: int(d[i, j]) for j in range(n)} for i in range(n)},
        strongest_paths={names[i]: {names[j]: int(p[i, j]) for j in range(n)} for i in range(n)},
        order=[names[c] for c in sorted(range(n), key=lambda c: (-beats[c], c))],
        condorcet_winner=(lambda w: None if w is None else names[w])(condorcet_winner(d)),
    )
    return res


def count_borda(
    profile: Profile, *, tie_mode: TieMode = "random", seed: str | None = None
) -> Result:
    profile = _counted(profile)
    if profile.nonempty().n_ballots == 0:
        return no_valid_ballots(
            profile, method="borda", rule="borda", seats=1, tie_mode=tie_mode, seed=seed
        )
    n = profile.n_candidates
    dtype = value_dtype(profile.n_ballots * max(n - 1, 1))  # Python integers past int64
    scores: ValueArray = np.zeros(n, dtype=dtype)
    counts: ValueArray = profile.counts.astype(dtype)
    for k, col in enumerate(profile.ranks.T):
        ok = col != NONE
        np.add.at(scores, col[ok], counts[ok] * (n - 1 - k))
    eligible = [c for c in range(n) if c not in profile.withdrawn]
    top = max(int(scores[c]) for c in eligible)
    tied = [c for c in eligible if scores[c] == top]
    lots = make_lots(profile, tie_mode, seed)
    winner = tied[0] if len(tied) == 1 else lots.pick(tied)
    res = _result(profile, "borda", [int(s) for s in scores], winner, (lots.mode, lots.seed))
    if len(tied) > 1:
        res.tie_breaks.append(TieBreak(1, "elect", tuple(tied), winner, lots.method))
    return res
