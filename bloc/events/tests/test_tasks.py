"""Reminders: due ones go out once; never for cancelled events or to people who opted out."""

from datetime import timedelta

import pytest
from django.core import mail

from bloc.core.registry import periodic_jobs
from bloc.events import services
from bloc.events.tests import builders
from bloc.people.services import set_consent

pytestmark = pytest.mark.django_db


def _rsvp(event, email):
    return services.rsvp(actor=None, timeslot=event.timeslots.get(), email=email)[0]


def test_day_before_and_hour_before_reminders(personas, django_capture_on_commit_callbacks):
    event, _ = builders.approved_event(personas.admin, start=builders.at(3, 12))
    _rsvp(event, "kai@example.org")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        early = services.queue_due_reminders(now=event.starts_at - timedelta(hours=30))
    assert early == {"day_before": 0, "hour_before": 0} and mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        day = services.queue_due_reminders(now=event.starts_at - timedelta(hours=20))
        again = services.queue_due_reminders(now=event.starts_at - timedelta(hours=19))
    assert day == {"day_before": 1, "hour_before": 0} and again["day_before"] == 0
    assert [m.subject for m in mail.outbox] == ["Tomorrow: your event"]
    with django_capture_on_commit_callbacks(execute=True):
        hour = services.queue_due_reminders(now=event.starts_at - timedelta(minutes=50))
    assert hour["hour_before"] == 1
    assert mail.outbox[-1].subject == "Starting soon: your event"


def test_no_reminders_for_cancelled_events(personas, django_capture_on_commit_callbacks):
    event, _ = builders.approved_event(personas.admin, start=builders.at(3, 12))
    _rsvp(event, "lupe@example.org")
    services.cancel_event(actor=personas.admin, event=event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.queue_due_reminders(now=event.starts_at - timedelta(hours=2))
    assert sent["day_before"] == 0 and mail.outbox == []


def test_no_reminders_to_people_who_opted_out(personas, django_capture_on_commit_callbacks):
    event, _ = builders.approved_event(personas.admin, start=builders.at(3, 12))
    rsvp = _rsvp(event, "jo@example.org")
    keep = _rsvp(event, "hana@example.org")
    set_consent(actor=None, person=rsvp.person, channel="email", opted_in=False, source="test")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_due_reminders(now=event.starts_at - timedelta(hours=2))
    assert [m.to for m in mail.outbox] == [[keep.person.email]]


def test_reminders_are_a_registered_periodic_job():
    assert "events.reminders" in periodic_jobs
    assert periodic_jobs.get("events.reminders").every <= timedelta(minutes=10)
