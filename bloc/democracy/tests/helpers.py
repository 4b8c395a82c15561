"""Build ballots through the real services, with the clock controlled (never slept on)."""

from datetime import timedelta
from typing import Any

import time_machine
from django.utils import timezone

from bloc.democracy import selectors, services
from bloc.democracy.models import Ballot, SealedBallot, VoterRollEntry

YES, NO, ABSTAIN = 0, 1, 2
CANDIDATES = ["Ana Rivers", "Bo Lindqvist", "Cy Okonkwo", "Dee Marsh"]


def draft(*, actor: Any = None, method: str = "yes_no", chapter: Any = None, **kw: Any) -> Ballot:
    now = timezone.now()
    options = kw.pop("options", [] if method == "yes_no" else CANDIDATES)
    defaults: dict[str, Any] = {
        "title": "Fictional test ballot",
        "kind": Ballot.Kind.REFERENDUM,
        "cutoff_on": timezone.localdate(now),
        "opens_at": now - timedelta(hours=1),
        "closes_at": now + timedelta(days=1),
    }
    defaults.update(kw)
    return services.create_ballot(
        actor=actor, method=method, chapter=chapter, options=options, **defaults
    )


def opened(**kw: Any) -> tuple[Ballot, list[str]]:
    """A ballot open for voting now, and the trustees' shares."""
    actor = kw.get("actor")
    ballot = draft(**kw)
    services.give_notice(actor=actor, ballot=ballot)
    shares = services.freeze_roll(actor=actor, ballot=ballot)
    services.open_ballot(actor=actor, ballot=ballot)
    ballot.refresh_from_db()
    return ballot, shares


def vote(ballot: Ballot, person: Any, choice: list[int]) -> str:
    entry = VoterRollEntry.objects.get(ballot=ballot, person=person)
    return services.record_vote(ballot=ballot, entry=entry, choice=choice)


def in_box(ballot: Ballot) -> int:
    """Mix what is pending into the box now (closing does it; so does the periodic job once
    a batch is full) and say how many sealed ballots the box holds."""
    services.mix_pending(ballot=ballot, force=True)
    return SealedBallot.objects.filter(ballot=ballot).count()


def after_close(ballot: Ballot) -> Any:
    return time_machine.travel(ballot.closes_at + timedelta(minutes=1), tick=False)


def counted(ballot: Ballot, shares: list[str], *, certify: bool = True) -> Ballot:
    with after_close(ballot):
        services.close_ballot(actor=None, ballot=ballot)
        services.tally_ballot(actor=None, ballot=ballot, shares=shares[: ballot.trustee_threshold])
        if certify:
            services.certify_result(actor=None, ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def certified_yes_no(p: Any) -> Ballot:
    ballot, shares = opened()
    vote(ballot, p.person_member_a, [YES])
    vote(ballot, p.person_member_b, [NO])
    return counted(ballot, shares)


def turnout_of(ballot: Ballot) -> int:
    return selectors.turnout(ballot).voted
