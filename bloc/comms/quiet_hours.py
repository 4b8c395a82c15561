"""When a text may be sent: 9:00–21:00 in the recipient's local time, by ZIP time zone.

When the time zone is unknown, a text goes only while it is 9:00–21:00 everywhere from Hawaii to
the East Coast: from 9:00 in Honolulu (14:00 or 15:00 Eastern) until 21:00 in New York.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bloc.core import geo

EASTERN = ZoneInfo("America/New_York")
HAWAII = ZoneInfo("Pacific/Honolulu")
OPENS, CLOSES = time(9, 0), time(21, 0)
KNOWN_WINDOW = (OPENS, CLOSES)


def zone_for(zip_code: str) -> ZoneInfo | None:
    info = geo.lookup(zip_code) if zip_code else None
    if info and info.timezone:
        try:
            return ZoneInfo(info.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            return None
    return None


def _next_opening(zone: ZoneInfo, now: datetime) -> datetime:
    local = now.astimezone(zone)
    day = local.date() if local.time() < OPENS else local.date() + timedelta(days=1)
    # Built from wall-clock parts so a daylight-saving change lands on 9:00 local, not 8 or 10.
    return datetime.combine(day, OPENS, tzinfo=zone)


def next_allowed(zip_code: str, now: datetime) -> datetime:
    """`now` when a text may go out now; otherwise the next moment the window opens (aware)."""
    zone = zone_for(zip_code)
    if zone is not None:
        local = now.astimezone(zone).time()
        return now if OPENS <= local < CLOSES else _next_opening(zone, now)
    # Unknown zone: open while it is 9:00-21:00 in Hawaii (the last to open) and on the East
    # Coast (the first to close); each day that is one stretch beginning at 9:00 in Hawaii.
    hawaii, eastern = now.astimezone(HAWAII).time(), now.astimezone(EASTERN).time()
    if OPENS <= hawaii < CLOSES and OPENS <= eastern < CLOSES:
        return now
    return _next_opening(HAWAII, now)


def may_text_now(zip_code: str, now: datetime) -> bool:
    return next_allowed(zip_code, now) == now
