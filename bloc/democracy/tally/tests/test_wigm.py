"""WIGM (PR Foundation reference rule) against Droop's ``wigm-prf[-batch]-fixed-p4-d4``."""

from __future__ import annotations

import pytest

from bloc.democracy.tally.blt import read_blt
from bloc.democracy.tally.result import fmt
from bloc.democracy.tally.stv.wigm import count_wigm

from .conftest import DROOP, assert_matches_droop, droop_tie_choices, need, read_droop_report

PAIRS = {
    "Begin Count": ("count",),
    "Surplus transferred": ("surplus",),
    "Transfer defeated": ("exclude",),
}


@pytest.mark.parametrize("batch", [False, True], ids=["single", "batch"])
@pytest.mark.parametrize("name", ["SC", "M135", "SC-Vm-12", "42", "513"])
def test_matches_droop_reference_stage_by_stage(name: str, batch: bool) -> None:
    profile = read_blt(need(DROOP / "blt" / f"{name}.blt"))
    result = count_wigm(profile, batch=batch, tie_mode="order")
    report = read_droop_report(DROOP / "ref" / f"{name}-{result.rule}.txt")
    assert fmt(result.quota or 0, 4) == report.quota
    assert sorted(result.winners) == report.elected()
    assert assert_matches_droop(result, report, PAIRS) >= 1
    assert [result.candidates[t.chosen] for t in result.tie_breaks] == droop_tie_choices(report)


def test_batch_exclusion_takes_fewer_stages_with_the_same_winners() -> None:
    profile = read_blt(need(DROOP / "blt" / "M135.blt"))
    single = count_wigm(profile, tie_mode="order")
    batch = count_wigm(profile, batch=True, tie_mode="order")
    assert sorted(single.winners) == sorted(batch.winners)
    assert len(batch.stages) < len(single.stages)
    assert any(len(s.subjects) > 1 for s in batch.stages if s.action == "exclude")
