"""A fictional race, candidacy, questionnaire and committee, built through the real services."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from bloc.accounts.services import create_user
from bloc.democracy import services as democracy
from bloc.democracy.models import Ballot, VoterRollEntry
from bloc.electoral import services
from bloc.electoral.models import Candidacy, Committee, Endorsement, Questionnaire, Race
from bloc.program.models import Plank
from bloc.program.tests.helpers import adopted

YES, NO = 0, 1


@dataclass
class World:
    race: Race
    candidacy: Candidacy
    questionnaire: Questionnaire
    planks: list[Plank]
    committee: Committee
    assessors: list[Any]


def world(p: Any) -> World:
    planks = [adopted("Medicare for All", order=1), adopted("The PRO Act", order=2)]
    election = services.create_election(
        actor=None,
        name="New York general 2026",
        cycle=2026,
        election_type="general",
        held_on=date(2026, 11, 3),
        state="NY",
    )
    today = timezone.localdate()
    race = services.create_race(
        actor=None,
        election=election,
        office="U.S. House, NY-12",
        level="federal",
        state="NY",
        district="12",
        ocd_division_id="ocd-division/country:us/state:ny/cd:12",
        filing_deadline_on=today + timedelta(days=10),
        application_deadline_on=today + timedelta(days=60),
        primary_on=today + timedelta(days=120),
        general_on=today + timedelta(days=200),
    )
    candidate = services.create_candidate(
        actor=None, full_name="Marisol Quintero-Hale", is_member=True, chapter=p.chapter_a
    )
    candidacy = services.declare_candidacy(
        actor=None, candidate=candidate, race=race, status="declared"
    )
    questionnaire = services.create_questionnaire(
        actor=None,
        title="2026 federal questionnaire",
        questions=[
            {
                "prompt": "Will you co-sponsor Medicare for All?",
                "kind": "yes_no",
                "plank": planks[0],
                "answer_positions": {"Yes": "supports", "No": "opposes"},
            },
            {
                "prompt": "Your position on the PRO Act?",
                "kind": "choice",
                "choices": ["Co-sponsor", "Vote for", "Oppose"],
                "plank": planks[1],
                "answer_positions": {
                    "Co-sponsor": "supports",
                    "Vote for": "partial",
                    "Oppose": "opposes",
                },
            },
            {"prompt": "Why are you running?", "kind": "text", "word_limit": 50},
        ],
    )
    committee = services.create_committee(actor=None, name="National Electoral Committee")
    assessors = []
    for i, (body, tendency) in enumerate(
        [("National Political Committee", "Tendency Red"), ("Labor Commission", "Tendency Green")]
    ):
        user = create_user(email=f"assessor{i}@personas.bloc.test", display_name=f"Assessor {i}")
        services.add_seat(
            actor=None, committee=committee, body=body, tendency=tendency, holder=user
        )
        assessors.append(user)
    services.add_seat(actor=None, committee=committee, body="Open seat")
    return World(race, candidacy, questionnaire, planks, committee, assessors)


def answers(questionnaire: Questionnaire, *values: str) -> dict[int, str]:
    return {q.pk: v for q, v in zip(questionnaire.questions.all(), values, strict=True)}


def run_ballot(ballot: Ballot, votes: dict[Any, int]) -> Ballot:
    """Notice, roll, open, the given votes by person, close, count, certify — real services."""
    import time_machine

    democracy.give_notice(actor=None, ballot=ballot)
    shares = democracy.freeze_roll(actor=None, ballot=ballot)
    democracy.open_ballot(actor=None, ballot=ballot)
    for person, choice in votes.items():
        entry = VoterRollEntry.objects.get(ballot=ballot, person=person)
        democracy.record_vote(ballot=ballot, entry=entry, choice=[choice])
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1), tick=False):
        democracy.close_ballot(actor=None, ballot=ballot)
        democracy.tally_ballot(actor=None, ballot=ballot, shares=shares[:2])
        democracy.certify_result(actor=None, ballot=ballot)
    ballot.refresh_from_db()
    return ballot


def chapter_endorsed(p: Any, w: World, capture: Any) -> Endorsement:
    """Chapter A takes the candidacy from intake to a passed chapter vote."""
    e = services.open_intake(actor=p.organizer_a, candidacy=w.candidacy, chapter=p.chapter_a)
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    response, _ = services.send_questionnaire(
        actor=p.organizer_a, endorsement=e, questionnaire=w.questionnaire
    )
    services.submit_answers(
        response=response,
        answers=answers(w.questionnaire, "Yes", "Vote for", "To win health care for all."),
    )
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    services.update_dossier(actor=p.organizer_a, endorsement=e, forum_notes="Forum held; 40 came.")
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    services.recommend(actor=p.organizer_a, endorsement=e, recommendation="endorse")
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    ballot = services.put_to_vote(actor=p.organizer_a, endorsement=e)
    with capture(execute=True):
        run_ballot(ballot, {p.person_member_a: YES})
    e.refresh_from_db()
    return e
