"""Demo ballots, through the real services: an open national referendum on a fictional
endorsement, and a past national committee STV election, counted and certified."""

import random
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bloc.core.registry import Seed, seeds
from bloc.democracy import clock, services
from bloc.democracy.models import Ballot, VoterRollEntry

CANDIDATES = [
    "Alma Ferreira",
    "Desmond Okafor",
    "June Halvorsen",
    "Priya Ramaswamy",
    "Tomasz Wielgosz",
    "Yolanda Brightwater",
    "Emeka Duarte",
]


def _voters(ballot: Ballot, share: float, rng: random.Random) -> list[VoterRollEntry]:
    """Roll entries of demo people without accounts (persona logins stay free to vote)."""
    entries = list(
        VoterRollEntry.objects.filter(ballot=ballot, person__user__isnull=True).select_related(
            "person"
        )
    )
    return rng.sample(entries, int(len(entries) * share))


def _past_election(rng: random.Random) -> Ballot:
    now = timezone.now()
    opens, closes = now - timedelta(days=40), now - timedelta(days=33)
    ballot = services.create_ballot(
        actor=None,
        title="National Committee election 2026",
        description="Seven candidates for three at-large seats, counted by Scottish STV.",
        kind=Ballot.Kind.LEADERSHIP,
        method=Ballot.Method.STV,
        seats=3,
        options=CANDIDATES,
        cutoff_on=timezone.localdate(now - timedelta(days=45)),
        grace_days=30,
        opens_at=opens,
        closes_at=closes,
        trustee_threshold=2,
        trustee_count=3,
    )
    with clock.replaying(opens - timedelta(days=4)):
        services.give_notice(actor=None, ballot=ballot)
    with clock.replaying(opens - timedelta(days=1)):
        shares = services.freeze_roll(actor=None, ballot=ballot)
        services.open_ballot(actor=None, ballot=ballot)
    # Two slates and some crossover, so that surpluses and exclusions both happen.
    slates = [[0, 2, 4, 6], [1, 3, 5], [3, 0, 1], [5, 6, 2, 4], [2, 1]]
    for i, entry in enumerate(_voters(ballot, 0.3, rng)):
        with clock.replaying(opens + timedelta(minutes=i)):
            base = list(rng.choice(slates))
            if rng.random() < 0.3:
                rng.shuffle(base)
            services.record_vote(ballot=ballot, entry=entry, choice=base[: rng.randint(1, 4)])
    with clock.replaying(closes + timedelta(minutes=5)):
        services.close_ballot(actor=None, ballot=ballot)
        services.tally_ballot(actor=None, ballot=ballot, shares=shares[1:])
        services.certify_result(actor=None, ballot=ballot)
    return ballot


def _open_referendum(rng: random.Random) -> Ballot:
    now = timezone.now()
    ballot = services.create_ballot(
        actor=None,
        title="Endorse Marisol Vega-Tran for President in 2028?",
        description=(
            "Binding national referendum on endorsing the (fictional) left-labor candidate "
            "Marisol Vega-Tran, as the convention resolution requires for any endorsement. "
            "Passes with more than half of the votes cast and a 10% quorum."
        ),
        kind=Ballot.Kind.ENDORSEMENT,
        method=Ballot.Method.YES_NO,
        options=[],
        threshold=Ballot.Threshold.MAJORITY,
        quorum_share=Decimal("0.100"),
        cutoff_on=timezone.localdate(now),
        grace_days=30,
        opens_at=now - timedelta(hours=6),
        closes_at=now + timedelta(days=7),
        subject_type="electoral.candidacy",
        subject_id="demo-vega-tran-2028",
    )
    services.give_notice(actor=None, ballot=ballot)
    services.freeze_roll(actor=None, ballot=ballot)
    services.open_ballot(actor=None, ballot=ballot)
    for entry in _voters(ballot, 0.08, rng):
        services.record_vote(
            ballot=ballot,
            entry=entry,
            choice=[rng.choices([0, 1, 2], [60, 35, 5])[0]],
        )
    return ballot


def seed_ballots(size: int, rng: random.Random) -> dict[str, int]:
    past = _past_election(rng)
    current = _open_referendum(rng)
    return {"ballots": 2, "votes": (past.result.turnout) + current.box.count()}


seeds.register("democracy.ballots", Seed(run=seed_ballots, order=50))
