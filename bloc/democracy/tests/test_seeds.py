import random

from bloc.core.registry import seeds
from bloc.democracy import selectors
from bloc.democracy.models import Ballot


def test_the_demo_has_an_open_endorsement_referendum_and_a_certified_stv_election(personas):
    rng = random.Random(7)
    seeds.get("people.people").run(150, rng)
    counts = seeds.get("democracy.ballots").run(150, rng)
    referendum = Ballot.objects.get(kind=Ballot.Kind.ENDORSEMENT)
    election = Ballot.objects.get(kind=Ballot.Kind.LEADERSHIP)
    assert referendum.status == Ballot.Status.OPEN and referendum.is_national
    assert election.status == Ballot.Status.CERTIFIED
    assert len(election.result.winners) == 3
    assert counts["votes"] == election.result.turnout + referendum.box.count()
    assert selectors.roll_fingerprint(election) == election.roll_fingerprint
    # The personas stay free to vote in the open referendum.
    assert referendum in selectors.ballots_open_for(personas.member_a)
