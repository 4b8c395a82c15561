"""Demo data: chapters across states, thousands of fictional people in various dues states."""

import random
from collections import defaultdict

import zipcodes

from bloc.core.registry import Seed, seeds
from bloc.people.fake import IMPORT_HEADER_MAP, people_csv
from bloc.people.importer import import_people
from bloc.people.models import ChapterZip
from bloc.people.services import create_chapter

STATES = [
    "NY",
    "CA",
    "IL",
    "TX",
    "PA",
    "MA",
    "WA",
    "OR",
    "MN",
    "MI",
    "OH",
    "GA",
    "NC",
    "FL",
    "CO",
    "AZ",
    "WI",
    "MD",
    "VA",
    "NJ",
    "MO",
    "TN",
    "LA",
    "KY",
    "IN",
    "UT",
    "NM",
    "NV",
    "CT",
    "IA",
]


def _largest_counties(taken: set[str]) -> list[tuple[str, str, list[str]]]:
    by_county: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in zipcodes.list_all():
        if row.get("state") in STATES and row.get("county") and row["zip_code"] not in taken:
            by_county[(row["state"], row["county"])].append(row["zip_code"])
    chosen = []
    for state in STATES:
        counties = [(c, z) for (s, c), z in by_county.items() if s == state]
        counties.sort(key=lambda item: (-len(item[1]), item[0]))
        for county, zips in counties[:1]:
            chosen.append((state, county, sorted(zips)))
    return chosen


def seed_people(size: int, rng: random.Random) -> dict[str, int]:
    taken = set(ChapterZip.objects.values_list("zip_code", flat=True))
    chapter_zips: list[list[str]] = []
    for state, county, zips in _largest_counties(taken):
        name = county.replace(" County", "").replace(" Parish", "") + f" ({state}) Chapter"
        create_chapter(actor=None, name=name, state=state, zip_codes=zips)
        chapter_zips.append(zips)
    # Chapters of very different sizes (a few large, a long tail), plus at-large members.
    # The persona chapters (already created) get a good share so organizers have people to see.
    weighted: list[str] = sorted(taken) * 150
    for rank, zips in enumerate(chapter_zips, start=1):
        weight = max(1, 60 // rank)
        weighted.extend(zips * weight)
    at_large = [z["zip_code"] for z in zipcodes.filter_by(state="WY")][:50]
    weighted.extend(at_large * 20)
    data = people_csv(size, weighted, seed=rng.randint(0, 10**6))
    report = import_people(data, actor=None, mapping=IMPORT_HEADER_MAP, source="demo seed")
    return {"chapters": len(chapter_zips), "people": report.created, "members": report.members}


seeds.register("people.people", Seed(run=seed_people, order=20))
