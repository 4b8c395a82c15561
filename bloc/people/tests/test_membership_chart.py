"""Membership over time: the joins, lapses and good standing behind the dashboard chart."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bloc.people import selectors
from bloc.people.services import create_person, record_membership

pytestmark = pytest.mark.django_db

TODAY = date(2026, 12, 2)


def _member(zip_code, n, *, joined_on, paid_through_on, dues_plan="monthly"):
    person = create_person(
        actor=None,
        email=f"chart.{n}@example.org",
        first_name="Chart",
        last_name=f"Member {n}",
        zip_code=zip_code,
    )
    record_membership(
        actor=None,
        person=person,
        joined_on=joined_on,
        paid_through_on=paid_through_on,
        dues_plan=dues_plan,
    )
    return person


def test_joins_lapses_and_standing_per_month_in_the_readers_chapters(personas):
    chapter_a = {personas.chapter_a.pk}
    with time_machine.travel(TODAY, tick=False):
        # The personas of chapter A joined in 2020 and have paid well ahead: they stand all year.
        base = selectors.membership_by_month(chapter_ids=chapter_a, today=TODAY)[0].standing
        # Chapter A (10001): joins in Oct and Nov; a lapse on 1 Nov (paid through 31 Oct).
        _member("10001", 1, joined_on=date(2026, 10, 5), paid_through_on=date(2026, 10, 31))
        _member("10001", 2, joined_on=date(2026, 11, 20), paid_through_on=date(2027, 11, 20))
        _member("10001", 3, joined_on=date(2026, 11, 21), paid_through_on=None, dues_plan="waived")
        # Chapter B (60602): counted nationally, never in chapter A's chart.
        _member("60602", 4, joined_on=date(2026, 11, 1), paid_through_on=date(2027, 1, 1))
        months = selectors.membership_by_month(chapter_ids=chapter_a, today=TODAY)
        everyone = selectors.membership_by_month(
            chapter_ids=selectors.chapters_in_scope_ids(personas.admin), today=TODAY
        )
    assert len(months) == 12 and months[0].month == date(2026, 1, 1)
    by_month = {m.month: m for m in months}
    october, november, december = (by_month[date(2026, m, 1)] for m in (10, 11, 12))
    assert base >= 1 and months[0].standing == base
    assert (october.joins, october.lapses, october.standing - base) == (1, 0, 1)
    assert (november.joins, november.lapses, november.standing - base) == (2, 1, 2)
    assert (december.joins, december.lapses, december.standing - base) == (0, 0, 2)
    assert everyone[-2].joins == november.joins + 1


def test_the_dashboard_shows_the_chart_with_its_table(client, personas):
    client.force_login(personas.organizer_a)
    page = client.get(reverse("core:home"))
    text = page.content.decode()
    assert "Membership over time" in text and 'aria-labelledby="membership-chart-title' in text
    assert "The numbers behind this chart" in text and "In good standing" in text
