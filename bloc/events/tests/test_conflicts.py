"""Conflict flags: closer than the configured distance *and* time to an approved event."""

from datetime import timedelta

import pytest

from bloc.events import services
from bloc.events.models import ConflictFlag
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db

# 60601 (Chicago Loop) and neighbours; 60614 is ~3 miles away, 60629 ~10 miles.
SAME_ZIP, THREE_MILES, TEN_MILES = "60601", "60614", "60629"


@pytest.fixture
def limits(settings):
    settings.BLOC_EVENTS_CONFLICT_MILES = 5
    settings.BLOC_EVENTS_CONFLICT_HOURS = 3


@pytest.fixture
def approved(personas, limits):
    event, _ = builders.approved_event(personas.admin, zip_code=SAME_ZIP, start=builders.at(10, 12))
    return event


def _submit(personas, zip_code, start, tz="America/Chicago", hours=2):
    return builders.pending_event(
        personas.outsider, zip_code=zip_code, start=start, tz=tz, hours=hours, title="Submitted"
    )


def _flagged(event):
    return list(ConflictFlag.objects.filter(event=event).values_list("other_id", flat=True))


def test_near_in_space_and_time_is_flagged_with_distance_and_gap(personas, approved):
    event = _submit(personas, THREE_MILES, approved.ends_at + timedelta(hours=2, minutes=59))
    flag = ConflictFlag.objects.get(event=event)
    assert flag.other == approved
    assert 2 < flag.distance_miles < 5
    assert flag.hours_apart == pytest.approx(2.98, abs=0.01)


def test_overlapping_events_at_the_same_place_are_flagged_with_no_gap(personas, approved):
    event = _submit(personas, SAME_ZIP, approved.starts_at + timedelta(minutes=30))
    assert ConflictFlag.objects.get(event=event).hours_apart == 0


def test_too_far_in_space_is_not_flagged(personas, approved):
    assert _flagged(_submit(personas, TEN_MILES, approved.starts_at)) == []


def test_far_enough_in_time_is_not_flagged_before_or_after(personas, approved):
    after = _submit(personas, SAME_ZIP, approved.ends_at + timedelta(hours=3, minutes=1))
    before = _submit(
        personas, SAME_ZIP, approved.starts_at - timedelta(hours=5, minutes=1), hours=2
    )
    assert _flagged(after) == [] and _flagged(before) == []


def test_times_are_compared_across_time_zones(personas, approved):
    """Noon in Chicago is 1 pm in New York: a host who typed 1 pm Eastern overlaps it, and one
    who typed noon Pacific (2 pm Central, after the 2-hour event ends) is 0 h apart."""
    eastern = _submit(
        personas, SAME_ZIP, builders.at(10, 13, "America/New_York"), "America/New_York"
    )
    assert ConflictFlag.objects.get(event=eastern).hours_apart == 0
    pacific_late = _submit(
        personas, SAME_ZIP, builders.at(10, 17, "America/Los_Angeles"), "America/Los_Angeles"
    )
    # 5 pm Pacific is 7 pm Central: 5 hours after the 2 pm end, beyond the 3-hour window.
    assert _flagged(pacific_late) == []
    pacific_close = _submit(
        personas, SAME_ZIP, builders.at(10, 14, "America/Los_Angeles"), "America/Los_Angeles"
    )
    # 2 pm Pacific is 4 pm Central: 2 hours after the end, inside the window.
    assert ConflictFlag.objects.get(event=pacific_close).hours_apart == pytest.approx(2)


def test_pending_submissions_are_flagged_when_a_nearby_event_is_approved(personas, limits):
    waiting = _submit(personas, SAME_ZIP, builders.at(10, 12))
    other = _submit(personas, THREE_MILES, builders.at(10, 13))
    assert _flagged(waiting) == [] and _flagged(other) == []
    services.approve_event(actor=personas.admin, event=other)
    assert _flagged(waiting) == [other.pk]


def test_virtual_events_never_conflict(personas, approved):
    event = builders.pending_event(
        personas.outsider,
        zip_code="",
        is_virtual=True,
        virtual_url="https://meet.example.org/a",
        start=approved.starts_at,
    )
    assert _flagged(event) == []
