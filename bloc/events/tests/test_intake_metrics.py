"""`/metrics` shows how far the RSVP drain is behind: waiting rows, the oldest one's age, and
how long the rows it made lately waited (issue 23)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from bloc.events import services
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _scrape(client) -> dict[str, float]:
    response = client.get(reverse("core:metrics"), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert "@" not in text  # numbers only, never an address
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_intake_lag_and_drain_time(client, personas, settings):
    settings.BLOC_METRICS_TOKEN = ""
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get().pk
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for n in range(2):
            response = client.post(
                reverse("events:rsvp-create", args=[event.slug]),
                {
                    "timeslot": slot,
                    "zip_code": "60602",
                    "first_name": f"Rowan{n}",
                    "email": f"rowan.metrics{n}@example.org",
                },
            )
            assert response.status_code == 202
        assert _scrape(client)["bloc_rsvp_intake_pending"] == 2

    with time_machine.travel(start + timedelta(seconds=40), tick=False):
        values = _scrape(client)
        assert values["bloc_rsvp_intake_pending"] == 2
        assert values["bloc_rsvp_intake_lag_seconds"] == 40
        assert "bloc_rsvp_intake_drain_seconds" not in values  # nothing drained yet
        assert services.process_rsvp_intake() == 2
        values = _scrape(client)
    assert values["bloc_rsvp_intake_pending"] == 0
    assert values["bloc_rsvp_intake_lag_seconds"] == 0
    assert values["bloc_rsvp_intake_drain_seconds"] == 40
