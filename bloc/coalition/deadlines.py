"""Legal notice deadlines for a union contract, as pure functions of regime and expiration.

NLRA section 8(d): notice to the other party 60 days before expiration, and to the FMCS
(the federal mediation service) 30 days before. Health care institutions, 8(d)(A) and 8(g):
90 and 60 days, plus a 10-day notice before any strike or picketing. The Railway Labor Act and
public-sector laws set no fixed pre-expiration notice that can be derived here, so they yield none.

Days are calendar days counted on the contract's own wall clock: a contract expiring at 23:59 in
Detroit has its deadlines at 23:59 in Detroit, whatever daylight-saving time does in between.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# The May Day 2028 target: UAW's Big Three contracts expire at midnight April 30, 2028.
ALIGNMENT_FIRST_DAY = date(2028, 4, 30)
ALIGNMENT_LAST_DAY = date(2028, 5, 1)

NLRA = "nlra"
NLRA_HEALTH_CARE = "nlra_health_care"
RLA = "rla"
PUBLIC_SECTOR = "public_sector"

# regime -> (days before expiration to notify the other party, days before to notify the FMCS)
_NOTICE_DAYS = {NLRA: (60, 30), NLRA_HEALTH_CARE: (90, 60)}
STRIKE_NOTICE_DAYS_HEALTH_CARE = 10


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    due_at: datetime


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"Unknown time zone {name!r}.") from exc


def _days_before(expires_at: datetime, days: int, tz: ZoneInfo) -> datetime:
    local = expires_at.astimezone(tz)
    wall = datetime.combine(local.date() - timedelta(days=days), local.time())
    return wall.replace(tzinfo=tz)


def notice_deadlines(*, regime: str, expires_at: datetime, time_zone: str) -> list[Deadline]:
    """The notices the union must give for a contract, earliest first (aware datetimes)."""
    if expires_at.tzinfo is None:
        raise ValueError("The expiration must carry a time zone.")
    tz = zone(time_zone)
    days = _NOTICE_DAYS.get(regime)
    if days is None:
        return []
    party_days, fmcs_days = days
    deadlines = [
        Deadline(
            "party_notice",
            f"Notice to the other party ({party_days} days)",
            _days_before(expires_at, party_days, tz),
        ),
        Deadline(
            "fmcs_notice",
            f"Notice to the FMCS ({fmcs_days} days)",
            _days_before(expires_at, fmcs_days, tz),
        ),
    ]
    if regime == NLRA_HEALTH_CARE:
        deadlines.append(
            Deadline(
                "strike_notice",
                f"Strike notice for a strike at expiration ({STRIKE_NOTICE_DAYS_HEALTH_CARE} days)",
                _days_before(expires_at, STRIKE_NOTICE_DAYS_HEALTH_CARE, tz),
            )
        )
    return deadlines


def strike_notice_due_at(*, regime: str, strike_at: datetime, time_zone: str) -> datetime | None:
    """Health care only: the latest moment to give notice of a strike starting at `strike_at`."""
    if regime != NLRA_HEALTH_CARE:
        return None
    return _days_before(strike_at, STRIKE_NOTICE_DAYS_HEALTH_CARE, zone(time_zone))


def is_aligned(*, expires_at: datetime, time_zone: str) -> bool:
    """True when the contract expires on April 30 or May 1, 2028, on its own local calendar.

    Midnight at the end of April 30 is written 2028-05-01 00:00, which counts too.
    """
    local = expires_at.astimezone(zone(time_zone))
    if local.date() == ALIGNMENT_LAST_DAY + timedelta(days=1):
        return local.time() == time(0, 0)
    return ALIGNMENT_FIRST_DAY <= local.date() <= ALIGNMENT_LAST_DAY
