"""Check-in at the door by the code in an RSVP's confirmation: typed, or scanned from its QR code.

A hardware scanner types the code and Enter; the host's phone camera reads the same QR code. The
same code twice is harmless (the second scan says when the person was checked in). A code that
matches no RSVP of this event is refused with the reason, and the refusal is audited, so a link
used to guess codes shows up in the log.
"""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from bloc.events import audit
from bloc.events.models import RSVP, Event, HostLink
from bloc.events.services.rsvps import check_in

# How far either side of this event to look for the event a stray code belongs to: enough for
# someone at the wrong event on the same day, without scanning every RSVP ever made.
NEARBY_WINDOW = timedelta(days=1)

REFUSALS = {
    "unknown": (
        "No RSVP for this event has the code {code}. Check it against the person's "
        "confirmation, or find them by name in the list."
    ),
    "other_event": (
        "Code {code} is for a different event, not this one. The person's confirmation email "
        "says which event they signed up for."
    ),
    "cancelled": (
        "The RSVP with code {code} was cancelled. If the person is staying, add them as a walk-in."
    ),
    "ambiguous": "More than one RSVP has the code {code}: find the person by name instead.",
}


@dataclass(frozen=True)
class CodeCheckIn:
    rsvp: RSVP
    was_already_checked_in: bool


def normalize_check_in_code(raw: str) -> str:
    """Upper case, letters and digits only: scanners and people add spaces, dashes, newlines."""
    return "".join(ch for ch in (raw or "").upper() if ch.isascii() and ch.isalnum())


def _belongs_to_a_nearby_event(event: Event, code: str) -> bool:
    nearby = Event.objects.filter(
        starts_at__lt=event.ends_at + NEARBY_WINDOW, ends_at__gt=event.starts_at - NEARBY_WINDOW
    ).exclude(pk=event.pk)
    return RSVP.objects.filter(event__in=nearby, check_in_code=code).exists()


def check_in_by_code(*, actor: Any, link: HostLink, code: str) -> CodeCheckIn:
    """Check in the RSVP of the link's event that has this code; idempotent.

    Raises ValidationError (its `code` is the reason: unknown, other_event, cancelled,
    ambiguous) when the code cannot be checked in here.
    """
    code = normalize_check_in_code(code)
    if not code:
        raise ValidationError("Enter or scan a check-in code.", code="empty")
    with transaction.atomic():
        found = list(
            RSVP.objects.select_for_update()
            .filter(event_id=link.event_id, check_in_code=code)
            .order_by("pk")[:2]
        )
        if len(found) == 1 and found[0].status != RSVP.Status.CANCELLED:
            was_already = found[0].checked_in_at is not None
            rsvp = check_in(actor=actor, rsvp=found[0], link=link)
            return CodeCheckIn(rsvp=rsvp, was_already_checked_in=was_already)
        if len(found) > 1:
            reason = "ambiguous"
        elif found:
            reason = "cancelled"
        elif _belongs_to_a_nearby_event(link.event, code):
            reason = "other_event"
        else:
            reason = "unknown"
    # Outside the transaction above: the refusal is recorded even though we raise.
    audit.check_in_code_refused(link=link, actor=actor, event=link.event, reason=reason)
    raise ValidationError(REFUSALS[reason].format(code=code), code=reason)
