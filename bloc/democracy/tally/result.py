"""The result of a count: a typed object with every stage, serialisable to JSON and a table."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ties import TieBreak

if TYPE_CHECKING:
    from .paths import Paths, Step

#: candidate status codes used in stages
HOPEFUL, PENDING, ELECTED, DEFEATED, WITHDRAWN = (
    "hopeful",
    "pending",
    "elected",
    "defeated",
    "withdrawn",
)


def fmt(value: int, places: int) -> str:
    """Render a scaled integer with ``places`` decimals (truncating nothing: exact)."""
    if places == 0:
        return str(value)
    sign = "-" if value < 0 else ""
    q, r = divmod(abs(value), 10**places)
    return f"{sign}{q}.{r:0{places}d}"


@dataclass(frozen=True)
class Stage:
    """One step of a count, with the state of every candidate after it.

    ``action`` is one of: ``count`` (first preferences), ``elect`` (reached the quota;
    "pending" while its surplus waits), ``surplus`` (a surplus was transferred), ``exclude``
    (a candidate was excluded and the ballots moved on), ``elect-remaining``,
    ``defeat-remaining``, ``iterate`` (Meek: keep factors converged), ``end``.
    Votes are integers scaled by ``10**places`` of the result.
    """

    round: int
    action: str
    subjects: tuple[int, ...]
    votes: tuple[int, ...]
    status: tuple[str, ...]
    exhausted: int
    quota: int | None = None
    surplus: int | None = None
    note: str = ""


@dataclass
class Result:
    method: str
    rule: str
    candidates: tuple[str, ...]
    seats: int
    places: int
    ballots: int
    elected: list[int] = field(default_factory=list)
    stages: list[Stage] = field(default_factory=list)
    tie_breaks: list[TieBreak] = field(default_factory=list)
    quota: int | None = None
    tie_mode: str = "random"
    seed: str = ""
    title: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    #: each ballot row's path through the count, when asked for (``paths=True``)
    paths: Paths | None = None

    @property
    def winners(self) -> list[str]:
        return [self.candidates[c] for c in self.elected]

    @property
    def winner(self) -> str | None:
        return self.winners[0] if self.elected else None

    def value(self, scaled: int | None) -> str | None:
        return None if scaled is None else fmt(scaled, self.places)

    def rounds(self) -> list[Stage]:
        """The last stage of each round (what a round table shows)."""
        last: dict[int, Stage] = {}
        for st in self.stages:
            last[st.round] = st
        return [last[k] for k in sorted(last)]

    def path(self, ballot: Sequence[int | str]) -> list[Step]:
        """The path of the ballots ranking ``ballot`` (candidate names or indices, first
        preference first). Needs a count run with ``paths=True``."""
        if self.paths is None:
            raise ValueError("this count did not record ballot paths (count with paths=True)")
        row = self.paths.find(ballot)
        if row is None:
            raise KeyError(f"no counted ballot ranks {list(ballot)!r}")
        return self.paths.path(row)

    def to_dict(self) -> dict[str, Any]:
        names = self.candidates
        stages = []
        previous: Stage | None = None
        for st in self.stages:
            item: dict[str, Any] = {
                "round": st.round,
                "action": st.action,
                "subjects": [names[c] for c in st.subjects],
                "votes": {names[c]: fmt(v, self.places) for c, v in enumerate(st.votes)},
                "status": {names[c]: s for c, s in enumerate(st.status)},
                "exhausted": fmt(st.exhausted, self.places),
                "quota": self.value(st.quota),
            }
            if st.surplus is not None:
                item["surplus"] = fmt(st.surplus, self.places)
            if previous is not None and st.action in ("surplus", "exclude"):
                item["transfers"] = {
                    names[c]: fmt(v - previous.votes[c], self.places)
                    for c, v in enumerate(st.votes)
                    if v != previous.votes[c]
                }
                item["transfers"]["exhausted"] = fmt(st.exhausted - previous.exhausted, self.places)
            if st.note:
                item["note"] = st.note
            stages.append(item)
            previous = st
        return {
            "method": self.method,
            "rule": self.rule,
            "title": self.title,
            "seats": self.seats,
            "ballots": self.ballots,
            "decimal_places": self.places,
            "quota": self.value(self.quota),
            "candidates": list(names),
            "elected": self.winners,
            "tie_break": {"mode": self.tie_mode, "seed": self.seed},
            "tie_breaks": [
                {
                    "round": t.round,
                    "purpose": t.purpose,
                    "tied": [names[c] for c in t.tied],
                    "chosen": names[t.chosen],
                    "method": t.method,
                    "decided_at_round": t.decided_at_round,
                }
                for t in self.tie_breaks
            ],
            "stages": stages,
            **self.extra,
            **({"paths": self.paths.to_list()} if self.paths is not None else {}),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)
