"""The strike wave, the month calendar and the funnel: the numbers behind them, scoped."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bloc.coalition import charts, selectors, services
from bloc.coalition.tests.world import world

pytestmark = pytest.mark.django_db


def _contract(p, union_local, size, expires_at, zone="America/Chicago", employer="Fictional Co"):
    return services.record_contract(
        actor=p.admin,
        union_local=union_local,
        employer=employer,
        unit_name="Unit",
        unit_size=size,
        expires_at=expires_at,
        time_zone=zone,
    )


def test_the_strike_wave_counts_contracts_and_workers_by_local_month(personas, time_machine):
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC")))
    w = world(personas)
    # 30 April 23:30 in Los Angeles is already 1 May in UTC: it belongs to April, locally.
    _contract(
        personas,
        w.other,
        2619,
        datetime(2028, 4, 30, 23, 30, tzinfo=ZoneInfo("America/Los_Angeles")),
        zone="America/Los_Angeles",
    )
    _contract(personas, w.other, 3000, datetime(2028, 5, 1, 23, 59, tzinfo=ZoneInfo("UTC")))
    months = selectors.contract_expirations_by_month(personas.admin, start=date(2027, 6, 1))
    by_month = {m.month: (m.contracts, m.workers) for m in months}
    assert len(months) == 18 and months[0].month == date(2027, 6, 1)
    assert by_month[date(2027, 9, 1)] == (1, 700)  # the world's nurses' contract
    assert by_month[date(2028, 4, 1)] == (2, 1100 + 2619)  # with the world's own contract
    chart = charts.strike_wave_chart(months)
    rows = {row[0]: row[1:] for row in chart.rows}
    assert chart.columns == ("Month", "Contracts expiring", "Workers covered")
    assert rows["Sep 2027"] == ("1", "700")
    assert rows["Apr 2028"] == ("2", "3,719")
    assert rows["May 2028 (May Day)"] == ("1", "3,000")
    # A liaison sees only their own organization's contracts.
    theirs = selectors.contract_expirations_by_month(personas.liaison, start=date(2027, 6, 1))
    assert sum(m.contracts for m in theirs) == 1


def test_the_month_calendar_puts_expiries_and_deadlines_on_their_local_days(
    client, personas, time_machine
):
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC")))
    w = world(personas)
    client.force_login(personas.admin)
    page = client.get(reverse("coalition:contract-calendar"), {"month": "2027-09"})
    month = page.context["month"]
    days = {day.on: day for week in month.weeks for day in week}
    assert month.first == date(2027, 9, 1) and len(month.weeks[0]) == 7
    assert month.weeks[0][0].on.weekday() == 6  # weeks start on Sunday
    expiry = [item for item in days[date(2027, 9, 30)].items if item.is_expiry]
    assert [item.contract.pk for item in expiry] == [w.other_contract.pk]
    assert month.count == len([i for d in days.values() if d.in_month for i in d.items])
    text = page.content.decode()
    assert "September 2027" in text and "?month=2027-10#month" in text
    assert "The strike wave" in text and "The numbers behind this chart" in text
    client.force_login(personas.liaison)
    theirs = client.get(reverse("coalition:contract-calendar"), {"month": "2027-09"})
    assert theirs.context["month"].count == 0


def test_a_month_that_is_not_one_shows_this_month(client, personas, time_machine):
    time_machine.move_to(datetime(2027, 6, 1, 12, 0, tzinfo=ZoneInfo("UTC")))
    client.force_login(personas.admin)
    for value in ("2027-13", "abc", "9999-01", "٢٠٢٧-٠٩"):
        page = client.get(reverse("coalition:contract-calendar"), {"month": value})
        assert page.status_code == 200 and page.context["month"].first == date(2027, 6, 1)


def test_the_funnel_counts_partners_at_each_stage(personas):
    world(personas)
    stages = selectors.relationship_counts_by_stage(personas.admin)
    chart = charts.funnel_chart(stages)
    assert [row[0] for row in chart.rows] == [label for label, _ in stages]
    assert [row[1] for row in chart.rows] == [f"{n:,}" if n else "0" for _, n in stages]
