"""Multi-step event state for tests, built with the real services. All fictional."""

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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
