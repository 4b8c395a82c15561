"""Public forms are limited per client address; over the limit nothing is written (429)."""

import pytest
from django.urls import reverse

from bloc.events.models import RSVPIntake
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _rsvp(client, event, slot_pk, n, ip="203.0.113.7"):
    return client.post(
        reverse("events:rsvp-create", args=[event.slug]),
        {
            "timeslot": slot_pk,
            "first_name": "Tam",
            "email": f"tam{n}@example.org",
            "zip_code": "60602",
        },
        REMOTE_ADDR=ip,
    )


def test_public_rsvps_over_the_limit_get_429_and_write_nothing(client, personas, settings):
    settings.BLOC_RATE_PUBLIC_RSVP = "2/m"
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get().pk

    assert [_rsvp(client, event, slot, n).status_code for n in range(2)] == [202, 202]
    refused = _rsvp(client, event, slot, 3)

    assert refused.status_code == 429 and refused["Retry-After"] == "60"
    assert "Nothing was saved" in refused.content.decode()
    assert RSVPIntake.objects.count() == 2
    # Another address has its own count.
    assert _rsvp(client, event, slot, 4, ip="198.51.100.9").status_code == 202


def test_an_empty_rate_turns_the_limit_off(client, personas, settings):
    settings.BLOC_RATE_PUBLIC_RSVP = ""
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get().pk
    assert {_rsvp(client, event, slot, n).status_code for n in range(5)} == {202}


def test_event_submissions_are_limited_too_and_reading_the_form_is_not(client, settings):
    settings.BLOC_RATE_EVENT_SUBMISSION = "1/h"
    url = reverse("events:event-submit")
    assert client.post(url, {}).status_code == 200  # invalid form, but counted
    assert client.post(url, {}).status_code == 429
    assert client.get(url).status_code == 200


def test_the_proxy_header_names_the_client(client, personas, settings):
    settings.BLOC_RATE_PUBLIC_RSVP = "1/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.get().pk
    post = reverse("events:rsvp-create", args=[event.slug])
    data = {"timeslot": slot, "first_name": "Uma", "zip_code": "60602"}
    first = client.post(post, {**data, "email": "u1@example.org"}, HTTP_X_REAL_IP="192.0.2.1")
    second = client.post(post, {**data, "email": "u2@example.org"}, HTTP_X_REAL_IP="192.0.2.2")
    third = client.post(post, {**data, "email": "u3@example.org"}, HTTP_X_REAL_IP="192.0.2.1")
    assert (first.status_code, second.status_code, third.status_code) == (202, 202, 429)
