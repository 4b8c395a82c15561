"""Demo data: May Day 2026 (past, with attendance and outcomes) and May Day 2027 (upcoming, with
several hundred events across states, RSVPs, and conflicting submissions waiting in the queue).
Every name and address here is invented; places are ZIP centroids from the offline dataset."""

import random
import zoneinfo
from datetime import date, datetime, time, timedelta

from bloc.coalition.models import Partner
from bloc.core import geo
from bloc.core.registry import Seed, seeds
from bloc.events import selectors, services
from bloc.events.models import DayOfAction, Event, EventType

STATES = ["NY", "IL", "CA", "TX", "MI", "OH", "PA", "WA", "GA", "MN", "CO", "AZ", "NC", "MA"]
TITLES = {
    EventType.RALLY: "May Day rally at {place}",
    EventType.MARCH: "{place} workers' march",
    EventType.PICKET: "Solidarity picket in {place}",
    EventType.CANVASS: "Door-knocking for the demands in {place}",
    EventType.PHONE_BANK: "{place} phone bank",
    EventType.COMMUNITY: "Community cookout, {place}",
    EventType.STRIKE_SUPPORT: "Strike support line, {place}",
    EventType.TRAINING: "Organizing training, {place}",
}
FIRST = ["Ari", "Bea", "Cruz", "Dana", "Eli", "Fern", "Gus", "Hana", "Ivo", "Jo", "Kai", "Lupe"]
LAST = ["Alder", "Birch", "Cedar", "Dogwood", "Elm", "Fir", "Gum", "Hazel", "Ivy", "Juniper"]
HOST_EMAIL = "host.team@demo.bloc.test"


def _when(day: date, tz_name: str, hour: int) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(hour, 0), zoneinfo.ZoneInfo(tz_name))
    return start, start + timedelta(hours=2)


def _events_for(
    day: DayOfAction, count: int, rng: random.Random, zip_pool: list[geo.ZipInfo]
) -> list[tuple[Event, str]]:
    made = []
    for _ in range(count):
        info = rng.choice(zip_pool)
        kind = rng.choice(list(TITLES))
        start, end = _when(
            day.starts_on, info.timezone or "America/New_York", rng.choice([10, 12, 16])
        )
        event, token = services.submit_event(
            actor=None,
            day=day,
            title=TITLES[kind].format(place=info.city.title()),
            event_type=kind,
            starts_at=start,
            ends_at=end,
            tz=info.timezone or "America/New_York",
            zip_code=info.zip_code,
            venue_name=rng.choice(["Union hall", "City park", "Public library", "Town square"]),
            host_name="Demo host team",
            host_email=HOST_EMAIL,
            capacity=rng.choice([None, 25, 50, 200]),
        )
        made.append((event, token))
    return made


def seed_events(size: int, rng: random.Random) -> dict[str, int]:
    pool = []
    for state in STATES:
        zips = geo.zips_in_state(state)
        for zip_code in rng.sample(zips, min(12, len(zips))):
            info = geo.lookup(zip_code)
            if info and info.timezone:
                pool.append(info)
    partners = list(Partner.objects.order_by("id")[:4])
    services.trust_host(actor=None, email=HOST_EMAIL)
    past = services.create_day_of_action(
        actor=None,
        name="May Day 2026",
        starts_on=date(2026, 5, 1),
        ends_on=date(2026, 5, 1),
        demands="A living wage for every worker\nHousing is a right\nNo cuts to transit",
        toolkit_url="https://example.org/mayday-toolkit",
        partners=partners,
    )
    upcoming = services.create_day_of_action(
        actor=None,
        name="May Day 2027",
        starts_on=date(2027, 5, 1),
        ends_on=date(2027, 5, 1),
        description="One day, every city: workers and neighbors act together.",
        demands="A living wage for every worker\nHealth care for all\nThe right to strike",
        toolkit_url="https://example.org/mayday-toolkit",
        partners=partners,
    )
    n_upcoming = max(20, min(300, size // 10))
    n_past = max(10, n_upcoming // 5)
    past_events = _events_for(past, n_past, rng, pool)
    upcoming_events = _events_for(upcoming, n_upcoming, rng, pool)
    attended = 0
    for index, (event, token) in enumerate(past_events):
        link = selectors.host_link_for(token)
        for n in range(rng.randint(2, 6)):
            services.add_walk_in(
                actor=None,
                event=event,
                link=link,
                email=f"walkin.{index}.{n}@demo.bloc.test",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                zip_code=event.zip_code,
                email_opt_in=rng.random() < 0.6,
            )
            attended += 1
        services.record_outcomes(
            actor=None,
            event=event,
            link=link,
            attendance_reported=rng.randint(5, 80),
            doors_knocked=rng.randint(0, 300),
            pledges=rng.randint(0, 40),
        )
    rsvps = 0
    for index, (event, _) in enumerate(upcoming_events[: max(5, n_upcoming // 3)]):
        slot = event.timeslots.get()
        for n in range(rng.randint(1, 4)):
            services.rsvp(
                actor=None,
                timeslot=slot,
                email=f"rsvp.{index}.{n}@demo.bloc.test",
                first_name=rng.choice(FIRST),
                last_name=rng.choice(LAST),
                zip_code=event.zip_code,
                guests=rng.choice([0, 0, 1, 2]),
                email_opt_in=rng.random() < 0.7,
            )
            rsvps += 1
    queued = 0
    for index, (near, _) in enumerate(upcoming_events[:12]):
        event, token = services.submit_event(
            actor=None,
            day=upcoming,
            title=f"Neighborhood May Day gathering #{index + 1}",
            event_type=EventType.COMMUNITY,
            starts_at=near.starts_at + timedelta(minutes=30),
            ends_at=near.ends_at + timedelta(minutes=30),
            tz=near.timezone,
            zip_code=near.zip_code,
            host_name="A volunteer host",
            host_email=f"volunteer.host.{index}@demo.bloc.test",
        )
        services.verify_submission(token=token)
        queued += 1
    return {
        "days of action": 2,
        "events": len(past_events) + len(upcoming_events) + queued,
        "walk-ins": attended,
        "RSVPs": rsvps,
        "queued submissions": queued,
    }


seeds.register("events.days_of_action", Seed(run=seed_events, order=60))
