"""Event email: confirmations, reminders, host links. Cancellation and opt-out are checked when
a message is *sent*, not when it was queued. Confirmations and reminders carry an HTML part with
the check-in pass (a QR code drawn as a table, so it shows with images blocked)."""

from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from bloc.core.tasks import retrying, send_email, send_email_on_commit
from bloc.events.models import RSVP, Event
from bloc.people import selectors as people_selectors
from bloc.people.models import Channel, ConsentEvent, Person

SUBJECTS = {
    "verify": "Confirm your event submission",
    "changes": "Changes requested for your event",
    "rejected": "Your event was not approved",
    "host_link": "Your event is live: your host tools",
    "confirmation": "You're signed up",
    "waitlisted": "You're on the waitlist",
    "day_before": "Tomorrow: your event",
    "hour_before": "Starting soon: your event",
    "cancelled": "Event cancelled",
}


def absolute(url_name: str, *args: Any) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(url_name, args=args)


def _render(template: str, context: dict[str, Any]) -> str:
    links = {
        "verify_url": ("events:submission-verify", "token"),
        "host_url": ("events:host-tools", "token"),
    }
    for key, (url_name, arg) in links.items():
        if context.get(arg):
            context = {**context, key: absolute(url_name, context[arg])}
    return render_to_string(f"events/email/{template}.txt", context)


def mail_on_commit(*, to: str, template: str, context: dict[str, Any]) -> None:
    """Mail to a host about their own submission (transactional)."""
    if to:
        send_email_on_commit(to=[to], subject=SUBJECTS[template], body=_render(template, context))


def _not_opted_out(person: Person) -> bool:
    """RSVP mail is transactional, but never goes to someone whose email consent is withdrawn."""
    status = people_selectors.current_consent(person).get(Channel.EMAIL)
    return bool(person.email) and status != ConsentEvent.Status.OPTED_OUT


def _rsvp_context(rsvp: RSVP, token: str = "") -> dict[str, Any]:
    context: dict[str, Any] = {
        "rsvp": rsvp,
        "event": rsvp.event,
        "slot": rsvp.timeslot,
        "event_url": absolute("events:event-detail", rsvp.event.url_key),
    }
    if token:
        context["cancel_url"] = absolute("events:rsvp-cancel", token)
    return context


@task()
@retrying(max_attempts=5)
def send_rsvp_confirmation(rsvp_id: int, token: str = "") -> str:
    rsvp = RSVP.objects.select_related("person", "event", "timeslot").filter(pk=rsvp_id).first()
    if rsvp is None or rsvp.status == RSVP.Status.CANCELLED:
        return "skipped: cancelled"
    if rsvp.event.status != Event.Status.APPROVED:
        return "skipped: event not on"
    if not _not_opted_out(rsvp.person):
        return "skipped: opted out"
    kind = "confirmation" if rsvp.status == RSVP.Status.CONFIRMED else "waitlisted"
    context = {**_rsvp_context(rsvp, token), "kind": kind}
    body = render_to_string("events/email/rsvp.txt", context)
    html = render_to_string("events/email/rsvp.html", context)
    send_email.call(to=[rsvp.person.email], subject=SUBJECTS[kind], body=body, html=html)
    return "sent"


@task()
@retrying(max_attempts=5)
def send_reminders(rsvp_ids: list[int], kind: str) -> int:
    """One task per batch of up to 500 RSVPs. Returns how many were sent."""
    sent = 0
    rsvps = RSVP.objects.filter(
        pk__in=rsvp_ids, status=RSVP.Status.CONFIRMED, event__status=Event.Status.APPROVED
    ).select_related("person", "event", "timeslot")
    for rsvp in rsvps:
        if not _not_opted_out(rsvp.person):
            continue
        context = {**_rsvp_context(rsvp), "kind": kind}
        body = render_to_string("events/email/reminder.txt", context)
        html = render_to_string("events/email/reminder.html", context)
        send_email.call(to=[rsvp.person.email], subject=SUBJECTS[kind], body=body, html=html)
        sent += 1
    return sent


@task()
def send_cancellation_notices(event_id: int, person_ids: list[int]) -> int:
    event = Event.objects.filter(pk=event_id).first()
    if event is None:
        return 0
    sent = 0
    for person in Person.objects.live().filter(pk__in=person_ids):
        if not _not_opted_out(person):
            continue
        body = render_to_string("events/email/cancelled.txt", {"event": event})
        send_email.call(to=[person.email], subject=SUBJECTS["cancelled"], body=body)
        sent += 1
    return sent


def queue_reminders_job() -> None:
    from bloc.events.services import queue_due_reminders

    with transaction.atomic():
        queue_due_reminders()


@task()
def drain_rsvp_intake() -> int:
    """Turn the public RSVPs received so far into RSVPs (see services.receive_rsvp)."""
    from bloc.events.services import process_rsvp_intake

    return process_rsvp_intake()


def intake_job() -> None:
    """Backstop for the drain (a worker that died with the key held) and the weekly purge."""
    from bloc.events.services import process_rsvp_intake, purge_processed_intake

    process_rsvp_intake()
    purge_processed_intake()
