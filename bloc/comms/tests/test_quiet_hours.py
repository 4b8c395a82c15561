"""Texts only 9:00–21:00 recipient local time; when the ZIP is unknown, only while it is 9:00–21:00
in every US time zone from Hawaii to the East Coast."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bloc.comms.quiet_hours import may_text_now, next_allowed

# One ZIP per US time zone (states, DC and territories), from the offline ZIP data.
ZONES = {
    "10001": "America/New_York",
    "60601": "America/Chicago",
    "80202": "America/Denver",
    "85001": "America/Phoenix",  # no daylight-saving time
    "90012": "America/Los_Angeles",
    "99501": "America/Anchorage",
    "99546": "America/Adak",
    "96813": "Pacific/Honolulu",
    "00601": "America/Puerto_Rico",
    "96910": "Pacific/Guam",
    "96799": "Pacific/Pago_Pago",
}


@pytest.mark.parametrize("zip_code,zone", ZONES.items())
def test_the_window_is_nine_to_nine_local_in_every_us_time_zone(zip_code, zone):
    tz = ZoneInfo(zone)
    day = datetime(2026, 7, 15, tzinfo=tz)
    for hour in range(24):
        for minute in (0, 59):
            local = day.replace(hour=hour, minute=minute)
            assert may_text_now(zip_code, local.astimezone(UTC)) == (9 <= hour < 21), (zone, hour)
    late = day.replace(hour=21).astimezone(UTC)
    assert next_allowed(zip_code, late).astimezone(tz) == day.replace(hour=9) + timedelta(days=1)
    early = day.replace(hour=3).astimezone(UTC)
    assert next_allowed(zip_code, early).astimezone(tz) == day.replace(hour=9)


MAINLAND_ALASKA_HAWAII = [
    ZoneInfo(z)
    for z in (
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Phoenix",
        "America/Los_Angeles",
        "America/Anchorage",
        "Pacific/Honolulu",
    )
]


@pytest.mark.parametrize(
    "day", [datetime(2026, 7, 15, tzinfo=UTC), datetime(2026, 1, 15, tzinfo=UTC)]
)
def test_unknown_zip_codes_text_only_when_it_is_nine_to_nine_everywhere(day):
    """After 9:00 in Hawaii and before 21:00 on the East Coast, summer and winter (issue 23:
    the old noon-Eastern window opened at 6:00 in Hawaii)."""
    allowed = []
    for quarter in range(0, 24 * 4 * 2):
        now = day + timedelta(minutes=15 * quarter)
        if may_text_now("", now):
            allowed.append(now)
            for zone in MAINLAND_ALASKA_HAWAII:
                assert 9 <= now.astimezone(zone).hour < 21, (now, zone)
    assert allowed, "the window is never empty"
    # Outside it, the next chance is 9:00 in Hawaii.
    honolulu = ZoneInfo("Pacific/Honolulu")
    late = datetime(2026, 7, 15, 22, 0, tzinfo=ZoneInfo("America/New_York"))
    assert next_allowed("99999", late).astimezone(honolulu) == datetime(
        2026, 7, 16, 9, 0, tzinfo=honolulu
    )


@pytest.mark.parametrize(
    "zip_code,zone",
    [
        ("10001", "America/New_York"),
        ("90012", "America/Los_Angeles"),
        ("99501", "America/Anchorage"),
    ],
)
def test_daylight_saving_changes_keep_the_window_on_local_wall_clock_time(zip_code, zone):
    tz = ZoneInfo(zone)
    # 2026-03-08 is the spring-forward Sunday; 2026-11-01 the fall-back one.
    for day in (datetime(2026, 3, 8, tzinfo=tz), datetime(2026, 11, 1, tzinfo=tz)):
        before_dawn = day.replace(hour=1, minute=30).astimezone(UTC)
        opens = next_allowed(zip_code, before_dawn)
        assert opens.astimezone(tz).hour == 9 and opens.astimezone(tz).date() == day.date()
        assert not may_text_now(zip_code, opens - timedelta(minutes=1))
        assert may_text_now(zip_code, opens)
    # Same UTC instant, different answers either side of the change: 13:30 UTC is 8:30 EST
    # (before) but 9:30 EDT (after) in New York.
    if zone == "America/New_York":
        assert not may_text_now(zip_code, datetime(2026, 3, 7, 13, 30, tzinfo=UTC))
        assert may_text_now(zip_code, datetime(2026, 3, 9, 13, 30, tzinfo=UTC))


@pytest.mark.django_db
def test_texts_outside_the_window_wait_for_the_recipients_morning(
    mem_backends, personas, entity, everyone, monkeypatch
):
    import time_machine

    from bloc.comms import delivery, services
    from bloc.comms.models import OutboxMessage
    from bloc.comms.tests.fakes import fictional_people

    people = fictional_people(2, sms=True)
    people[1].zip_code = "90012"
    people[1].save(update_fields=["zip_code"])
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    # 10:00 in New York is 7:00 in Los Angeles.
    with time_machine.travel(datetime(2026, 7, 15, 14, 0, tzinfo=UTC), tick=False):
        broadcast = services.create_broadcast(
            actor=personas.admin,
            title="Canvass",
            channel="sms",
            audience=everyone,
            legal_entity=entity,
            chapter_id=personas.chapter_a.pk,
            body="Canvass at noon!",
        )
        services.submit_broadcast(actor=personas.admin, broadcast=broadcast)
        delivery.run_worker()
        assert {m.to for m in mem_backends.outbox} == {people[0].phone}
        waiting = OutboxMessage.objects.get(person=people[1])
        assert waiting.status == "pending" and waiting.attempts == 0
        assert waiting.next_attempt_at == datetime(2026, 7, 15, 16, 0, tzinfo=UTC)
    with time_machine.travel(datetime(2026, 7, 15, 16, 0, 30, tzinfo=UTC), tick=False):
        delivery.run_worker()
    assert {m.to for m in mem_backends.outbox} == {people[0].phone, people[1].phone}
    assert "Reply STOP to opt out." in mem_backends.outbox[0].body
