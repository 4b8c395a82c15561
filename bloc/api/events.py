"""OSDI events and attendances (RSVPs), scoped like the staff event pages."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from bloc.api import hal, schemas
from bloc.events import selectors
from bloc.events.models import RSVP, Event

router = Router(tags=["events"])

_EVENT_STATUS: dict[str, str] = {
    Event.Status.APPROVED: "confirmed",
    Event.Status.CANCELLED: "cancelled",
    Event.Status.REJECTED: "cancelled",
}
_RSVP_STATUS: dict[str, str] = {
    RSVP.Status.CONFIRMED: "accepted",
    RSVP.Status.WAITLISTED: "tentative",
    RSVP.Status.CANCELLED: "declined",
}


def _event_doc(request: HttpRequest, event: Event) -> dict[str, Any]:
    self_href = hal.base(request) + f"events/{event.pk}"
    location = None
    if not event.is_virtual:
        location = {
            "venue": event.venue_name,
            "address_lines": [event.address_line1] if event.address_line1 else [],
            "locality": event.city,
            "region": event.state,
            "postal_code": event.zip_code,
            "country": "US",
        }
    custom = {
        "event_type": event.event_type,
        "bloc_status": event.status,
        "time_zone": event.timezone,
        "chapter": event.chapter.slug if event.chapter is not None else "",
    }
    return {
        "identifiers": [f"bloc:event-{event.pk}"],
        "created_date": event.created_at,
        "modified_date": event.updated_at,
        "name": event.slug,
        "title": event.title,
        "description": event.description,
        "status": _EVENT_STATUS.get(event.status, "tentative"),
        "visibility": event.visibility,
        "start_date": event.starts_at,
        "end_date": event.ends_at,
        "location": location,
        "custom_fields": {k: v for k, v in custom.items() if v},
        "_links": {
            "self": hal.link(self_href),
            "curies": hal.CURIES,
            "osdi:attendances": hal.link(self_href + "/attendances"),
        },
    }


@router.get(
    "/events",
    response={200: schemas.EventsCollection, **schemas.ERRORS},
    by_alias=True,
    summary="Events (OSDI)",
    operation_id="events_list",
)
def events_list(
    request: HttpRequest,
    page: int = hal.PAGE,
    per_page: int = hal.PER_PAGE,
    filter: str = "",  # noqa: A002 (OSDI's name)
) -> dict[str, Any]:
    """Events the token's user manages: every event for national admins, their chapters'
    events for organizers, none for anyone else."""
    qs = selectors.events_managed_by(request.user).select_related("chapter")
    qs = hal.filter_modified(qs, filter)
    items, doc = hal.page_of(
        request,
        qs.order_by("starts_at", "pk"),
        path="events",
        page=page,
        per_page=per_page,
        params={"filter": filter},
    )
    doc["_embedded"] = {"osdi:events": [_event_doc(request, e) for e in items]}
    return doc


@router.get(
    "/events/{event_id}",
    response={200: schemas.Event, **schemas.ERRORS},
    by_alias=True,
    summary="One event (OSDI)",
    operation_id="event_detail",
)
def event_detail(request: HttpRequest, event_id: int) -> dict[str, Any]:
    return _event_doc(request, selectors.event_for_staff(request.user, event_id))


@router.get(
    "/events/{event_id}/attendances",
    response={200: schemas.AttendancesCollection, **schemas.ERRORS},
    by_alias=True,
    summary="An event's attendances (OSDI; RSVPs)",
    operation_id="event_attendances",
)
def event_attendances(
    request: HttpRequest,
    event_id: int,
    page: int = hal.PAGE,
    per_page: int = hal.PER_PAGE,
) -> dict[str, Any]:
    event = selectors.event_for_staff(request.user, event_id)
    rsvps = RSVP.objects.filter(event=event).select_related("person").order_by("created_at", "pk")
    items, doc = hal.page_of(
        request, rsvps, path=f"events/{event.pk}/attendances", page=page, per_page=per_page
    )
    root = hal.base(request)
    doc["_embedded"] = {
        "osdi:attendances": [
            {
                "identifiers": [f"bloc:rsvp-{r.pk}"],
                "created_date": r.created_at,
                "modified_date": r.cancelled_at or r.checked_in_at or r.created_at,
                "status": _RSVP_STATUS.get(r.status, "tentative"),
                "attended": r.checked_in_at is not None,
                "_links": {
                    "self": hal.link(root + f"events/{event.pk}/attendances"),
                    "osdi:event": hal.link(root + f"events/{event.pk}"),
                    "osdi:person": hal.link(root + f"people/{r.person.uuid}"),
                },
            }
            for r in items
        ]
    }
    return doc
