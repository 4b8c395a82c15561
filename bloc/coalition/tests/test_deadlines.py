"""Notice deadlines for every legal regime, across time zones and daylight-saving changes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bloc.coalition.deadlines import is_aligned, notice_deadlines, strike_notice_due_at

DETROIT = ZoneInfo("America/Detroit")
PHOENIX = ZoneInfo("America/Phoenix")
LA = ZoneInfo("America/Los_Angeles")


def _by_kind(deadlines):
    return {d.kind: d.due_at for d in deadlines}


def test_nlra_gives_60_days_to_the_other_party_and_30_to_the_fmcs():
    expires = datetime(2027, 9, 30, 23, 59, tzinfo=DETROIT)
    due = _by_kind(notice_deadlines(regime="nlra", expires_at=expires, time_zone="America/Detroit"))
    assert set(due) == {"party_notice", "fmcs_notice"}
    assert due["party_notice"] == datetime(2027, 8, 1, 23, 59, tzinfo=DETROIT)
    assert due["fmcs_notice"] == datetime(2027, 8, 31, 23, 59, tzinfo=DETROIT)


def test_health_care_gives_90_and_60_days_and_a_10_day_strike_notice():
    expires = datetime(2027, 9, 30, 23, 59, tzinfo=DETROIT)
    deadlines = notice_deadlines(
        regime="nlra_health_care", expires_at=expires, time_zone="America/Detroit"
    )
    due = _by_kind(deadlines)
    assert due["party_notice"] == datetime(2027, 7, 2, 23, 59, tzinfo=DETROIT)
    assert due["fmcs_notice"] == datetime(2027, 8, 1, 23, 59, tzinfo=DETROIT)
    assert due["strike_notice"] == datetime(2027, 9, 20, 23, 59, tzinfo=DETROIT)
    assert [d.due_at for d in deadlines] == sorted(d.due_at for d in deadlines)


@pytest.mark.parametrize("regime", ["rla", "public_sector"])
def test_regimes_without_a_derivable_notice_give_none(regime):
    expires = datetime(2028, 4, 30, 23, 59, tzinfo=DETROIT)
    assert notice_deadlines(regime=regime, expires_at=expires, time_zone="America/Detroit") == []


def test_deadlines_keep_the_local_wall_clock_across_the_spring_dst_change():
    # Expires in daylight time (EDT, UTC-4); 60 days earlier is standard time (EST, UTC-5).
    expires = datetime(2028, 4, 30, 23, 59, tzinfo=DETROIT)
    due = _by_kind(notice_deadlines(regime="nlra", expires_at=expires, time_zone="America/Detroit"))
    party = due["party_notice"]
    assert party.astimezone(DETROIT).replace(tzinfo=None) == datetime(2028, 3, 1, 23, 59)
    assert party.astimezone(UTC) == datetime(2028, 3, 2, 4, 59, tzinfo=UTC)
    # So the deadline is not simply 60 × 24 hours earlier: the clock moved by one hour.
    assert expires.astimezone(UTC) - party.astimezone(UTC) == timedelta(days=60, hours=-1)


def test_deadlines_keep_the_local_wall_clock_across_the_autumn_dst_change():
    expires = datetime(2027, 12, 15, 0, 0, tzinfo=LA)
    due = _by_kind(
        notice_deadlines(
            regime="nlra_health_care", expires_at=expires, time_zone="America/Los_Angeles"
        )
    )
    party = due["party_notice"].astimezone(LA)
    assert (party.month, party.day, party.hour, party.minute) == (9, 16, 0, 0)
    assert party.utcoffset() == timedelta(hours=-7)


def test_the_contracts_zone_decides_even_when_the_expiry_is_given_in_utc():
    expires_utc = datetime(2028, 5, 1, 3, 59, tzinfo=UTC)  # 23:59 on April 30 in Detroit
    due = _by_kind(
        notice_deadlines(regime="nlra", expires_at=expires_utc, time_zone="America/Detroit")
    )
    assert due["fmcs_notice"].astimezone(DETROIT).replace(tzinfo=None) == datetime(
        2028, 3, 31, 23, 59
    )


def test_a_zone_without_dst_has_exact_day_offsets():
    expires = datetime(2028, 4, 30, 23, 59, tzinfo=PHOENIX)
    due = _by_kind(notice_deadlines(regime="nlra", expires_at=expires, time_zone="America/Phoenix"))
    assert expires - due["party_notice"] == timedelta(days=60)


def test_a_naive_expiry_or_unknown_zone_is_refused():
    with pytest.raises(ValueError):
        notice_deadlines(regime="nlra", expires_at=datetime(2028, 4, 30), time_zone="UTC")
    with pytest.raises(ValueError):
        notice_deadlines(
            regime="nlra", expires_at=datetime(2028, 4, 30, tzinfo=UTC), time_zone="Mars/Olympus"
        )


def test_strike_notice_applies_to_health_care_only():
    strike = datetime(2028, 5, 1, 6, 0, tzinfo=DETROIT)
    assert strike_notice_due_at(
        regime="nlra_health_care", strike_at=strike, time_zone="America/Detroit"
    ) == datetime(2028, 4, 21, 6, 0, tzinfo=DETROIT)
    assert (
        strike_notice_due_at(regime="nlra", strike_at=strike, time_zone="America/Detroit") is None
    )


@pytest.mark.parametrize(
    ("utc", "zone", "aligned"),
    [
        (datetime(2028, 5, 1, 3, 59, tzinfo=UTC), "America/Detroit", True),  # Apr 30 23:59
        (datetime(2028, 5, 2, 4, 0, tzinfo=UTC), "America/Detroit", True),  # midnight ending May 1
        (datetime(2028, 5, 2, 4, 1, tzinfo=UTC), "America/Detroit", False),  # 00:01 on May 2
        (datetime(2028, 4, 30, 3, 0, tzinfo=UTC), "America/Detroit", False),  # Apr 29 23:00
        (datetime(2028, 5, 2, 5, 0, tzinfo=UTC), "America/Los_Angeles", True),  # May 1 22:00
        (datetime(2028, 5, 2, 5, 0, tzinfo=UTC), "America/New_York", False),  # May 2 01:00
        (datetime(2027, 4, 30, 23, 0, tzinfo=UTC), "America/New_York", False),  # wrong year
    ],
)
def test_alignment_is_judged_on_the_contracts_local_calendar(utc, zone, aligned):
    assert is_aligned(expires_at=utc, time_zone=zone) is aligned
