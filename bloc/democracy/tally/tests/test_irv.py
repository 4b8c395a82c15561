"""Instant-runoff: textbook example and RCTab's Minneapolis 2013 mayoral race."""

from __future__ import annotations

import json

import pytest

from bloc.democracy.tally.ballots import from_names
from bloc.democracy.tally.irv import count_irv
from bloc.democracy.tally.rctab import load_rctab_config, read_ess

from .conftest import RCTAB, need

TENNESSEE = ["Memphis", "Nashville", "Chattanooga", "Knoxville"]


def tennessee():
    return from_names(
        TENNESSEE,
        [
            ("Memphis>Nashville>Chattanooga>Knoxville", 42),
            ("Nashville>Chattanooga>Knoxville>Memphis", 26),
            ("Chattanooga>Knoxville>Nashville>Memphis", 15),
            ("Knoxville>Chattanooga>Nashville>Memphis", 17),
        ],
    )


def test_tennessee_elects_knoxville_in_three_rounds() -> None:
    result = count_irv(tennessee())
    rounds = [s.votes for s in result.stages if s.action == "count"]
    assert rounds == [(42, 26, 15, 17), (42, 26, 0, 32), (42, 0, 0, 58)]
    assert result.winners == ["Knoxville"]
    assert [result.candidates[s.subjects[0]] for s in result.stages if s.action == "exclude"] == [
        "Chattanooga",
        "Nashville",
    ]


def test_exclusion_tie_is_settled_by_the_previous_round() -> None:
    # B and C tie at 3 in round 2; in round 1 C had fewer (2 < 3), so C goes.
    profile = from_names(
        ["A", "B", "C", "D"],
        [("A", 5), ("B", 3), ("C", 2), ("D>C", 1)],
    )
    result = count_irv(profile, seed="x")
    tie = result.tie_breaks[0]
    assert tie.method == "prior-round" and result.candidates[tie.chosen] == "C"
    assert result.winners == ["A"]


@pytest.fixture(scope="module")
def minneapolis():
    contest = load_rctab_config(need(RCTAB / "2013_minneapolis_mayor_config.json"))
    profile = read_ess(need(RCTAB / "2013_minneapolis_mayor_cvr.xlsx"), contest)
    expected = json.loads(
        (RCTAB / "2013_minneapolis_mayor_expected_detailed_report.json").read_text()
    )
    return contest, profile, expected


def test_minneapolis_reads_every_ballot(minneapolis) -> None:
    _, profile, _ = minneapolis
    assert profile.n_ballots + profile.blank == 80_101
    assert profile.blank == 639  # "Number of Undervotes (No Rankings)" in RCTab's report


def test_minneapolis_matches_rctab_in_every_round(minneapolis) -> None:
    contest, profile, expected = minneapolis
    result = count_irv(
        profile, batch=contest.batch_elimination, exclude_first=sorted(profile.write_ins)
    )
    assert result.winners == ["BETSY HODGES"]
    rounds = [s for s in result.stages if s.action == "count"]
    assert len(rounds) == len(expected["results"]) == 33
    excluded = [s for s in result.stages if s.action == "exclude"]
    for stage, ref in zip(rounds, expected["results"], strict=True):
        ours = {
            result.candidates[c]: v
            for c, v in enumerate(stage.votes)
            if stage.status[c] == "hopeful"
        }
        assert ours == {name: int(v) for name, v in ref["tally"].items()}, stage.round
        assert stage.quota == int(ref["threshold"])
        inactive = sum(int(v) for v in ref["inactiveBallots"].values())
        assert stage.exhausted == inactive, stage.round
    for stage, ref in zip(excluded, expected["results"], strict=False):
        names = sorted(result.candidates[c] for c in stage.subjects)
        assert names == sorted(t["eliminated"] for t in ref["tallyResults"])
    final = rounds[-1]
    hodges, andrew = (result.candidates.index(n) for n in ("BETSY HODGES", "MARK ANDREW"))
    assert (final.votes[hodges], final.votes[andrew]) == (38_852, 24_942)
