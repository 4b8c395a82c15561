"""What events share with a partner under a data-sharing agreement: the RSVPs its link brought.

Coalition decides whether a liaison may see this (an active agreement covering "events.rsvps")
and audits every view; this module decides what the rows are. A person's email or phone is
included only where that person consented to be contacted on that channel."""

from datetime import date
from typing import Any

from bloc.core.registry import SharedDataSource, shared_data
from bloc.events.models import RSVP
from bloc.people import selectors as people
from bloc.people.models import Person

COLUMNS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "zip_code",
    "event",
    "event_starts",
    "status",
    "checked_in",
)


def partner_rsvps(partner_id: int, since: date, until: date) -> list[dict[str, Any]]:
    rsvps = list(
        RSVP.objects.filter(
            referring_partner_id=partner_id,
            created_at__date__gte=since,
            created_at__date__lte=until,
        )
        .select_related("person", "event", "timeslot")
        .order_by("created_at", "pk")
    )
    person_ids = {r.person_id for r in rsvps}
    people_qs = Person.objects.filter(pk__in=person_ids)
    may_email = set(people.contactable(people_qs, "email").values_list("pk", flat=True))
    may_text = set(people.contactable(people_qs, "sms").values_list("pk", flat=True))
    may_call = set(people.contactable(people_qs, "phone").values_list("pk", flat=True))
    return [
        {
            "first_name": r.person.first_name,
            "last_name": r.person.last_name,
            "email": r.person.email if r.person_id in may_email else "",
            "phone": r.person.phone if r.person_id in (may_text | may_call) else "",
            "zip_code": r.person.zip_code,
            "event": r.event.title,
            "event_starts": r.timeslot.starts_at.isoformat(),
            "status": r.get_status_display(),
            "checked_in": "yes" if r.checked_in_at else "no",
        }
        for r in rsvps
    ]


shared_data.register(
    "events.rsvps",
    SharedDataSource(label="RSVPs through your link", columns=COLUMNS, rows=partner_rsvps),
)
