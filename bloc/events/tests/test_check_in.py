"""Check-in at the door by the code or its QR code: the pass people get, the scan mode hosts use."""

import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from bloc.core.models import AuditEvent
from bloc.events import services
from bloc.events.models import RSVP
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _rsvp(event, email="rowan.door@example.org", **kw):
    kw.setdefault("first_name", "Rowan")
    kw.setdefault("last_name", "Ashby")
    kw.setdefault("zip_code", "60602")
    return services.rsvp(actor=None, timeslot=event.timeslots.first(), email=email, **kw)[0]


def _scan(client, token, code, **kw):
    return client.post(reverse("events:host-scan", args=[token]), {"code": code}, **kw)


# --- The pass: on the RSVP page and in the email -----------------------------------------------


def test_the_rsvp_page_shows_the_check_in_code_as_a_qr_code(
    client, personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    response = builders.public_rsvp(
        client,
        event,
        django_capture_on_commit_callbacks,
        first_name="Lupe",
        email="lupe.pass@example.org",
    )
    html = response.content.decode()
    code = RSVP.objects.get().check_in_code
    assert response.status_code == 200
    assert f'aria-label="QR code of check-in code {code}"' in html
    assert f'<strong id="check-in-code" class="check-in-code">{code}</strong>' in html
    assert 'src="data:' not in html, "inline SVG: nothing for img-src to allow"


def test_a_virtual_event_has_no_door_and_no_qr_code(
    client, personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(
        personas.admin, is_virtual=True, virtual_url="https://meet.example.org/x"
    )
    response = builders.public_rsvp(
        client,
        event,
        django_capture_on_commit_callbacks,
        first_name="Ada",
        email="ada.online@example.org",
    )
    assert "You're signed up!" in response.content.decode()
    assert "check-in-pass" not in response.content.decode()


def test_the_confirmation_email_carries_the_pass_as_html_and_the_code_as_text(
    personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp = _rsvp(event)
    [message] = mail.outbox
    assert f"Check-in code: {rsvp.check_in_code}" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert rsvp.check_in_code in html and 'bgcolor="#000000"' in html
    assert "<img" not in html, "a table of cells shows with images blocked"
    assert event.title in html


def test_the_hour_before_reminder_carries_the_pass_too(
    personas, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    event, _ = builders.approved_event(personas.admin, start=builders.at(3, 12))
    rsvp = _rsvp(event)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.queue_due_reminders(now=event.starts_at - timedelta(minutes=50))
    [message] = [m for m in mail.outbox if m.subject == "Starting soon: your event"]
    assert f"Check-in code: {rsvp.check_in_code}" in message.body
    assert rsvp.check_in_code in message.alternatives[0][0]


# --- The service ------------------------------------------------------------------------------


def test_a_code_checks_the_person_in_once_however_often_it_is_scanned(personas):
    event, token = builders.approved_event(personas.admin)
    rsvp = _rsvp(event)
    link = builders.host_link(token)
    messy = " " + rsvp.check_in_code[:3].lower() + "-" + rsvp.check_in_code[3:] + "\n"
    first = services.check_in_by_code(actor=None, link=link, code=messy)
    assert first.rsvp.pk == rsvp.pk and not first.was_already_checked_in
    again = services.check_in_by_code(actor=None, link=link, code=rsvp.check_in_code)
    assert again.was_already_checked_in
    assert again.rsvp.checked_in_at == first.rsvp.checked_in_at
    assert AuditEvent.objects.filter(action="events.checked_in").count() == 1


@pytest.mark.parametrize("code", ["", " - "])
def test_an_empty_code_never_matches_a_walk_in_without_one(personas, code):
    event, token = builders.approved_event(personas.admin)
    link = builders.host_link(token)
    walk_in = services.add_walk_in(
        actor=None, event=event, link=link, email="nell.walk@example.org", first_name="Nell"
    )
    assert walk_in.check_in_code == ""
    with pytest.raises(ValidationError) as refused:
        services.check_in_by_code(actor=None, link=link, code=code)
    assert refused.value.code == "empty"


def test_an_unknown_code_is_refused_and_the_refusal_audited_without_the_code(personas):
    event, token = builders.approved_event(personas.admin)
    _rsvp(event)
    with pytest.raises(ValidationError) as refused:
        services.check_in_by_code(actor=None, link=builders.host_link(token), code="ZZZZZZ")
    assert refused.value.code == "unknown"
    assert "No RSVP for this event has the code ZZZZZZ" in refused.value.messages[0]
    audit = AuditEvent.objects.get(action="events.check_in_code_refused")
    assert audit.data["reason"] == "unknown" and "ZZZZZZ" not in str(audit.data)
    assert not RSVP.objects.filter(checked_in_at__isnull=False).exists()


def test_a_code_for_another_event_that_day_says_so_and_checks_no_one_in(personas):
    here, token = builders.approved_event(personas.admin, title="Loop rally")
    there, _ = builders.approved_event(personas.admin, zip_code="60629", title="South Side picket")
    elsewhere = _rsvp(there)
    with pytest.raises(ValidationError) as refused:
        services.check_in_by_code(
            actor=None, link=builders.host_link(token), code=elsewhere.check_in_code
        )
    assert refused.value.code == "other_event"
    assert "South Side" not in refused.value.messages[0], "the other event is not named"
    elsewhere.refresh_from_db()
    assert elsewhere.checked_in_at is None


def test_a_cancelled_rsvp_is_not_checked_in_by_its_code(personas):
    event, token = builders.approved_event(personas.admin)
    rsvp = _rsvp(event)
    services.cancel_rsvp(actor=None, rsvp=rsvp)
    with pytest.raises(ValidationError) as refused:
        services.check_in_by_code(
            actor=None, link=builders.host_link(token), code=rsvp.check_in_code
        )
    assert refused.value.code == "cancelled" and "walk-in" in refused.value.messages[0]
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is None


# --- Scan mode, through the host's link -------------------------------------------------------


def test_scan_mode_is_linked_from_host_tools_and_needs_no_inline_script(client, personas):
    event, token = builders.approved_event(personas.admin)
    tools = client.get(reverse("events:host-tools", args=[token])).content.decode()
    assert reverse("events:host-scan", args=[token]) in tools
    page = client.get(reverse("events:host-scan", args=[token]))
    html = page.content.decode()
    assert page.status_code == 200
    assert re.search(r'<input type="text" name="code"[^>]*autofocus', html)
    assert all("src=" in tag for tag in re.findall(r"<script[^>]*>", html))
    assert "static/events/scan.js" in html
    assert "No one yet" in html and "<strong>0</strong> of 0 RSVPs checked in" in html
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_a_scanner_checks_people_in_without_javascript(client, personas):
    event, token = builders.approved_event(personas.admin)
    rsvp = _rsvp(event, guests=2)
    response = _scan(client, token, rsvp.check_in_code, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("events:host-scan", args=[token])
    assert "Checked in: Rowan Ashby with 2 guests." in html
    assert "<strong>1</strong> of 1 RSVP checked in" in html
    rsvp.refresh_from_db()
    assert rsvp.checked_in_at is not None
    again = _scan(client, token, rsvp.check_in_code.lower(), follow=True).content.decode()
    assert "Rowan Ashby was already checked in at" in again


def test_scan_mode_explains_each_refusal(client, personas):
    event, token = builders.approved_event(personas.admin)
    other, _ = builders.approved_event(personas.admin, zip_code="60629", title="Other")
    theirs = _rsvp(other, email="tam.other@example.org")
    unknown = _scan(client, token, "ZZZZZZ", follow=True).content.decode()
    assert "No RSVP for this event has the code ZZZZZZ" in unknown
    wrong = _scan(client, token, theirs.check_in_code, follow=True).content.decode()
    assert "is for a different event" in wrong
    short = _scan(client, token, "AB", follow=True).content.decode()
    assert "A check-in code has 6 letters and digits" in short
    empty = _scan(client, token, "", follow=True).content.decode()
    assert "Enter or scan a check-in code." in empty
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None


def test_with_htmx_only_the_outcome_and_the_totals_come_back(client, personas):
    event, token = builders.approved_event(personas.admin)
    rsvp = _rsvp(event)
    response = _scan(client, token, rsvp.check_in_code, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert '<p class="scan-outcome success">Checked in: Rowan Ashby.</p>' in html
    assert 'id="scan-totals" class="card" hx-swap-oob="true"' in html
    assert "<strong>1</strong> of 1 RSVP checked in" in html and "Rowan Ashby" in html
    refused = _scan(client, token, "ZZZZZZ", headers={"HX-Request": "true"}).content.decode()
    assert 'class="scan-outcome error"' in refused


def test_a_waitlisted_person_can_be_checked_in_and_the_host_is_told(client, personas):
    event, token = builders.approved_event(personas.admin, capacity=1)
    _rsvp(event, email="first.in@example.org", first_name="First")
    waiting = _rsvp(event, email="second.in@example.org", first_name="Sami")
    assert waiting.status == RSVP.Status.WAITLISTED
    html = _scan(client, token, waiting.check_in_code, follow=True).content.decode()
    assert "(they were on the waitlist)" in html


def test_one_events_link_cannot_check_in_anothers_rsvp(client, personas):
    _, token = builders.approved_event(personas.admin)
    other, other_token = builders.approved_event(personas.admin, title="Other")
    theirs = _rsvp(other)
    _scan(client, token, theirs.check_in_code)
    theirs.refresh_from_db()
    assert theirs.checked_in_at is None
    _scan(client, other_token, theirs.check_in_code)
    theirs.refresh_from_db()
    assert theirs.checked_in_at is not None


def test_scan_mode_for_an_event_waiting_for_changes_goes_back_to_host_tools(
    client, personas, django_capture_on_commit_callbacks
):
    pending = builders.pending_event(personas.outsider)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_changes(actor=personas.admin, event=pending, note="Add an address.")
    token = mail.outbox[0].body.split("/events/host/")[1].split("/")[0]
    response = client.get(reverse("events:host-scan", args=[token]))
    assert response.status_code == 302
    assert response["Location"] == reverse("events:host-tools", args=[token])


def test_plain_text_email_is_not_html_escaped(personas, django_capture_on_commit_callbacks):
    event, _ = builders.approved_event(personas.admin, title="Bread & Roses rally")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _rsvp(event)
    [message] = mail.outbox
    assert "Bread & Roses rally" in message.body and "&amp;" not in message.body
    [(html, _mimetype)] = message.alternatives
    assert "Bread &amp; Roses rally" in html, "the HTML part stays escaped"
