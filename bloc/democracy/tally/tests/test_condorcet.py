"""Schulze, the Condorcet winner check, Borda, plurality, approval and yes/no."""

from __future__ import annotations

from fractions import Fraction

import pytest

from bloc.democracy.tally.ballots import from_names
from bloc.democracy.tally.condorcet import count_borda, count_schulze, pairwise
from bloc.democracy.tally.errors import CountError
from bloc.democracy.tally.plurality import count_approval, count_plurality
from bloc.democracy.tally.yesno import count_yes_no

from .test_irv import tennessee

SCHULZE = [
    ("ACBED", 5), ("ADECB", 5), ("BEDAC", 8), ("CABED", 3),
    ("CAEBD", 7), ("CBADE", 2), ("DCEBA", 7), ("EBADC", 8),
]  # fmt: skip


def test_schulze_wikipedia_example() -> None:
    result = count_schulze(from_names(list("ABCDE"), SCHULZE, sep=""))
    assert result.winners == ["E"]
    assert result.extra["order"] == ["E", "A", "C", "B", "D"]
    assert result.extra["condorcet_winner"] is None
    assert result.extra["pairwise"]["A"]["B"] == 20
    assert result.extra["strongest_paths"]["E"]["A"] == 25
    assert result.extra["strongest_paths"]["A"]["E"] == 24


def test_tennessee_condorcet_borda_schulze_nashville_plurality_memphis() -> None:
    profile = tennessee()
    assert count_schulze(profile).extra["condorcet_winner"] == "Nashville"
    assert count_schulze(profile).winners == ["Nashville"]
    assert count_borda(profile).winners == ["Nashville"]
    assert count_plurality(profile).winners == ["Memphis"]
    d = pairwise(profile)
    assert d[1, 0] == 58 and d[0, 1] == 42


def test_approval_n_of_m_rejects_overmarked_ballots() -> None:
    profile = from_names(list("ABCD"), [("AB", 4), ("BC", 3), ("ABCD", 10), ("D", 2)], sep="")
    result = count_approval(profile, 2, max_marks=2)
    assert result.extra["rejected"] == 10
    assert result.winners == ["B", "A"]
    assert result.stages[0].votes == (4, 7, 3, 2)


def test_plurality_tie_is_drawn_and_reported() -> None:
    profile = from_names(list("AB"), [("A", 3), ("B", 3)], sep="")
    one = count_plurality(profile, seed="s1")
    assert one.tie_breaks and one.tie_breaks[0].tied == (0, 1)
    assert one.winners == count_plurality(profile, seed="s1").winners


@pytest.mark.parametrize(
    ("yes", "no", "abstain", "threshold", "passed"),
    [
        (50, 50, 0, "majority", False),
        (51, 50, 9, "majority", True),
        (66, 34, 0, "2/3", False),
        (200, 100, 0, "2/3", True),
        (60, 40, 0, "3/5", True),
        (59, 41, 0, "3/5", False),
    ],
)
def test_yes_no_thresholds_of_votes_cast(yes, no, abstain, threshold, passed) -> None:
    assert count_yes_no(yes, no, abstain, threshold=threshold).passed is passed


def test_yes_no_of_electorate_and_quorum() -> None:
    r = count_yes_no(40, 5, 5, threshold="majority", of="electorate", electorate=100)
    assert not r.passed and r.base == 100
    r = count_yes_no(30, 5, 0, quorum=Fraction(2, 5), electorate=100)
    assert not r.quorum_met and not r.passed
    r = count_yes_no(30, 5, 5, quorum="2/5", electorate=100)
    assert r.quorum_met and r.passed
    with pytest.raises(CountError):
        count_yes_no(1, 1, of="electorate")
