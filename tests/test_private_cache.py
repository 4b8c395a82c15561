"""Across the apps: personal pages and exports are never kept by a browser's or a proxy's cache
(``Cache-Control: private, no-store``); public cached content stays public."""

import pytest
from django.urls import reverse
from django.utils.cache import get_max_age

from bloc.events import services as events
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _private(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= directives


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("core:home"),
        lambda p: reverse("people:me"),
        lambda p: reverse("accounts:security"),
        lambda p: reverse("democracy:ballot-list"),
        lambda p: reverse("events:event-search"),
        lambda p: reverse("people:chapter-detail", args=[p.chapter_a.slug]),
    ],
)
def test_every_page_for_a_signed_in_person_is_private(client, personas, url):
    client.force_login(personas.member_a)
    response = client.get(url(personas))
    assert response.status_code == 200
    assert _private(response)


@pytest.mark.parametrize(
    "url",
    [
        lambda p: reverse("people:person-export"),
        lambda p: reverse("coalition:partner-export"),
        lambda p: reverse("events:rsvp-export", args=[builders.approved_event(p.admin)[0].pk]),
    ],
)
def test_exports_are_private(client, personas, url):
    client.force_login(personas.admin)
    response = client.get(url(personas))
    assert response.status_code == 200
    assert _private(response)


def test_pages_that_carry_a_credential_or_set_a_cookie_are_private(client, personas):
    event, _ = builders.approved_event(personas.admin)
    _intake, token = events.receive_rsvp(
        timeslot=event.timeslots.get(),
        email="ash.cache@example.org",
        first_name="Ash",
        zip_code="60602",
    )
    # The RSVP's status page: the token in its address is the credential.
    assert _private(client.get(reverse("events:rsvp-status", args=[token])))
    # The vote-by-code step and the sign-in page hold a form (a CSRF cookie is set).
    assert _private(client.get(reverse("democracy:ballot-vote-by-code", args=[999_999])))
    assert _private(client.get(reverse("account_login")))


def test_an_rsvp_answer_is_private_though_the_page_sets_no_cookie(client, personas):
    event, _ = builders.approved_event(personas.admin)
    data = {
        "timeslot": event.timeslots.get().pk,
        "first_name": "Ash",
        "email": "ash.post@example.org",
        "zip_code": "60602",
    }
    response = client.post(reverse("events:rsvp-create", args=[event.url_key]), data)
    assert response.status_code in (201, 202) and not response.cookies
    assert _private(response)


def test_public_pages_and_public_cached_files_stay_public(client, personas):
    event, _ = builders.approved_event(personas.admin)
    feed = client.get(reverse("events:event-ical", args=[event.url_key]))
    assert feed.status_code == 200 and "no-store" not in feed.get("Cache-Control", "")
    # A page with a form (or the CSRF header every page has) sets a cookie: private.
    assert _private(client.get(reverse("events:event-search")))
    asset = reverse("events:leaflet-asset", args=["leaflet.js"])
    assert get_max_age(client.get(asset)) == 86400
    client.force_login(personas.member_a)
    client.get(reverse("people:me"))  # the session's first request of the minute is written
    response = client.get(asset)
    assert "public" in response["Cache-Control"] and get_max_age(response) == 86400
    assert not _private(response)
