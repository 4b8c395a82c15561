"""Hosting and co-hosting partners of a submitted event come from its day of action's coalition."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bloc.coalition import services as coalition
from bloc.core.models import AuditEvent
from bloc.events import forms, services
from bloc.events.models import Event
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def coalition_days(personas):
    """Two published days with their coalitions, and a draft day with a partner of its own."""
    tenants = coalition.create_partner(
        actor=None, name="Tenants United (fictional)", kind="community"
    )
    transit = coalition.create_partner(
        actor=None, name="Transit Riders (fictional)", kind="community"
    )
    nurses = coalition.create_partner(
        actor=None, name="Nurses Local 9 (fictional)", kind="union_local"
    )
    secret = coalition.create_partner(
        actor=None, name="Not Yet Announced (fictional)", kind="coalition"
    )
    may_day = builders.day_of_action("May Day")
    may_day.partners.set([tenants, transit])
    labor_day = builders.day_of_action("Labor Day")
    labor_day.partners.set([nurses])
    draft = services.create_day_of_action(
        actor=None,
        name="Draft Day",
        starts_on=may_day.starts_on,
        ends_on=may_day.ends_on,
        partners=[secret],
        is_published=False,
    )
    return {
        "may_day": may_day,
        "labor_day": labor_day,
        "draft": draft,
        "tenants": tenants,
        "transit": transit,
        "nurses": nurses,
        "secret": secret,
    }


def _data(day=None, **extra):
    data = {
        "title": "Block party for the demands",
        "event_type": "community",
        "visibility": "public",
        "date": builders.at(12, 12).date().isoformat(),
        "start_time": "14:00",
        "end_time": "16:00",
        "zip_code": "60601",
        "host_name": "Bea Birch",
        "host_email": "bea.birch@example.org",
    }
    if day is not None:
        data["day"] = str(day.pk)
    data.update(extra)
    return data


def test_the_host_form_offers_each_published_days_partners_under_that_day(client, coalition_days):
    c = coalition_days
    html = client.get(reverse("events:event-submit"), {"day": c["labor_day"].pk}).content.decode()
    assert 'id="hosting-partners"' in html and "static/events/submit.js" in html
    assert html.index('label="Labor Day') < html.index('label="May Day'), "chosen day first"
    assert f'value="{c["nurses"].pk}" data-day="{c["labor_day"].pk}"' in html
    assert f'value="{c["tenants"].pk}" data-day="{c["may_day"].pk}"' in html
    assert "Not Yet Announced" not in html, "a draft day's partners are not public"
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html)), "no inline script"


def test_without_partners_on_any_day_the_form_is_as_before(client, personas):
    builders.day_of_action()
    html = client.get(reverse("events:event-submit")).content.decode()
    assert "hosting-partners" not in html and "host_partner" not in html
    form = forms.SubmitEventForm(_data())
    assert form.is_valid(), form.errors
    kwargs = form.submission_kwargs()
    assert kwargs["host_partner"] is None and kwargs["co_hosts"] == []


def test_a_valid_choice_reaches_the_event_through_the_service(personas, coalition_days):
    c = coalition_days
    form = forms.SubmitEventForm(
        _data(c["may_day"], host_partner=c["tenants"].pk, co_hosts=[c["transit"].pk])
    )
    assert form.is_valid(), form.errors
    event, _ = services.submit_event(actor=None, **form.submission_kwargs())
    assert event.day == c["may_day"] and event.host_partner == c["tenants"]
    assert list(event.co_hosts.all()) == [c["transit"]]
    audit = AuditEvent.objects.get(action="events.event_submitted", target_id=str(event.pk))
    assert audit.data["host_partner_id"] == c["tenants"].pk and audit.data["co_hosts"] == 1


@pytest.mark.parametrize(
    ("choice", "field", "message"),
    [
        (
            lambda c: _data(c["may_day"], host_partner=c["nurses"].pk),
            "host_partner",
            "Nurses Local 9 (fictional) is not a coalition partner of May Day.",
        ),
        (
            lambda c: _data(c["may_day"], co_hosts=[c["nurses"].pk, c["transit"].pk]),
            "co_hosts",
            "Not coalition partners of May Day: Nurses Local 9 (fictional).",
        ),
        (
            lambda c: _data(c["may_day"], host_partner=c["tenants"].pk, co_hosts=[c["tenants"].pk]),
            "co_hosts",
            "Tenants United (fictional) is already the hosting partner",
        ),
        (
            lambda c: _data(None, host_partner=c["tenants"].pk),
            "host_partner",
            "Choose the day of action first",
        ),
        (
            lambda c: _data(c["may_day"], host_partner=c["secret"].pk),
            "host_partner",
            "Select a valid choice.",
        ),
    ],
    ids=["host-of-another-day", "co-host-of-another-day", "host-twice", "no-day", "draft-day"],
)
def test_the_form_explains_a_partner_that_does_not_fit(coalition_days, choice, field, message):
    form = forms.SubmitEventForm(choice(coalition_days))
    assert not form.is_valid()
    assert any(message in error for error in form.errors[field]), form.errors


def test_the_service_holds_the_same_rules_for_every_caller(personas, coalition_days):
    c = coalition_days
    base = {
        "title": "Picket",
        "event_type": "picket",
        "starts_at": builders.at(10, 12),
        "ends_at": builders.at(10, 14),
        "tz": "America/Chicago",
        "zip_code": "60601",
        "host_email": "sol.picket@example.org",
    }
    with pytest.raises(ValidationError, match="Not coalition partners of May Day"):
        services.submit_event(actor=None, day=c["may_day"], host_partner=c["nurses"], **base)
    with pytest.raises(ValidationError, match="Choose the day of action: its coalition"):
        services.submit_event(actor=None, co_hosts=[c["tenants"]], **base)
    assert not Event.objects.exists()
    staff_event, _ = services.submit_event(
        actor=personas.organizer_b,
        host_partner=c["nurses"],
        co_hosts=[c["nurses"], c["transit"]],
        **base,
    )
    assert staff_event.host_partner == c["nurses"], "staff may name partners outside a day"
    assert list(staff_event.co_hosts.all()) == [c["transit"]], "the host is not also a co-host"


def test_the_moderator_sees_the_named_partners_and_is_asked_to_confirm(
    client, personas, coalition_days
):
    c = coalition_days
    event = builders.pending_event(
        personas.outsider,
        day=c["may_day"],
        host_partner=c["tenants"],
        co_hosts=[c["transit"]],
    )
    client.force_login(personas.organizer_b)
    html = client.get(reverse("events:moderation-detail", args=[event.pk])).content.decode()
    assert "Hosting partner:</strong> Tenants United (fictional)" in html
    assert "Transit Riders (fictional)" in html and "Confirm with the partner" in html


def test_a_public_host_names_partners_through_the_form(client, coalition_days):
    c = coalition_days
    response = client.post(
        reverse("events:event-submit"),
        _data(c["may_day"], host_partner=c["tenants"].pk, co_hosts=[c["transit"].pk]),
    )
    assert response.status_code == 201
    event = Event.objects.get()
    assert event.host_partner == c["tenants"]
    assert list(event.co_hosts.all()) == [c["transit"]]
