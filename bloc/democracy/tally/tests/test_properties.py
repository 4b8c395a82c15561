"""Property tests (Hypothesis) across the counting rules."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.democracy.tally.ballots import Profile, compact_rows, from_rankings
from bloc.democracy.tally.condorcet import condorcet_winner, count_schulze, pairwise
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.stv.meek import count_meek
from bloc.democracy.tally.stv.scottish import count_scottish
from bloc.democracy.tally.stv.wigm import count_wigm


@st.composite
def profiles(draw: st.DrawFn, max_candidates: int = 5) -> Profile:
    n = draw(st.integers(2, max_candidates))
    ballots = draw(
        st.lists(
            st.tuples(
                st.permutations(range(n)).flatmap(
                    lambda p: st.integers(1, len(p)).map(lambda k: tuple(p[:k]))
                ),
                st.integers(1, 9),
            ),
            min_size=1,
            max_size=12,
        )
    )
    return from_rankings([f"C{i}" for i in range(n)], ballots)


def shuffled(profile: Profile, seed: int) -> Profile:
    order = np.random.default_rng(seed).permutation(profile.counts.size)
    rows = [
        (tuple(int(c) for c in profile.ranks[i] if c >= 0), int(profile.counts[i])) for i in order
    ]
    return from_rankings(profile.candidates, rows)


SETTINGS = settings(max_examples=60, deadline=None)


@SETTINGS
@given(profiles(), st.integers(0, 10**6))
def test_ballot_order_never_changes_a_result(profile: Profile, seed: int) -> None:
    other = shuffled(profile, seed)
    for count in (count_irv, lambda p, **k: count_scottish(p, 2, **k)):
        a, b = count(profile, seed="s"), count(other, seed="s")
        assert a.winners == b.winners
        assert [s.votes for s in a.stages] == [s.votes for s in b.stages]


@SETTINGS
@given(profiles())
def test_renaming_candidates_permutes_the_result(profile: Profile) -> None:
    renamed = Profile(tuple(f"new-{n}" for n in profile.candidates), profile.ranks, profile.counts)
    a, b = count_scottish(profile, 2, seed="s"), count_scottish(renamed, 2, seed="s")
    assert [f"new-{w}" for w in a.winners] == b.winners


@SETTINGS
@given(profiles())
def test_one_seat_stv_equals_irv_when_nobody_ties(profile: Profile) -> None:
    irv = count_irv(profile, seed="s")
    stv = count_scottish(profile, 1, seed="s")
    if not irv.tie_breaks and not stv.tie_breaks:
        # IRV's majority of continuing votes and STV's Droop quota elect the same candidate.
        assert irv.winners == stv.winners


@SETTINGS
@given(profiles())
def test_condorcet_winner_wins_schulze(profile: Profile) -> None:
    w = condorcet_winner(pairwise(profile))
    if w is not None:
        assert count_schulze(profile).elected == [w]


@SETTINGS
@given(profiles(), st.integers(1, 3))
def test_votes_are_conserved_in_every_stage(profile: Profile, seats: int) -> None:
    seats = min(seats, profile.n_candidates)
    total = profile.n_ballots
    irv = count_irv(profile, seed="s")
    for s in irv.stages:
        assert sum(s.votes) + s.exhausted == total
    for result in (count_scottish(profile, seats, seed="s"), count_wigm(profile, seats, seed="s")):
        scale = 10**result.places
        for s in result.stages:
            held = sum(s.votes) + s.exhausted
            # Truncating a paper's value (WIGM: twice) loses under one unit of the last place
            # per paper per transfer; nothing is ever created.
            assert held <= total * scale
            assert total * scale - held <= 2 * total * len(result.stages)
    meek = count_meek(profile, seats, seed="s")
    # Stages where votes were just distributed (after the last exclusion Meek stops without
    # redistributing, as the reference rule does).
    for s in (s for s in meek.stages if s.action in ("count", "elect", "exclude")):
        # Meek rounds each keep value up, so the total may exceed by a unit per paper and rank.
        excess = sum(s.votes) + s.exhausted - total * 10**meek.places
        assert -total * profile.max_rank <= excess <= total * profile.max_rank


@SETTINGS
@given(profiles(), st.sets(st.integers(0, 4), max_size=3))
def test_a_profile_marked_compact_is_compact(profile: Profile, drop: set[int]) -> None:
    """Counts skip re-merging a profile marked compact, so the mark must always be true:
    after merging, after removing candidates (rows may then coincide) and dropping blanks."""
    steps = [profile.compact()]
    steps.append(steps[0].without(c for c in drop if c < profile.n_candidates))
    steps.append(steps[1].nonempty())
    steps.append(steps[2].compact())
    for prof in steps:
        if prof.compacted:
            ranks, counts = compact_rows(prof.ranks, prof.counts, prof.n_candidates)
            assert np.array_equal(ranks, prof.ranks) and np.array_equal(counts, prof.counts)
    assert steps[-1].compacted and steps[-1].n_ballots == steps[1].nonempty().n_ballots
