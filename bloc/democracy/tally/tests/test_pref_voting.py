"""Differential tests against pref_voting (a dev-only dependency) on random profiles, for the
rules that coincide with ours:

* Schulze winners, on complete rankings. pref_voting's Schulze (``beat_path``) measures a
  defeat by its margin, ours by winning votes (``d[i][j]``); with complete rankings
  ``d[i][j] + d[j][i]`` is the number of ballots, so the two orders agree. On truncated
  ballots they differ by design (not tested).
* Borda scores, on complete rankings (position k earns n-1-k). For truncated ballots
  pref_voting's Borda for profiles with ties scores unranked candidates differently; ours
  gives them 0 (not tested).
* Plurality scores and the set of top candidates (we then draw one by lot).
* IRV winner, complete and truncated rankings, when no tie arises in our count: pref_voting
  removes every candidate tied for fewest votes at once, we break the tie (previous rounds,
  then lot), so tied profiles differ by design and are skipped. Both stop at a majority of the
  ballots still ranking a continuing candidate.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from bloc.democracy.tally.ballots import Profile, from_rankings
from bloc.democracy.tally.condorcet import count_borda, count_schulze
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.plurality import count_plurality

pv_profiles = pytest.importorskip("pref_voting.profiles")
pv_ties = pytest.importorskip("pref_voting.profiles_with_ties")
pv_margin = pytest.importorskip("pref_voting.margin_based_methods")
pv_scoring = pytest.importorskip("pref_voting.scoring_methods")
pv_iter = pytest.importorskip("pref_voting.iterative_methods")

N_PROFILES = 300
pytestmark = pytest.mark.slow  # pref_voting imports numba, scipy, pandas...


def random_rankings(rng: np.random.Generator, truncated: bool) -> tuple[int, list[list[int]]]:
    n_cand = int(rng.integers(2, 7))
    n_voters = int(rng.integers(1, 40))
    skew = np.log(1.0 / np.arange(1, n_cand + 1) ** rng.uniform(0, 1.5))
    rows = []
    for _ in range(n_voters):
        order = np.argsort(-(skew + rng.gumbel(size=n_cand)))
        k = int(rng.integers(1, n_cand + 1)) if truncated else n_cand
        rows.append([int(c) for c in order[:k]])
    return n_cand, rows


def ours(n_cand: int, rows: list[list[int]]) -> Profile:
    return from_rankings([f"c{i}" for i in range(n_cand)], [(r, 1) for r in rows]).compact()


def winners_before_lot(result_elected: list[int], tie_breaks: list) -> list[int]:  # type: ignore[type-arg]
    return sorted(tie_breaks[0].tied) if tie_breaks else sorted(result_elected)


@pytest.fixture(scope="module")
def complete() -> list[tuple[int, list[list[int]]]]:
    rng = np.random.default_rng(2026)
    return [random_rankings(rng, truncated=False) for _ in range(N_PROFILES)]


@pytest.fixture(scope="module")
def truncated() -> list[tuple[int, list[list[int]]]]:
    rng = np.random.default_rng(1127)
    return [random_rankings(rng, truncated=True) for _ in range(N_PROFILES)]


def test_schulze_winners_match(complete) -> None:  # type: ignore[no-untyped-def]
    for n_cand, rows in complete:
        res = count_schulze(ours(n_cand, rows), seed="t")
        ref = pv_margin.beat_path(pv_profiles.Profile(rows))
        assert winners_before_lot(res.elected, res.tie_breaks) == sorted(ref), rows


def test_borda_scores_match(complete) -> None:  # type: ignore[no-untyped-def]
    for n_cand, rows in complete:
        res = count_borda(ours(n_cand, rows), seed="t")
        prof = pv_profiles.Profile(rows)
        ref = prof.borda_scores()
        assert list(res.stages[0].votes) == [ref[c] for c in range(n_cand)], rows
        assert winners_before_lot(res.elected, res.tie_breaks) == sorted(pv_scoring.borda(prof))


def test_plurality_scores_and_top_match(complete, truncated) -> None:  # type: ignore[no-untyped-def]
    for n_cand, rows in complete:
        res = count_plurality(ours(n_cand, rows), 1, seed="t")
        prof = pv_profiles.Profile(rows)
        ref = prof.plurality_scores()
        assert list(res.stages[0].votes) == [ref[c] for c in range(n_cand)], rows
        assert winners_before_lot(res.elected, res.tie_breaks) == sorted(pv_scoring.plurality(prof))


def _pv_truncated(n_cand: int, rows: list[list[int]]):  # type: ignore[no-untyped-def]
    rankings = [{c: k + 1 for k, c in enumerate(r)} for r in rows]
    return pv_ties.ProfileWithTies(rankings, candidates=list(range(n_cand)))


def test_irv_winner_matches_when_no_tie(complete, truncated) -> None:  # type: ignore[no-untyped-def]
    compared = 0
    for kind, profiles in (("complete", complete), ("truncated", truncated)):
        for n_cand, rows in profiles:
            res = count_irv(ours(n_cand, rows), seed="t")
            if res.tie_breaks:
                continue  # pref_voting drops all tied candidates at once: differs by design
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                if kind == "complete":
                    ref = pv_iter.instant_runoff(pv_profiles.Profile(rows))
                else:
                    ref = pv_iter.instant_runoff_for_truncated_linear_orders(
                        _pv_truncated(n_cand, rows)
                    )
            assert sorted(res.elected) == sorted(ref), (kind, rows)
            compared += 1
    assert compared >= N_PROFILES  # most random profiles have no tie: the test really compares
