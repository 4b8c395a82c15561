"""The strike wave chart, the month calendar of contract dates, and the coalition funnel."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from typing import Any

from bloc.coalition import selectors
from bloc.core.charts import Chart, bar_chart, format_month, format_number

#: The May Day 2028 line: contracts aligned to expire by then (the strike wave).
MAY_DAY_2028 = date(2028, 5, 1)


def strike_wave_chart(months: list[selectors.ExpiryMonth]) -> Chart:
    contracts = sum(m.contracts for m in months)
    workers = sum(m.workers for m in months)
    span = f"{format_month(months[0].month)} to {format_month(months[-1].month)}"
    may_day = next((m for m in months if m.month == MAY_DAY_2028), None)
    line = (
        f" May 2028 (May Day): {format_number(may_day.contracts)} contracts, "
        f"{format_number(may_day.workers)} workers."
        if may_day
        else ""
    )
    return bar_chart(
        slug="strike-wave-chart",
        title="The strike wave: workers under contracts expiring each month",
        description=(
            f"From {span}, {format_number(contracts)} contracts covering "
            f"{format_number(workers)} workers expire.{line}"
        ),
        label="Month",
        labels=[
            format_month(m.month) + (" (May Day)" if m.month == MAY_DAY_2028 else "")
            for m in months
        ],
        series={"Workers covered": [m.workers for m in months]},
        extra={"Contracts expiring": [m.contracts for m in months]},
        x_label_rotation=-45,
        height=360,
    )


@dataclass(frozen=True)
class Day:
    on: date
    in_month: bool
    is_today: bool
    items: list[selectors.CalendarItem]


@dataclass(frozen=True)
class MonthView:
    first: date
    weeks: list[list[Day]]
    previous: date
    next: date
    weekdays: list[str]
    count: int


def month_view(actor: Any, first: date, *, today: date) -> MonthView:
    """A month as weeks of days (Sunday first), each with its expirations and deadlines."""
    weeks = calendar.Calendar(firstweekday=6).monthdatescalendar(first.year, first.month)
    items = selectors.contract_dates_between(actor, first=weeks[0][0], last=weeks[-1][-1])
    by_day: dict[date, list[selectors.CalendarItem]] = {}
    for item in items:
        by_day.setdefault(item.on, []).append(item)
    index = first.year * 12 + first.month - 1
    return MonthView(
        first=first,
        weeks=[
            [Day(d, d.month == first.month, d == today, by_day.get(d, [])) for d in week]
            for week in weeks
        ],
        previous=date((index - 1) // 12, (index - 1) % 12 + 1, 1),
        next=date((index + 1) // 12, (index + 1) % 12 + 1, 1),
        weekdays=["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
        count=sum(len(v) for d, v in by_day.items() if d.month == first.month),
    )


def funnel_chart(stages: list[tuple[str, int]]) -> Chart:
    total = sum(n for _, n in stages)
    return bar_chart(
        slug="coalition-funnel-chart",
        title="Coalition partners by stage",
        description=f"{format_number(total)} relationships, by the stage each has reached.",
        label="Stage",
        labels=[label for label, _ in stages],
        series={"Partners": [n for _, n in stages]},
        horizontal=True,
        width=420,
        height=max(220, 60 + 30 * len(stages)),
    )
