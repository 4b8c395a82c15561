"""Ballot paths (``paths=True``): every stage's totals are the sum of the ballots' paths."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bloc.democracy.tally.ballots import Profile, from_names, from_rankings
from bloc.democracy.tally.blt import read_blt
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.result import ELECTED, Result
from bloc.democracy.tally.stv.meek import count_meek
from bloc.democracy.tally.stv.scottish import count_scottish
from bloc.democracy.tally.stv.wigm import count_wigm

from .conftest import DROOP, RCTAB, need
from .test_irv import tennessee
from .test_properties import profiles

STV = {
    "scotland": lambda p, seats=None, **k: count_scottish(p, seats, **k),
    "wigm": lambda p, seats=None, **k: count_wigm(p, seats, **k),
    "wigm-batch": lambda p, seats=None, **k: count_wigm(p, seats, batch=True, **k),
    "meek": lambda p, seats=None, **k: count_meek(p, seats, **k),
}
ELECTIONS = ["SC", "M135", "SC-Vm-12", "42", "513", "weak-defeat", "weak-surplus"]


def food() -> Profile:
    return from_names(
        ["Oranges", "Pears", "Chocolate", "Strawberries", "Sweets"],
        [
            ("Oranges", 4),
            ("Pears>Oranges", 2),
            ("Chocolate>Strawberries", 8),
            ("Chocolate>Sweets", 4),
            ("Strawberries", 1),
            ("Sweets", 1),
        ],
    )


def assert_paths_add_up(result: Result) -> None:
    """At every stage: each candidate's votes = the values its ballots give it (held + kept),
    times the rows' counts; exhausted likewise; each ballot's parts add up to its weight."""
    paths = result.paths
    assert paths is not None
    n = len(result.candidates)
    scale = 10**result.places
    counts = paths.counts
    meek = result.rule.startswith("meek")
    total = int(counts.sum()) * scale
    states = paths.states()  # arrays reused from stage to stage
    for k, (stage, (holder, value, kept)) in enumerate(zip(result.stages, states, strict=True)):
        assert np.all(value + kept.sum(axis=1) == scale), k
        assert np.all(value >= 0) and np.all(kept >= 0), k
        held = np.zeros(n + 1, dtype=np.int64)
        np.add.at(held, np.where(holder >= 0, holder, n), value * counts)
        kept_by = np.zeros(n, dtype=np.int64)
        mask = kept != 0
        np.add.at(kept_by, paths.ranks[mask], (kept * counts[:, None])[mask])
        assert held[n] == stage.exhausted, (k, stage.action)
        credited = held[:n] + kept_by
        for c in range(n):
            if credited[c] == stage.votes[c]:
                continue
            if held[c] == 0 and stage.status[c] == ELECTED and stage.votes[c] == result.quota:
                # Surplus transferred: the report shows the quota; the kept parts add up to the
                # quota plus what truncating the transfer values lost.
                assert not meek and credited[c] > stage.votes[c], (k, c)
            else:
                # Meek ends right after an exclusion without redistributing (as the reference
                # rule does): the report shows the excluded candidate at 0, its ballots stay.
                assert meek and stage.status[c] == "defeated" and stage.votes[c] == 0, (k, c)
        if not meek:
            assert int(credited.sum()) + int(held[n]) == total, k
            lost = total - sum(stage.votes) - stage.exhausted
            assert int(credited.sum()) - sum(stage.votes) == lost >= 0, k
        else:
            assert int(credited.sum()) + int(held[n]) == total, k


def assert_consistent_with_winners(result: Result) -> None:
    paths = result.paths
    assert paths is not None
    final = result.stages[-1]
    holder, value, kept = paths.at(len(result.stages) - 1)
    keepers = {int(c) for c in paths.ranks[kept != 0]}
    assert keepers <= set(result.elected)  # only elected candidates keep part of a ballot
    for c in {int(h) for h in holder if h >= 0}:
        assert final.status[c] in ("elected", "defeated")
        assert (final.status[c] == "elected") == (c in result.elected)
    for row in range(len(paths)):
        steps = paths.path(row)
        ranking = paths.ranking(row)
        assert steps[0].stage == 0 and steps[0].holder == (ranking[0] if ranking else None)
        last = steps[-1]
        assert last.holder == (None if holder[row] < 0 else holder[row])
        assert last.value == value[row]
        # A ballot moves down its ranking, never back.
        places = [ranking.index(s.holder) if s.holder is not None else len(ranking) for s in steps]
        assert places == sorted(places)
    if result.method == "irv":
        winner = result.elected[0]
        mine = int(paths.counts[holder == winner].sum())
        assert mine == final.votes[winner]
        assert 2 * mine > int(paths.counts[holder >= 0].sum())
    elif not result.rule.startswith("meek"):
        reached = [s.subjects[0] for s in result.stages if s.action == "elect"]
        for c in reached:
            credited = int((value * paths.counts)[holder == c].sum())
            credited += int((kept * paths.counts[:, None])[paths.ranks == c].sum())
            assert credited >= (result.quota or 0)


def check(result: Result) -> None:
    assert_paths_add_up(result)
    assert_consistent_with_winners(result)


@pytest.mark.parametrize("rule", list(STV))
@pytest.mark.parametrize("name", ELECTIONS)
def test_stv_paths_add_up_on_droop_files(name: str, rule: str) -> None:
    if rule != "scotland" and name.startswith("weak"):
        pytest.skip("Droop's weak-* references are for the Scottish rule")
    profile = read_blt(need(DROOP / "blt" / f"{name}.blt"))
    result = STV[rule](profile, tie_mode="order", paths=True)
    plain = STV[rule](profile, tie_mode="order")
    assert result.stages == plain.stages and result.elected == plain.elected
    check(result)


@pytest.mark.parametrize("rule", list(STV))
def test_food_example_paths(rule: str) -> None:
    result = STV[rule](food(), 3, paths=True)
    check(result)


def test_scottish_surplus_path_reads_as_the_rule() -> None:
    result = count_scottish(food(), 3, paths=True)
    choc, straw = (result.candidates.index(n) for n in ("Chocolate", "Strawberries"))
    steps = result.path(["Chocolate", "Strawberries"])
    # Chocolate's 12 votes, quota 6: each paper goes on at 6/12 and Chocolate keeps the rest.
    assert [(s.holder, s.value, s.kept) for s in steps] == [
        (choc, 100_000, ()),
        (straw, 50_000, ((choc, 50_000),)),
    ]
    assert result.stages[steps[1].stage].action == "surplus"
    oranges = result.path(["Pears", "Oranges"])
    assert [result.candidates[s.holder] for s in oranges if s.holder is not None] == [
        "Pears",
        "Oranges",
    ]


def test_irv_paths_on_tennessee() -> None:
    result = count_irv(tennessee(), paths=True)
    check(result)
    nashville = result.path(["Nashville", "Chattanooga", "Knoxville", "Memphis"])
    assert [(s.round, result.candidates[s.holder or 0], s.value) for s in nashville] == [
        (1, "Nashville", 1),
        (2, "Knoxville", 1),  # Chattanooga was excluded in round 1 already
    ]
    assert result.path([3, 2, 1, 0])[-1].holder == result.elected[0]


@pytest.mark.slow
def test_irv_paths_on_minneapolis() -> None:
    from bloc.democracy.tally.rctab import load_rctab_config, read_ess

    contest = load_rctab_config(need(RCTAB / "2013_minneapolis_mayor_config.json"))
    profile = read_ess(need(RCTAB / "2013_minneapolis_mayor_cvr.xlsx"), contest)
    result = count_irv(
        profile,
        batch=contest.batch_elimination,
        exclude_first=sorted(profile.write_ins),
        paths=True,
    )
    assert result.winners == ["BETSY HODGES"]
    assert_paths_add_up(result)


def test_no_paths_unless_asked() -> None:
    result = count_scottish(food(), 3)
    assert result.paths is None and "paths" not in result.to_dict()
    with pytest.raises(ValueError):
        result.path(["Oranges"])


def test_paths_in_json_and_source_rows() -> None:
    # A withdrawn candidate and an empty row: the profile's rows map to counted rows.
    profile = from_rankings(
        ["A", "B", "C"], [((0, 1), 3), ((2, 0), 2), ((2,), 1), ((1, 0), 4), ((2, 0), 1)]
    )
    profile = Profile(profile.candidates, profile.ranks, profile.counts, withdrawn=frozenset({2}))
    result = count_wigm(profile, 1, paths=True)
    paths = result.paths
    assert paths is not None
    for i, row in enumerate(paths.source_rows.tolist()):
        ranking = tuple(int(c) for c in profile.ranks[i] if c >= 0 and c != 2)
        assert (row == -1) == (not ranking)
        if ranking:
            assert paths.ranking(row) == ranking
    assert result.path(["C", "A"]) == result.path(["A"])  # C was withdrawn
    with pytest.raises(KeyError):
        result.path(["B"])  # nobody ranked B alone
    data = json.loads(result.to_json())
    by_ranking = {tuple(p["ranking"]): p for p in data["paths"]}
    assert by_ranking[("A",)]["count"] == 3
    assert by_ranking[("A", "B")]["steps"][0] == {
        "stage": 0,
        "round": 0,
        "holder": "A",
        "value": "1.0000",
    }
    check(result)


def test_exhausted_step_is_marked_in_json() -> None:
    profile = from_names(["A", "B", "C"], [("A", 5), ("B", 4), ("C", 2)])
    result = count_irv(profile, paths=True)
    (c_path,) = [p for p in result.to_dict()["paths"] if p["ranking"] == ["C"]]
    assert c_path["steps"][-1]["holder"] is None and c_path["steps"][-1]["exhausted"] is True
    check(result)


@settings(max_examples=80, deadline=None)
@given(profiles(), st.integers(1, 3), st.sampled_from([*STV, "irv", "irv-batch"]))
def test_paths_add_up_on_random_profiles(profile: Profile, seats: int, rule: str) -> None:
    if rule.startswith("irv"):
        result = count_irv(profile, batch=rule == "irv-batch", seed="s", paths=True)
    else:
        result = STV[rule](profile, min(seats, profile.n_candidates), seed="s", paths=True)
    check(result)
