"""Demo: public pages for the persona chapters, and a shift on the demo member's home.
Everything here is fictional."""

import random

from bloc.core.registry import Seed, seeds
from bloc.events import selectors as events
from bloc.events import services as event_services
from bloc.home import services
from bloc.people.models import Chapter, Person

PROFILES = {
    "Riverside Chapter": (
        "Riverside members organize tenants along the river blocks, run a weekly shop-floor "
        "clinic for workers without a union yet, and knock doors for our endorsed candidates.",
        "Come to a first-timers' meeting on the first Tuesday of the month, or pick any event "
        "below: someone will meet you at the door.",
    ),
    "Lakeshore Chapter": (
        "Lakeshore members back the transit workers' contract campaign and run a tenant "
        "hotline in three languages.",
        "Start with a Saturday canvass: we pair every newcomer with an experienced member.",
    ),
}


def seed_home(size: int, rng: random.Random) -> dict[str, int]:
    profiles = 0
    for chapter in Chapter.objects.filter(name__in=PROFILES):
        about, how = PROFILES[chapter.name]
        services.update_chapter_page(actor=None, chapter=chapter, about=about, how_to_join=how)
        profiles += 1
    shifts = 0
    member = Person.objects.live().filter(email__startswith="member.a@").first()
    if member is not None and member.zip_code:
        found, _ = events.search_events(zip_code=member.zip_code, radius_miles=150, limit=3)
        for hit in found[:2]:
            slot = hit.event.timeslots.order_by("starts_at").first()
            if slot is None:
                continue
            event_services.rsvp(actor=None, timeslot=slot, email=member.email)
            shifts += 1
    return {"chapter pages": profiles, "demo member shifts": shifts}


seeds.register("home.front_door", Seed(run=seed_home, order=80))
