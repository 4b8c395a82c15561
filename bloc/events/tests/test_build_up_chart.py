"""A day of action's build-up: RSVPs and approved events, day by day, behind its chart."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bloc.events import charts, selectors, services
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def test_rsvps_and_events_accumulate_day_by_day_up_to_today(client, personas):
    day = builders.day_of_action()  # ten days from today
    today = timezone.localdate()
    start = builders.at(10, 12)
    with time_machine.travel(timezone.now() - timedelta(days=2)):
        first, _ = builders.approved_event(personas.admin, day=day, start=start, title="A")
        services.rsvp(actor=None, timeslot=first.timeslots.first(), email="r1@example.org")
    second, _ = builders.approved_event(personas.admin, day=day, start=start, title="B")
    for n in (2, 3):
        services.rsvp(actor=None, timeslot=second.timeslots.first(), email=f"r{n}@example.org")
    builders.approved_event(personas.admin, start=start, title="Not on the day")

    days = selectors.day_build_up(day, today=today)
    assert len(days) == 42 and days[-1].on == today
    by_day = {d.on: d for d in days}
    two_ago, now = by_day[today - timedelta(days=2)], by_day[today]
    assert (two_ago.rsvps, two_ago.events, two_ago.rsvps_total, two_ago.events_total) == (
        1,
        1,
        1,
        1,
    )
    assert (now.rsvps, now.events, now.rsvps_total, now.events_total) == (2, 1, 3, 2)
    assert by_day[today - timedelta(days=1)].rsvps_total == 1

    chart = charts.build_up_chart(day, days)
    assert chart.columns == ("Day", "RSVPs (total)", "Events (total)", "New RSVPs", "New events")
    assert chart.rows[-1][1:] == ("3", "2", "2", "1")
    page = client.get(reverse("events:day-detail", args=[day.slug]))
    assert "RSVPs and events for" in page.content.decode()
