"""When a text may be sent: 9:00–21:00 in the recipient's local time, by ZIP time zone.

When the time zone is unknown the window is 12:00–21:00 US Eastern, which is after 9:00 everywhere
in the continental US, Alaska and Hawaii, and before 21:00 on the East Coast.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bloc.core import geo

EASTERN = ZoneInfo("America/New_York")
KNOWN_WINDOW = (time(9, 0), time(21, 0))
UNKNOWN_WINDOW = (time(12, 0), time(21, 0))


def zone_and_window(zip_code: str) -> tuple[ZoneInfo, tuple[time, time]]:
    info = geo.lookup(zip_code) if zip_code else None
    if info and info.timezone:
        try:
            return ZoneInfo(info.timezone), KNOWN_WINDOW
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return EASTERN, UNKNOWN_WINDOW


def next_allowed(zip_code: str, now: datetime) -> datetime:
    """`now` when a text may go out now; otherwise the next moment the window opens (aware)."""
    zone, (opens, closes) = zone_and_window(zip_code)
    local = now.astimezone(zone)
    if opens <= local.time() < closes:
        return now
    day = local.date() if local.time() < opens else local.date() + timedelta(days=1)
    # Built from wall-clock parts so a daylight-saving change lands on 9:00 local, not 8 or 10.
    return datetime.combine(day, opens, tzinfo=zone)


def may_text_now(zip_code: str, now: datetime) -> bool:
    return next_allowed(zip_code, now) == now
