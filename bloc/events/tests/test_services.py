"""RSVPs, waitlists, submissions and moderation through the services."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from bloc.core.models import AuditEvent
from bloc.events import selectors, services
from bloc.events.models import RSVP, Event, FollowUp, HostLink, TrustedHost
from bloc.events.tests import builders
from bloc.people.models import ConsentEvent, LadderEvent, Person
from bloc.people.selectors import current_consent

pytestmark = pytest.mark.django_db


def _rsvp(event, email="wren@example.org", **kw):
    kw.setdefault("first_name", "Wren")
    kw.setdefault("zip_code", "60602")
    return services.rsvp(actor=None, timeslot=event.timeslots.first(), email=email, **kw)


def test_rsvp_creates_a_person_with_consent_per_channel_and_confirms_by_email(
    personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp, token = _rsvp(
            event, phone="(312) 555-0142", email_opt_in=True, sms_opt_in=False, guests=2
        )
    person = Person.objects.get(email="wren@example.org")
    assert rsvp.person == person and rsvp.status == RSVP.Status.CONFIRMED and rsvp.guests == 2
    assert person.chapter == personas.chapter_b
    assert current_consent(person) == {"email": "opted_in"}
    assert token and rsvp.cancel_token_hash == selectors.token_hash(token)
    assert [m.to for m in mail.outbox] == [["wren@example.org"]]
    assert token in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="events.rsvp_recorded", target_id=str(rsvp.pk)).exists()


def test_rsvp_matches_an_existing_person_by_email_never_by_someone_elses_phone(personas):
    """The email decides; a new email with a known phone is a new record and a review for an
    organizer (issue 16, item 5), never filed under the phone's owner."""
    from bloc.people.models import IdentityReview

    event, _ = builders.approved_event(personas.admin)
    rsvp, _ = _rsvp(event, email=personas.person_member_a.email.upper())
    assert rsvp.person == personas.person_member_a
    first, _ = _rsvp(event, email="sol@example.org", phone="312-555-0199")
    by_phone, _ = services.rsvp(
        actor=None,
        timeslot=builders.approved_event(personas.admin, title="Second")[0].timeslots.get(),
        email="sol.other@example.org",
        phone="+1 312 555 0199",
    )
    assert by_phone.person != first.person
    assert Person.objects.filter(email__startswith="sol").count() == 2
    assert IdentityReview.objects.filter(person=by_phone.person, other=first.person).exists()


def test_the_same_rsvp_twice_is_one_rsvp(personas):
    event, _ = builders.approved_event(personas.admin)
    first, token = _rsvp(event)
    again, again_token = _rsvp(event, email="Wren@Example.org ")
    assert again == first and again_token == ""
    assert RSVP.objects.count() == 1


def test_a_full_slot_waitlists_and_a_cancellation_promotes_the_first_in_line(personas):
    event, _ = builders.approved_event(personas.admin, capacity=3)
    confirmed, token = _rsvp(event, email="a@example.org", guests=1)
    second, _ = _rsvp(event, email="b@example.org", guests=1)
    third, _ = _rsvp(event, email="c@example.org")
    assert confirmed.status == "confirmed"
    assert second.status == "waitlisted", "1+1 taken, 2 more do not fit in 3"
    assert third.status == "confirmed", "one seat left fits a party of one"
    services.cancel_rsvp(actor=None, rsvp=selectors.rsvp_for_cancel_token(token))
    second.refresh_from_db()
    assert second.status == "confirmed"


def test_no_rsvps_for_events_not_approved(personas):
    event = builders.pending_event(personas.outsider)
    with pytest.raises(ValidationError):
        _rsvp(event)
    assert not Person.objects.filter(email="wren@example.org").exists()


def test_anonymous_host_confirms_email_then_waits_for_moderation(
    personas, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event, token = services.submit_event(
            actor=None,
            title="Tenant meeting",
            event_type="meeting",
            starts_at=builders.at(5, 18),
            ends_at=builders.at(5, 20),
            tz="America/Chicago",
            zip_code="60601",
            host_name="Ora",
            host_email="ora@example.org",
        )
    assert event.status == Event.Status.UNVERIFIED
    assert token in mail.outbox[0].body
    services.verify_submission(token=token)
    event.refresh_from_db()
    assert event.status == Event.Status.PENDING
    with pytest.raises(ValidationError):
        services.verify_submission(token=token)


def test_signed_in_supporters_wait_in_the_queue_and_staff_and_trusted_hosts_skip_it(personas):
    assert builders.pending_event(personas.outsider).status == Event.Status.PENDING
    staff_event, token = builders.approved_event(personas.organizer_b, title="Chapter B rally")
    assert staff_event.status == Event.Status.APPROVED
    assert HostLink.objects.filter(event=staff_event).count() == 1 and token
    services.trust_host(actor=personas.admin, email=personas.outsider.email)
    trusted, _ = builders.approved_event(personas.outsider, title="Trusted picnic")
    assert trusted.status == Event.Status.APPROVED


def test_moderators_approve_ask_for_changes_or_reject_with_a_reason(
    personas, django_capture_on_commit_callbacks
):
    first = builders.pending_event(personas.outsider, title="One")
    second = builders.pending_event(personas.outsider, title="Two")
    third = builders.pending_event(personas.outsider, title="Three")
    with pytest.raises(PermissionDenied):
        services.approve_event(actor=personas.organizer_a, event=first)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approved, token = services.approve_event(
            actor=personas.organizer_b, event=first, trust_host=True
        )
    assert approved.status == "approved" and approved.moderated_by == personas.organizer_b
    assert selectors.host_link_for(token).event == approved
    assert token in mail.outbox[0].body
    assert TrustedHost.objects.filter(email=personas.outsider.email).exists()
    with pytest.raises(ValidationError):
        services.reject_event(actor=personas.admin, event=second, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(actor=personas.admin, event=second, note="Add the address.")
        services.reject_event(actor=personas.admin, event=third, reason="Outside our region.")
    second.refresh_from_db()
    third.refresh_from_db()
    assert second.status == "changes_requested" and second.moderation_note == "Add the address."
    assert third.status == "rejected" and "Outside our region." in mail.outbox[-1].body
    with pytest.raises(ValidationError):
        services.approve_event(actor=personas.admin, event=third)


def test_a_zip_without_coordinates_places_the_event_at_the_zip_centroid(personas):
    event, _ = builders.approved_event(personas.admin, zip_code="60601")
    assert not event.is_location_precise
    assert round(event.latitude, 1) == 41.9 and round(event.longitude, 1) == -87.6
    assert event.city and event.state == "IL"
    precise, _ = builders.approved_event(
        personas.admin, title="Precise", latitude=41.88, longitude=-87.63
    )
    assert precise.is_location_precise and precise.latitude == 41.88


def test_virtual_events_need_a_link_and_no_zip(personas):
    with pytest.raises(ValidationError):
        builders.approved_event(personas.admin, zip_code="", is_virtual=True)
    event, _ = builders.approved_event(
        personas.admin, zip_code="", is_virtual=True, virtual_url="https://meet.example.org/x"
    )
    assert event.latitude is None and event.place == "Online"


def test_check_in_records_the_ladder_and_hands_a_new_volunteer_to_their_chapter(personas):
    event, token = builders.approved_event(personas.admin, zip_code="10001")
    link = builders.host_link(token)
    rsvp, _ = _rsvp(event, email="new.volunteer@example.org", zip_code="60602")
    member_rsvp, _ = _rsvp(event, email=personas.person_member_a.email)
    services.check_in(actor=None, rsvp=rsvp, link=link)
    services.check_in(actor=None, rsvp=member_rsvp, link=link)
    follow_up = FollowUp.objects.get()
    assert follow_up.person == rsvp.person and follow_up.chapter == personas.chapter_b
    assert follow_up.event == event
    step = LadderEvent.objects.get(person=rsvp.person)
    assert (step.stage, step.attribution_type, step.attribution_id) == (
        "volunteered",
        "event",
        str(event.pk),
    )
    assert not FollowUp.objects.filter(person=personas.person_member_a).exists()
    services.complete_follow_up(actor=personas.organizer_b, follow_up=follow_up, outcome="joined")
    joined = LadderEvent.objects.get(person=rsvp.person, stage="joined")
    assert joined.attribution_id == str(event.pk) and joined.chapter == personas.chapter_b
    with pytest.raises(PermissionDenied):
        services.complete_follow_up(
            actor=personas.organizer_a, follow_up=follow_up, outcome="joined"
        )


def test_a_host_link_acts_only_on_its_own_event(personas):
    event, token = builders.approved_event(personas.admin)
    other, _ = builders.approved_event(personas.admin, title="Other event")
    rsvp_other, _ = _rsvp(other)
    with pytest.raises(PermissionDenied):
        services.check_in(actor=None, rsvp=rsvp_other, link=builders.host_link(token))
    with pytest.raises(PermissionDenied):
        services.record_outcomes(actor=None, event=other, link=builders.host_link(token), pledges=3)


def test_walk_ins_are_checked_in_even_when_the_slot_is_full(personas):
    event, token = builders.approved_event(personas.admin, capacity=1)
    _rsvp(event, email="first@example.org")
    walk_in = services.add_walk_in(
        actor=None,
        event=event,
        link=builders.host_link(token),
        phone="312-555-0177",
        first_name="Ivo",
        zip_code="60601",
        sms_opt_in=True,
    )
    assert walk_in.is_walk_in and walk_in.checked_in_at and walk_in.status == "confirmed"
    assert current_consent(walk_in.person) == {"sms": "opted_in"}


def test_day_totals_count_events_places_rsvps_attendance_and_newcomers(personas):
    day = builders.day_of_action()
    chicago, token = builders.approved_event(personas.admin, day=day, zip_code="60601")
    builders.approved_event(personas.admin, day=day, zip_code="10001", title="NYC")
    builders.pending_event(personas.outsider, day=day, title="Not yet")
    rsvp, _ = _rsvp(chicago)
    _rsvp(chicago, email="second@example.org")
    services.check_in(actor=None, rsvp=rsvp, link=builders.host_link(token))
    assert selectors.day_totals(day) == {
        "events": 2,
        "cities": 2,
        "states": 2,
        "rsvps": 2,
        "attendance": 1,
        "new_volunteers": 1,
    }


def test_revoked_host_links_stop_working(personas):
    event, token = builders.approved_event(personas.admin)
    link = builders.host_link(token)
    with pytest.raises(PermissionDenied):
        services.revoke_host_link(actor=personas.organizer_a, link=link)
    services.revoke_host_link(actor=personas.organizer_b, link=link)
    from django.http import Http404

    with pytest.raises(Http404):
        selectors.host_link_for(token)


def test_consent_given_again_at_an_rsvp_is_asked_by_email_not_recorded(personas):
    """An unverified public form never raises consent on an existing person (issue 16)."""
    event, _ = builders.approved_event(personas.admin)
    person = personas.person_member_a
    ConsentEvent.objects.create(person=person, channel="email", status="opted_out", source="t")
    _rsvp(event, email=person.email, email_opt_in=True)
    assert current_consent(person)["email"] == "opted_out"
