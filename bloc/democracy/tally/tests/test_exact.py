"""Counts stay exact at any size (Python integers where int64 would overflow), totals past the
exact range are refused, and a count without a valid ballot elects nobody."""

from __future__ import annotations

import json
from unittest import mock

import pytest
from hypothesis import given, settings

from bloc.democracy.tally import counting
from bloc.democracy.tally.ballots import MAX_BALLOTS, Profile, from_names, from_rankings
from bloc.democracy.tally.blt import dumps_blt
from bloc.democracy.tally.cli import main
from bloc.democracy.tally.condorcet import count_borda, count_schulze
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.plurality import count_approval, count_plurality
from bloc.democracy.tally.result import Result
from bloc.democracy.tally.stv.meek import count_meek
from bloc.democracy.tally.stv.scottish import count_scottish
from bloc.democracy.tally.stv.wigm import count_wigm

from .test_properties import profiles

NAMES = ("A", "B", "C", "D")
#: 2 seats. Scottish STV: A (40) is elected and passes 6 to B; D is excluded and C (35)
#: reaches the quota: A and C win, whatever multiple of these counts is cast.
BASE = (("A>B", 40), ("B>C", 25), ("C>A", 20), ("D>C", 15))


def scaled(k: int) -> Profile:
    return from_names(NAMES, [(text, n * k) for text, n in BASE])


COUNTS = {
    "scottish": lambda p: count_scottish(p, 2, seed="s"),
    "wigm": lambda p: count_wigm(p, 2, seed="s"),
    "meek": lambda p: count_meek(p, 2, seed="s"),
    "irv": lambda p: count_irv(p, seed="s"),
    "plurality": lambda p: count_plurality(p, 2, seed="s"),
    "approval": lambda p: count_approval(p, 2, seed="s"),
    "schulze": lambda p: count_schulze(p, seed="s"),
    "borda": lambda p: count_borda(p, seed="s"),
}
SCALES = [10**6, 10**12, 10**15, 9 * 10**16]  # up to 9 x 10^18 ballots in all


@pytest.mark.parametrize("k", SCALES)
@pytest.mark.parametrize("method", COUNTS)
def test_huge_counts_elect_the_same_with_no_negative_votes(method: str, k: int) -> None:
    small, big = COUNTS[method](scaled(1)), COUNTS[method](scaled(k))
    assert big.winners == small.winners
    total = sum(n for _, n in BASE) * k * 10**big.places
    for stage in big.stages:
        assert min(stage.votes) >= 0 and stage.exhausted >= 0
        if method in ("scottish", "wigm", "irv"):
            assert sum(stage.votes) + stage.exhausted <= total
    if method in ("irv", "plurality", "approval", "borda"):  # integer rules: exactly k times
        for a, b in zip(small.stages, big.stages, strict=True):
            assert [v * k for v in a.votes] == list(b.votes)
    if method == "schulze":
        names = small.extra["pairwise"]
        assert {x: {y: d * k for y, d in row.items()} for x, row in names.items()} == (
            big.extra["pairwise"]
        )


def test_the_cli_counts_huge_blt_multipliers_exactly(tmp_path, capsys) -> None:
    path = tmp_path / "big.blt"
    path.write_text(dumps_blt(scaled(9 * 10**16), seats=2))
    assert main([str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == ["A", "C"] and data["ballots"] == 9 * 10**18
    assert all(not v.startswith("-") for s in data["stages"] for v in s["votes"].values())


SETTINGS = settings(max_examples=40, deadline=None)


@SETTINGS
@given(profiles())
def test_python_integers_give_the_same_count_as_int64(profile: Profile) -> None:
    """The exact fallback is the same arithmetic: forced everywhere, every stage is equal."""

    def stages(result: Result) -> list[tuple[object, ...]]:
        return [(s.action, s.subjects, s.votes, s.exhausted, s.quota) for s in result.stages]

    seats = min(2, profile.n_candidates)
    for count in (*COUNTS.values(), lambda p: count_meek(p, seats, seed="s")):
        fast = count(profile)
        with mock.patch.object(counting, "INT64_SAFE", 0):
            exact = count(profile)
        assert stages(exact) == stages(fast) and exact.winners == fast.winners


def test_a_total_past_the_exact_range_is_refused() -> None:
    from_rankings(NAMES, [((0,), MAX_BALLOTS)])
    with pytest.raises(ValueError, match="more than 9223372036854775807 ballots in all"):
        from_rankings(NAMES, [((0,), MAX_BALLOTS), ((1,), 1)])


EMPTY = {
    "zero counts": from_names(NAMES, [("A>B", 0), ("B", 0)]),
    "no rankings": Profile(NAMES, scaled(1).ranks[:, :0], scaled(1).counts),
    "only withdrawn": Profile(
        NAMES, scaled(1).ranks[:1], scaled(1).counts[:1], withdrawn=frozenset({0, 1})
    ),
}


@pytest.mark.parametrize("case", EMPTY)
@pytest.mark.parametrize("method", COUNTS)
def test_no_valid_ballots_elects_nobody(method: str, case: str) -> None:
    result = COUNTS[method](EMPTY[case])
    assert result.elected == [] and result.tie_breaks == []
    assert result.extra["no_valid_ballots"] is True


def test_the_cli_says_no_valid_ballots(tmp_path, capsys) -> None:
    path = tmp_path / "votes.csv"
    path.write_text("count,rank1,rank2\n0,A,B\n0,B,A\n")
    for method in ("irv", "plurality", "borda"):
        assert main([str(path), "--method", method]) == 0
        out = capsys.readouterr().out
        assert "No valid ballots: nobody is elected." in out and "Elected: nobody" in out
    assert main([str(path), "--seats", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["elected"] == [] and data["no_valid_ballots"] is True
