"""Odd input on the public pages is normalized or refused with a message, never a 500:
ZIP codes in other scripts' digits, dates at the end of the calendar, odd partner ids."""

import pytest
from django.test import Client
from django.urls import reverse

from bloc.events.models import RSVP, Event
from bloc.events.tests import builders
from bloc.people.models import Person

pytestmark = pytest.mark.django_db

ARABIC_60602 = "٦٠٦٠٢"
FULLWIDTH_60602 = "６０６０２"


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("typed", [ARABIC_60602, FULLWIDTH_60602])
def test_a_zip_in_other_digits_searches_like_its_ascii_digits(visitor, personas, typed):
    builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    builders.approved_event(personas.admin, zip_code="10001", title="New York march")
    for name in ("events:event-search", "events:event-embed"):
        response = visitor.get(reverse(name), {"zip": typed})
        html = response.content.decode()
        assert response.status_code == 200, name
        assert "Loop rally" in html and "New York march" not in html, name


def test_the_host_form_takes_a_zip_in_other_digits(visitor, personas):
    response = visitor.post(reverse("events:event-submit"), _host_form(zip_code=ARABIC_60602))
    assert response.status_code == 201
    assert Event.objects.get().zip_code == "60602"


@pytest.mark.parametrize("typed", ["²²²²", "1234", "٦٠٦"])
def test_the_host_form_refuses_what_is_not_a_zip(visitor, personas, typed):
    response = visitor.post(reverse("events:event-submit"), _host_form(zip_code=typed))
    assert response.status_code == 200
    assert "Enter the US ZIP code where the event happens." in response.content.decode()
    assert not Event.objects.exists()


def test_a_zip_in_other_digits_is_stored_as_ascii_by_an_rsvp(
    client, personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    builders.public_rsvp(
        client,
        event,
        django_capture_on_commit_callbacks,
        first_name="Noor",
        email="noor@example.org",
        zip_code=FULLWIDTH_60602,
    )
    assert Person.objects.get(email="noor@example.org").zip_code == "60602"


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-02-30", "²"])
def test_a_search_date_off_the_calendar_is_a_form_error(visitor, personas, day):
    builders.approved_event(personas.admin, title="Loop rally")
    response = visitor.get(reverse("events:event-search"), {"date": day})
    assert response.status_code == 200
    assert "Loop rally" in response.content.decode()  # the filter is left out, as for no date


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_the_host_form_refuses_a_date_off_the_calendar(visitor, personas, day):
    response = visitor.post(reverse("events:event-submit"), _host_form(date=day))
    assert response.status_code == 200
    assert "Pick a date between" in response.content.decode()
    assert not Event.objects.exists()


@pytest.mark.parametrize("partner", ["²", "١", "99999999999999999999999", "-1"])
def test_an_odd_partner_id_is_ignored(
    client, personas, django_capture_on_commit_callbacks, partner
):
    event, _ = builders.approved_event(personas.admin)
    embed = client.get(reverse("events:event-embed"), {"partner": partner})
    assert embed.status_code == 200
    page = client.get(reverse("events:event-detail", args=[event.slug]), {"partner": partner})
    assert page.status_code == 200 and f'value="{partner}"' not in page.content.decode()
    response = builders.public_rsvp(
        client,
        event,
        django_capture_on_commit_callbacks,
        first_name="Ida",
        email="ida@example.org",
        partner=partner,
    )
    assert response.status_code == 200
    assert RSVP.objects.get().referring_partner is None


def _host_form(**fields: str) -> dict[str, str]:
    return {
        "title": "Block party for the demands",
        "event_type": "community",
        "visibility": "public",
        "date": builders.at(12, 12).date().isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "zip_code": "60601",
        "host_name": "Bea Birch",
        "host_email": "bea.birch@example.org",
        **fields,
    }
