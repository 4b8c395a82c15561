"""Multi-step event state for tests, built with the real services. All fictional."""

import re
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils import timezone

from bloc.events import selectors, services
from bloc.events.models import DayOfAction, Event, HostLink


def at(day_offset: int, hour: int, tz: str = "America/Chicago") -> datetime:
    """A wall-clock time `day_offset` days from today in `tz`."""
    day = timezone.localdate() + timedelta(days=day_offset)
    return datetime(day.year, day.month, day.day, hour, 0, tzinfo=ZoneInfo(tz))


def day_of_action(name: str = "Solidarity Day") -> DayOfAction:
    today = timezone.localdate()
    return services.create_day_of_action(
        actor=None,
        name=name,
        starts_on=today + timedelta(days=10),
        ends_on=today + timedelta(days=10),
        demands="Fair contracts\nSafe housing",
    )


def approved_event(
    actor: Any,
    *,
    zip_code: str = "60601",
    start: datetime | None = None,
    hours: int = 2,
    tz: str = "America/Chicago",
    capacity: int | None = None,
    day: DayOfAction | None = None,
    title: str = "Lakeshore rally for fair contracts",
    **extra: Any,
) -> tuple[Event, str]:
    """An event submitted by staff (who skip the queue): approved, with a host link token."""
    start = start or at(10, 12, tz)
    return services.submit_event(
        actor=actor,
        title=title,
        event_type="rally",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        tz=tz,
        zip_code=zip_code,
        capacity=capacity,
        day=day,
        host_name="Host Team",
        **extra,
    )


def pending_event(actor: Any, **kwargs: Any) -> Event:
    """Submitted by a signed-in supporter who is not trusted: waits in the queue."""
    kwargs.setdefault("title", "Neighborhood picnic")
    event, _ = approved_event(actor, **kwargs)
    assert event.status == Event.Status.PENDING
    return event


def host_link(token: str) -> HostLink:
    return selectors.host_link_for(token)


STATUS_LINK = re.compile(r'href="(/events/rsvp/[^/"]+/)"')


def public_rsvp(client, event, capture, **fields):
    """RSVP through the public form as a visitor does: the form answers 202 at once, the drain
    runs when the request commits, and the status link then shows the outcome (returned)."""
    data = {"timeslot": event.timeslots.first().pk, "zip_code": "60602", **fields}
    with capture(execute=True):
        response = client.post(reverse("events:rsvp-create", args=[event.url_key]), data)
    assert response.status_code == 202, response.content.decode()[:500]
    link = STATUS_LINK.search(response.content.decode())
    assert link is not None, "the received page links to the RSVP's status"
    return client.get(link.group(1))
