import random

import pytest
from django.urls import reverse

from bloc.core.registry import seeds
from bloc.events.models import RSVP, ConflictFlag, DayOfAction, Event
from bloc.events.seeds import seed_events
from bloc.people.models import LadderEvent

pytestmark = pytest.mark.django_db


def test_the_demo_seed_builds_two_may_days_with_a_queue_of_conflicting_submissions(personas):
    assert "events.days_of_action" in seeds and seeds.get("events.days_of_action").order == 60
    counts = seed_events(200, random.Random(2028))
    past, upcoming = DayOfAction.objects.order_by("starts_on")
    assert counts["events"] == Event.objects.count()
    assert Event.objects.filter(day=upcoming, status="approved").count() == 20
    assert (
        Event.objects.filter(day=upcoming, status="approved").values("state").distinct().count() > 5
    )
    queued = Event.objects.filter(status="pending")
    assert queued.count() == counts["queued submissions"] == 12
    assert ConflictFlag.objects.filter(event__in=queued).count() >= 12
    assert RSVP.objects.filter(event__day=upcoming).count() == counts["RSVPs"] > 0
    assert RSVP.objects.filter(event__day=past, checked_in_at__isnull=False).count() > 0
    assert Event.objects.filter(day=past, outcomes_recorded_at__isnull=False).count() == 10
    assert LadderEvent.objects.filter(attribution_type="event").count() == counts["walk-ins"]


def test_the_home_page_shows_live_totals_to_staff_only(client, personas):
    from bloc.events.tests import builders

    day = builders.day_of_action("Harvest Day of Action")
    builders.approved_event(personas.admin, day=day)
    client.force_login(personas.organizer_b)
    home = client.get(reverse("core:home")).content.decode()
    assert "Harvest Day of Action" in home and "1 events in 1 cities" in home
    client.force_login(personas.member_a)
    assert "Harvest Day of Action" not in client.get(reverse("core:home")).content.decode()
