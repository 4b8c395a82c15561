"""Through the test client: the response and the database."""

from datetime import UTC
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from bloc.core.models import AuditEvent
from bloc.events import services
from bloc.events.models import RSVP, ConflictFlag, Event
from bloc.events.tests import builders
from bloc.people.models import Person

pytestmark = pytest.mark.django_db


def test_search_by_zip_lists_nearest_first_with_distances_and_no_tiles_needed(client, personas):
    far, _ = builders.approved_event(personas.admin, zip_code="60629", title="South Side picket")
    near, _ = builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    builders.approved_event(personas.admin, zip_code="10001", title="New York march")
    builders.pending_event(personas.outsider, zip_code="60601", title="Unapproved")
    response = client.get(reverse("events:event-search"), {"zip": "60602", "radius": "25"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Loop rally") < html.index("South Side picket")
    assert "New York march" not in html and "Unapproved" not in html
    assert " mi</span>" in html
    assert 'data-tiles-url=""' in html and "<script>" not in html
    only_type = client.get(reverse("events:event-search"), {"zip": "60602", "type": "picket"})
    assert "Loop rally" not in only_type.content.decode()


def test_the_search_page_allows_the_configured_tile_server_only(client, personas, settings):
    settings.BLOC_MAP_TILES_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    response = client.get(reverse("events:event-search"))
    assert "https://*.tiles.example.org" in response["Content-Security-Policy"]


def test_public_rsvp_creates_the_person_and_partner_attribution(
    client, personas, django_capture_on_commit_callbacks
):
    from bloc.coalition.models import Partner

    partner = Partner.objects.create(name="Tenants United (fictional)", kind="community")
    event, _ = builders.approved_event(personas.admin)
    response = builders.public_rsvp(
        client,
        event,
        django_capture_on_commit_callbacks,
        first_name="Lupe",
        last_name="Hazel",
        email="lupe.hazel@example.org",
        guests="1",
        email_opt_in="on",
        partner=str(partner.pk),
    )
    assert response.status_code == 200
    assert "You're signed up!" in response.content.decode()
    rsvp = RSVP.objects.get()
    assert rsvp.person.email == "lupe.hazel@example.org" and rsvp.guests == 1
    assert rsvp.referring_partner == partner
    client.force_login(personas.organizer_b)
    manage = client.get(reverse("events:event-manage", args=[event.pk])).content.decode()
    assert "Tenants United (fictional): 1" in manage


def test_cancel_link_cancels_without_an_account(client, personas):
    event, _ = builders.approved_event(personas.admin)
    rsvp, token = services.rsvp(
        actor=None, timeslot=event.timeslots.get(), email="fern@example.org"
    )
    url = reverse("events:rsvp-cancel", args=[token])
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    rsvp.refresh_from_db()
    assert rsvp.status == "cancelled"


def test_ical_feeds_for_an_event_and_a_day(client, personas):
    day = builders.day_of_action()
    event, _ = builders.approved_event(personas.admin, day=day)
    one = client.get(reverse("events:event-ical", args=[event.slug]))
    assert one["Content-Type"].startswith("text/calendar")
    body = one.content.decode()
    assert "BEGIN:VEVENT" in body and event.title in body
    assert event.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ") in body
    feed = client.get(reverse("events:day-ical", args=[day.slug])).content.decode()
    assert feed.count("BEGIN:VEVENT") == 1


def test_embed_may_be_framed_by_partner_sites(client, personas):
    builders.approved_event(personas.admin)
    response = client.get(reverse("events:event-embed"))
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]


def test_host_tools_work_without_an_account_and_only_for_their_event(client, personas):
    event, token = builders.approved_event(personas.admin)
    other, _ = builders.approved_event(personas.admin, title="Other")
    mine, _ = services.rsvp(actor=None, timeslot=event.timeslots.get(), email="a@example.org")
    theirs, _ = services.rsvp(actor=None, timeslot=other.timeslots.get(), email="b@example.org")
    page = client.get(reverse("events:host-tools", args=[token]))
    assert page.status_code == 200 and "a@example.org" not in page.content.decode()
    assert "RSVPs" in page.content.decode()
    not_mine = client.post(reverse("events:host-check-in", args=[token, theirs.pk]))
    assert not_mine.status_code == 404
    assert client.post(reverse("events:host-check-in", args=[token, mine.pk])).status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.checked_in_at and theirs.checked_in_at is None
    walk_in = client.post(
        reverse("events:host-walk-in", args=[token]),
        {"first_name": "Gus", "email": "gus.walkin@example.org", "zip_code": "60601"},
    )
    assert walk_in.status_code == 302
    assert RSVP.objects.get(person__email="gus.walkin@example.org").is_walk_in
    client.post(reverse("events:host-outcomes", args=[token]), {"doors_knocked": "120"})
    event.refresh_from_db()
    assert event.doors_knocked == 120
    services.revoke_host_link(actor=personas.admin, link=builders.host_link(token))
    assert client.get(reverse("events:host-tools", args=[token])).status_code == 404


def test_moderator_sees_conflicts_with_the_nearby_events_and_approves(client, personas):
    approved, _ = builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    pending = builders.pending_event(personas.outsider, zip_code="60601", title="Loop picnic")
    assert ConflictFlag.objects.filter(event=pending).exists()
    client.force_login(personas.organizer_b)
    queue = client.get(reverse("events:moderation-queue")).content.decode()
    assert "Loop picnic" in queue and "1 nearby" in queue
    detail = client.get(reverse("events:moderation-detail", args=[pending.pk])).content.decode()
    assert "Conflict: 1 approved event nearby" in detail and "Loop rally" in detail
    response = client.post(
        reverse("events:moderation-decide", args=[pending.pk]), {"decision": "approve"}
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Event.Status.APPROVED
    client.force_login(personas.organizer_a)
    assert client.get(reverse("events:moderation-detail", args=[pending.pk])).status_code == 404


def test_rejecting_needs_a_reason(client, personas):
    pending = builders.pending_event(personas.outsider)
    client.force_login(personas.admin)
    client.post(reverse("events:moderation-decide", args=[pending.pk]), {"decision": "reject"})
    pending.refresh_from_db()
    assert pending.status == Event.Status.PENDING


def test_anonymous_submission_then_verification(client, personas):
    response = client.post(
        reverse("events:event-submit"),
        {
            "title": "Block party for the demands",
            "event_type": "community",
            "visibility": "public",
            "date": builders.at(12, 12).date().isoformat(),
            "start_time": "14:00",
            "end_time": "16:00",
            "zip_code": "60601",
            "host_name": "Bea Birch",
            "host_email": "bea.birch@example.org",
        },
    )
    assert response.status_code == 201
    event = Event.objects.get()
    assert event.status == "unverified" and event.timezone == "America/Chicago"
    assert event.starts_at.astimezone(ZoneInfo("America/Chicago")).hour == 14


def test_export_is_scoped_and_audited(client, personas):
    event, _ = builders.approved_event(personas.admin)
    services.rsvp(actor=None, timeslot=event.timeslots.get(), email="=cmd@example.org")
    client.force_login(personas.organizer_a)
    assert client.get(reverse("events:rsvp-export", args=[event.pk])).status_code == 404
    client.force_login(personas.organizer_b)
    response = client.get(reverse("events:rsvp-export", args=[event.pk]))
    assert "'=cmd@example.org" in response.content.decode()
    assert AuditEvent.objects.filter(action="events.rsvps_exported", actor=personas.organizer_b)


def test_follow_up_list_is_scoped_to_the_chapter(client, personas):
    event, token = builders.approved_event(personas.admin)
    services.add_walk_in(
        actor=None,
        event=event,
        link=builders.host_link(token),
        email="ivo.new@example.org",
        first_name="Ivo",
        zip_code="60602",
    )
    client.force_login(personas.organizer_b)
    assert "Ivo" in client.get(reverse("events:follow-up-list")).content.decode()
    client.force_login(personas.organizer_a)
    assert "Ivo" not in client.get(reverse("events:follow-up-list")).content.decode()
    assert Person.objects.filter(email="ivo.new@example.org").count() == 1


def test_search_page_query_count_does_not_grow_with_results(
    client, personas, django_assert_max_num_queries
):
    for i in range(12):
        builders.approved_event(personas.admin, title=f"Rally {i}")
    with django_assert_max_num_queries(8):
        client.get(reverse("events:event-search"), {"zip": "60601"})


def test_a_host_makes_the_requested_changes_through_their_link(
    client, personas, django_capture_on_commit_callbacks
):
    from django.core import mail

    approved, _ = builders.approved_event(personas.admin, zip_code="60601", title="Loop rally")
    pending = builders.pending_event(personas.outsider, zip_code="60601", title="Loop picnic")
    assert ConflictFlag.objects.filter(event=pending).exists()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(actor=personas.admin, event=pending, note="Move it a week.")
    token = mail.outbox[0].body.split("/events/host/")[1].split("/")[0]
    page = client.get(reverse("events:host-tools", args=[token])).content.decode()
    assert "Move it a week." in page and "resubmit-form" in page
    later = builders.at(17, 12)
    response = client.post(
        reverse("events:host-resubmit", args=[token]),
        {
            "title": "Loop picnic",
            "event_type": "community",
            "date": later.date().isoformat(),
            "start_time": "12:00",
            "end_time": "14:00",
            "timezone": "America/Chicago",
            "zip_code": "60601",
        },
    )
    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == Event.Status.PENDING and pending.starts_at == later
    assert pending.timeslots.get().starts_at == later
    assert not ConflictFlag.objects.filter(event=pending).exists(), "a week apart: no conflict"
    again = client.post(reverse("events:host-resubmit", args=[token]), {"title": "x"})
    assert again.status_code == 400


def test_organizers_add_shifts_with_roles_and_capacity(client, personas):
    event, _ = builders.approved_event(personas.admin)
    client.force_login(personas.organizer_b)
    day = event.starts_at.date().isoformat()
    response = client.post(
        reverse("events:shift-add", args=[event.pk]),
        {"date": day, "start_time": "15:00", "end_time": "17:00", "role": "Marshal", "capacity": 4},
    )
    assert response.status_code == 302
    shift = event.timeslots.get(role="Marshal")
    assert shift.capacity == 4
    assert shift.starts_at.astimezone(ZoneInfo("America/Chicago")).hour == 15
    client.force_login(personas.organizer_a)
    denied = client.post(reverse("events:shift-add", args=[event.pk]), {"date": day})
    assert denied.status_code == 404 and event.timeslots.count() == 2


def test_a_host_finds_an_rsvp_by_its_check_in_code(client, personas):
    event, token = builders.approved_event(personas.admin)
    rsvp, _ = services.rsvp(actor=None, timeslot=event.timeslots.get(), email="kai@example.org")
    services.rsvp(actor=None, timeslot=event.timeslots.get(), email="lupe@example.org")
    assert len(rsvp.check_in_code) == 6
    found = client.get(
        reverse("events:host-tools", args=[token]),
        {"q": rsvp.check_in_code.lower()},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert f"rsvp-{rsvp.pk}" in found and "1 RSVPs" in found
