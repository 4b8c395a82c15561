"""Shared fixtures: the public test vectors in ``data/`` beside these tests (see its README for
where each file comes from)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent / "data"
DROOP = DATA / "droop"
RCTAB = DATA / "rctab"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.fail(f"test data missing at {path}: it ships in the repository")
    return path


@dataclass
class RefAction:
    message: str
    votes: dict[str, str]
    states: dict[str, str]


@dataclass
class DroopReport:
    quota: str
    ballots: int
    actions: list[RefAction]

    def elected(self) -> list[str]:
        final = self.actions[-1]
        return sorted(n for n, s in final.states.items() if s == "Elected")


_CAND = re.compile(r"^\t(Elected|Pending|Hopeful|Defeated):\s+(.*) \((-?[0-9.]+)\)$")


def read_droop_report(path: Path) -> DroopReport:
    """Parse a Droop text report into its actions and candidate votes."""
    text = need(path).read_text()
    quota = re.search(r"^\tQuota: ([0-9.]+)$", text, re.M)
    ballots = re.search(r"^\tBallots: (\d+)$", text, re.M)
    assert quota and ballots
    actions: list[RefAction] = []
    for line in text.splitlines():
        if line.startswith("Action: "):
            actions.append(RefAction(line[len("Action: ") :], {}, {}))
            continue
        m = _CAND.match(line)
        if m and actions:
            state, names, vote = m.groups()
            for name in names.split(", ") if state == "Defeated" else [names]:
                actions[-1].votes[name] = vote
                actions[-1].states[name] = state
    return DroopReport(quota.group(1), int(ballots.group(1)), actions)


def stage_votes(result: object, stage: object) -> dict[str, str]:
    from bloc.democracy.tally.result import Result, Stage, fmt

    assert isinstance(result, Result) and isinstance(stage, Stage)
    return {result.candidates[c]: fmt(v, result.places) for c, v in enumerate(stage.votes)}


def assert_matches_droop(
    result: object, report: DroopReport, pairs: dict[str, tuple[str, ...]]
) -> int:
    """Compare, in order, each reference action whose message starts with a key of ``pairs``
    with our stages whose action is in the value. Every candidate vote shown by Droop must be
    equal to the digit. Returns the number of compared stages."""
    from bloc.democracy.tally.result import Result

    assert isinstance(result, Result)
    prefixes = tuple(pairs)
    ours_actions = {a for acts in pairs.values() for a in acts}
    refs = [a for a in report.actions if a.message.startswith(prefixes)]
    ours = [s for s in result.stages if s.action in ours_actions]
    assert len(ours) == len(refs), [a.message for a in refs]
    for k, (ref, st) in enumerate(zip(refs, ours, strict=True)):
        expected_kind = next(v for p, v in pairs.items() if ref.message.startswith(p))
        assert st.action in expected_kind, (k, ref.message, st.action)
        votes = stage_votes(result, st)
        for name, vote in ref.votes.items():
            assert votes[name] == vote, (k, ref.message, name, votes[name], vote)
    return len(refs)


def droop_tie_choices(report: DroopReport) -> list[str]:
    return [
        a.message.rsplit("-> ", 1)[1] for a in report.actions if a.message.startswith("Break tie")
    ]
