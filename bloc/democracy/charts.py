"""The numbers behind the result and turnout charts, read from a stored result and a turnout."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bloc.core.charts import Chart, bar_chart, format_number
from bloc.democracy.selectors import Turnout

_ELECTED = ("elected", "pending")
_OUT = ("defeated", "withdrawn")


@dataclass(frozen=True)
class Cell:
    votes: str
    #: "elected" or "eliminated" in the round this happened, else "".
    mark: str = ""


@dataclass(frozen=True)
class RoundRow:
    name: str
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Rounds:
    numbers: tuple[int, ...]
    rows: tuple[RoundRow, ...]
    #: Per round, a sentence: "Round 2: Bo eliminated." (empty rounds say nothing).
    events: tuple[str, ...]
    #: Raw vote totals per candidate per round, for the chart (None once out of the count).
    votes: dict[str, list[Decimal | None]]
    marks: dict[str, str]


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value))


def rounds(data: dict[str, Any]) -> Rounds:
    """The last stage of each round, with who was elected or eliminated in it."""
    candidates: list[str] = list(data.get("candidates", []))
    last: dict[int, dict[str, Any]] = {}
    for stage in data.get("stages", []):
        last[stage["round"]] = stage
    columns = [last[k] for k in sorted(last)]
    marks: dict[str, list[str]] = {name: [] for name in candidates}
    events: list[str] = []
    previous: dict[str, str] = {}
    for column in columns:
        status = column.get("status", {})
        elected, eliminated = [], []
        for name in candidates:
            now, before = status.get(name, ""), previous.get(name, "")
            if now in _ELECTED and before not in _ELECTED:
                marks[name].append("elected")
                elected.append(name)
            elif now in _OUT and before not in _OUT:
                marks[name].append("eliminated")
                eliminated.append(name)
            else:
                marks[name].append("")
        parts = []
        if elected:
            parts.append(f"{', '.join(elected)} elected")
        if eliminated:
            parts.append(f"{', '.join(eliminated)} eliminated")
        if parts:
            events.append(f"Round {column['round']}: {'; '.join(parts)}.")
        previous = status
    rows = [
        RoundRow(
            name,
            tuple(
                Cell(format_number(c["votes"].get(name, "")), marks[name][i])
                for i, c in enumerate(columns)
            ),
        )
        for name in candidates
    ]
    rows.append(
        RoundRow(
            "Non-transferable",
            tuple(Cell(format_number(c.get("exhausted", ""))) for c in columns),
        )
    )
    votes: dict[str, list[Decimal | None]] = {}
    final_marks: dict[str, str] = {}
    for name in candidates:
        series: list[Decimal | None] = []
        out = False
        for i, column in enumerate(columns):
            value = _decimal(column["votes"].get(name))
            series.append(None if out or not value else value)
            if marks[name][i] == "eliminated":
                out = True
                final_marks[name] = f"eliminated in round {column['round']}"
            elif marks[name][i] == "elected":
                final_marks[name] = f"elected in round {column['round']}"
        votes[name] = series
    return Rounds(
        numbers=tuple(c["round"] for c in columns),
        rows=tuple(rows),
        events=tuple(events),
        votes=votes,
        marks=final_marks,
    )


def rounds_chart(data: dict[str, Any], counted: Rounds) -> Chart:
    series = {
        f"{name} ({counted.marks[name]})" if name in counted.marks else name: values
        for name, values in counted.votes.items()
    }
    quota = format_number(data.get("quota"))
    return bar_chart(
        slug="rounds-chart",
        title="Votes in each round",
        description=(
            "Each candidate's votes at the end of every round"
            + (f", against a quota of {quota}" if quota else "")
            + ". "
            + " ".join(counted.events)
        ).strip(),
        label="Round",
        labels=[f"Round {n}" for n in counted.numbers],
        series=series,
    )


def _threshold(required: Any) -> Decimal | None:
    """The number in "more than 12.5" or "at least 9" (the tally's wording)."""
    words = str(required or "").split()
    return _decimal(words[-1]) if words else None


def yes_no_chart(data: dict[str, Any]) -> Chart:
    yes, no, abstain = data.get("yes", 0), data.get("no", 0), data.get("abstain", 0)
    required = str(data.get("required") or "")
    threshold = _threshold(required)
    passed = "passed" if data.get("passed") else "did not pass"
    needed = " ".join(
        [*required.split()[:-1], format_number(threshold)] if threshold is not None else []
    )
    return bar_chart(
        slug="yes-no-chart",
        title="Yes and no against the threshold",
        description=(
            f"{format_number(yes)} yes, {format_number(no)} no, {format_number(abstain)} "
            f"abstained; {needed or 'no threshold'} yes votes were needed to pass: it {passed}."
        ),
        label="Choice",
        labels=["Yes", "No", "Abstain"],
        series={"Votes": [yes, no, abstain], "Needed to pass": [threshold, None, None]},
        horizontal=True,
        height=240,
    )


def turnout_chart(turnout: Turnout) -> Chart:
    chapters = turnout.chapters
    return bar_chart(
        slug="turnout-chart",
        title="Turnout per chapter",
        description=(
            f"{format_number(turnout.voted)} of {format_number(turnout.eligible)} eligible "
            f"members have voted, across {format_number(len(chapters))} "
            f"chapter{'s' if len(chapters) != 1 else ''}."
        ),
        label="Chapter",
        labels=[c.name for c in chapters],
        series={
            "Voted": [c.voted for c in chapters],
            "Eligible": [c.eligible for c in chapters],
        },
        horizontal=True,
        height=max(200, 90 + 40 * len(chapters)),
    )
