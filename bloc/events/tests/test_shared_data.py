"""RSVPs a partner's link brought reach that partner only under an active agreement."""

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from bloc.coalition import selectors as coalition
from bloc.coalition import services as coalition_services
from bloc.coalition.tests.world import world
from bloc.core.models import AuditEvent
from bloc.events import services
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def test_a_liaison_receives_their_links_rsvps_only_under_an_agreement(personas):
    w = world(personas)
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.first()
    services.rsvp(
        actor=None,
        timeslot=slot,
        email="kit@example.org",
        first_name="Kit",
        zip_code="60602",
        email_opt_in=True,
        referring_partner=w.own,
    )
    services.rsvp(
        actor=None,
        timeslot=slot,
        email="lee@example.org",
        first_name="Lee",
        zip_code="60602",
        referring_partner=w.own,
    )
    services.rsvp(
        actor=None,
        timeslot=slot,
        email="other@example.org",
        first_name="Oda",
        zip_code="60602",
        email_opt_in=True,
        referring_partner=w.other,
    )
    with pytest.raises(Http404):
        coalition.shared_rows_for(personas.liaison, w.own, "events.rsvps")

    today = timezone.localdate()
    coalition_services.grant_data_sharing(
        actor=personas.admin,
        partner=w.own,
        kinds=["events.rsvps"],
        uses=["turnout_follow_up"],
        starts_on=today,
        ends_on=today + timedelta(days=30),
        signed_by_user=personas.liaison,
    )
    shared = coalition.shared_rows_for(personas.liaison, w.own, "events.rsvps")
    by_name = {row["first_name"]: row for row in shared.rows}
    assert set(by_name) == {"Kit", "Lee"}  # not the other partner's RSVP
    assert by_name["Kit"]["email"] == "kit@example.org"
    assert by_name["Lee"]["email"] == ""  # no email consent: the address is not shared
    assert by_name["Kit"]["status"] == "Confirmed"
    event_audit = AuditEvent.objects.filter(data__kind="events.rsvps").latest("id")
    assert "kit@example.org" not in str(event_audit.data)
    with pytest.raises(Http404):
        coalition.shared_rows_for(personas.organizer_a, w.own, "events.rsvps")
