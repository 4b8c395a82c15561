"""Set up the cast-load benchmark's database through the real services (run by cast_load.py
with the benchmark's environment): N fictional members in good standing, an open national IRV
ballot with its roll frozen, and a printable voting code for each member (they have no email
address, so the codes are returned instead of emailed).

Writes {"ballot": pk, "candidates": n, "codes": [...]} as JSON to the file given as argv[1]:
the codes are the fictional voters' credentials, so they are never printed."""

import json
import os
import sys
from datetime import timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.utils import timezone  # noqa: E402

from bloc.democracy import services  # noqa: E402
from bloc.democracy.models import Ballot  # noqa: E402
from bloc.people.services import create_person, record_membership  # noqa: E402

CANDIDATES = ["Ana Rivers", "Bo Lindqvist", "Cy Okonkwo", "Dee Marsh", "Eli Fairweather"]


def main(out: str, voters: int) -> None:
    today = timezone.localdate()
    for i in range(voters):
        person = create_person(
            actor=None,
            first_name="Bench",
            last_name=f"Voter{i:06d}",
            zip_code="60601",
            address_line1=f"{i + 1} Fictional Way",
        )
        record_membership(
            actor=None,
            person=person,
            joined_on=today - timedelta(days=60),
            paid_through_on=today + timedelta(days=300),
        )
    now = timezone.now()
    ballot = services.create_ballot(
        actor=None,
        title="Fictional steering committee (load benchmark)",
        kind=Ballot.Kind.REFERENDUM,
        method="irv",
        options=CANDIDATES,
        cutoff_on=today,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(days=1),
    )
    services.give_notice(actor=None, ballot=ballot)
    services.freeze_roll(actor=None, ballot=ballot)
    services.open_ballot(actor=None, ballot=ballot)
    codes = [code for _, code in services.issue_voting_codes(actor=None, ballot=ballot)]
    if len(codes) != voters:
        raise SystemExit(f"expected {voters} printable codes, got {len(codes)}")
    with open(out, "w") as fh:
        json.dump({"ballot": ballot.pk, "candidates": len(CANDIDATES), "codes": codes}, fh)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
