"""Meek STV (PR Foundation reference rule) against Droop's ``meek-prf-o6-fixed-p9-d9``."""

from __future__ import annotations

import pytest

from bloc.democracy.tally.ballots import from_names
from bloc.democracy.tally.blt import read_blt
from bloc.democracy.tally.errors import CountError
from bloc.democracy.tally.result import fmt
from bloc.democracy.tally.stv.meek import count_meek

from .conftest import DROOP, assert_matches_droop, droop_tie_choices, need, read_droop_report

PAIRS = {"Begin Count": ("count",), "Elect:": ("elect",), "Defeat (": ("exclude",)}


@pytest.mark.parametrize("name", ["SC", "M135", "SC-Vm-12", "42", "513"])
def test_matches_droop_reference_at_every_election_and_exclusion(name: str) -> None:
    profile = read_blt(need(DROOP / "blt" / f"{name}.blt"))
    result = count_meek(profile, tie_mode="order")
    assert result.rule == "meek-prf-o6-fixed-p9-d9"
    report = read_droop_report(DROOP / "ref" / f"{name}-{result.rule}.txt")
    assert sorted(result.winners) == report.elected()
    assert assert_matches_droop(result, report, PAIRS) >= 3
    assert [result.candidates[t.chosen] for t in result.tie_breaks] == droop_tie_choices(report)


def test_precision_is_configurable_and_named() -> None:
    profile = from_names(["A", "B", "C"], [("A>B", 4), ("B", 3), ("C>B", 2)])
    result = count_meek(profile, 1, places=6, omega_places=4)
    assert result.rule == "meek-prf-o4-fixed-p6-d6"
    assert result.winners == ["B"]
    assert fmt(result.stages[0].votes[0], 6) == "4.000000"
    assert fmt(result.quota or 0, 6) == "4.500001"
    with pytest.raises(CountError):
        count_meek(profile, 1, places=12)
