"""Demo electoral data, all fictional and built through the real services: a 2026 slate across
several states, and a 2028 presidential candidate in the national pipeline whose member
referendum is open."""

import random
from datetime import date, timedelta

from django.utils import timezone

from bloc.accounts.models import User
from bloc.core.registry import Seed, seeds
from bloc.democracy import services as democracy
from bloc.electoral import services
from bloc.electoral.models import Endorsement, EndorsementPolicy, Questionnaire
from bloc.people.models import Chapter
from bloc.program.selectors import adopted_planks

SLATE_2026 = [
    # state, office, division, candidate, party
    ("NY", "U.S. House, NY-7", "ocd-division/country:us/state:ny/cd:7", "Ilse Marrow-Dunne", "DEM"),
    (
        "IL",
        "Illinois House, District 40",
        "ocd-division/country:us/state:il/sldl:40",
        "Beto Lindahl-Cruz",
        "DEM",
    ),
    (
        "CA",
        "Oakland City Council, District 3",
        "ocd-division/country:us/state:ca/place:oakland/council_district:3",
        "Naomi Ekwueme",
        "",
    ),
    (
        "TX",
        "Texas Senate, District 26",
        "ocd-division/country:us/state:tx/sldu:26",
        "Ramón Achterberg",
        "DEM",
    ),
    (
        "MN",
        "Minneapolis City Council, Ward 6",
        "ocd-division/country:us/state:mn/place:minneapolis/ward:6",
        "Fartun Wessel",
        "",
    ),
]
ANSWERS = [("Yes", "Co-sponsor", "Yes"), ("Yes", "Vote for", "No"), ("No", "Co-sponsor", "Yes")]


def _questionnaire() -> Questionnaire:
    planks = list(adopted_planks()[:3])
    questions: list[dict] = []
    if len(planks) == 3:
        questions = [
            {
                "prompt": f"Will you publicly champion {planks[0].title}?",
                "kind": "yes_no",
                "plank": planks[0],
                "answer_positions": {"Yes": "supports", "No": "opposes"},
            },
            {
                "prompt": f"Where do you stand on {planks[1].title}?",
                "kind": "choice",
                "choices": ["Co-sponsor", "Vote for", "Oppose"],
                "plank": planks[1],
                "answer_positions": {
                    "Co-sponsor": "supports",
                    "Vote for": "partial",
                    "Oppose": "opposes",
                },
            },
            {
                "prompt": f"Will you vote for {planks[2].title}?",
                "kind": "yes_no",
                "plank": planks[2],
                "answer_positions": {"Yes": "supports", "No": "opposes"},
            },
        ]
    questions.append(
        {"prompt": "Why are you running, and who is with you?", "kind": "text", "word_limit": 150}
    )
    return services.create_questionnaire(
        actor=None, title="2026 candidate questionnaire", questions=questions
    )


def _answer(e: Endorsement, questionnaire: Questionnaire, picks: tuple[str, ...]) -> None:
    response, _ = services.send_questionnaire(
        actor=None, endorsement=e, questionnaire=questionnaire
    )
    values = [*picks[: questionnaire.questions.count() - 1], "To win what our members need."]
    services.submit_answers(
        response=response,
        answers={q.pk: v for q, v in zip(questionnaire.questions.all(), values, strict=True)},
    )


def _chapter_endorse(candidacy, chapter: Chapter, questionnaire, picks) -> Endorsement:  # type: ignore[no-untyped-def]
    e = services.open_intake(actor=None, candidacy=candidacy, chapter=chapter)
    services.advance_endorsement(actor=None, endorsement=e)
    _answer(e, questionnaire, picks)
    services.advance_endorsement(actor=None, endorsement=e)
    services.update_dossier(actor=None, endorsement=e, forum_notes="Candidate forum with members.")
    services.advance_endorsement(actor=None, endorsement=e)
    services.recommend(actor=None, endorsement=e, recommendation="endorse")
    return services.advance_endorsement(actor=None, endorsement=e)


def seed_electoral(size: int, rng: random.Random) -> dict[str, int]:
    questionnaire = _questionnaire()
    chapters = list(Chapter.objects.order_by("pk")[:5])
    for chapter in chapters:
        # These demo chapters endorse on their electoral committee's recommendation, no vote.
        EndorsementPolicy.objects.get_or_create(
            scope="chapter", chapter=chapter, defaults={"requires_vote": False}
        )
    endorsed = 0
    elections: dict[str, object] = {}
    for i, (state, office, division, name, party) in enumerate(SLATE_2026):
        election = elections.get(state) or services.create_election(
            actor=None,
            name=f"{state} general election 2026",
            cycle=2026,
            election_type="general",
            held_on=date(2026, 11, 3),
            state=state,
        )
        elections[state] = election
        race = services.create_race(
            actor=None,
            election=election,  # type: ignore[arg-type]
            office=office,
            level="federal" if "U.S." in office else ("state" if "District" in office else "local"),
            state=state,
            ocd_division_id=division,
            filing_deadline_on=date(2026, 4, 2),
            primary_on=date(2026, 6, 23),
            general_on=date(2026, 11, 3),
        )
        candidate = services.create_candidate(
            actor=None, full_name=name, party=party, is_member=i % 2 == 0
        )
        candidacy = services.declare_candidacy(
            actor=None, candidate=candidate, race=race, status="on_ballot"
        )
        _chapter_endorse(candidacy, chapters[i % len(chapters)], questionnaire, ANSWERS[i % 3])
        endorsed += 1
    _presidential(questionnaire, chapters[0])
    return {"races": len(SLATE_2026) + 1, "chapter endorsements": endorsed + 1, "referendums": 1}


def _presidential(questionnaire: Questionnaire, chapter: Chapter) -> None:
    today = timezone.localdate()
    election = services.create_election(
        actor=None,
        name="2028 presidential primaries",
        cycle=2028,
        election_type="presidential_preference",
        held_on=date(2028, 3, 7),
    )
    race = services.create_race(
        actor=None,
        election=election,
        office="President of the United States",
        level="federal",
        ocd_division_id="ocd-division/country:us",
        runoff_rule="none",
        filing_deadline_on=today + timedelta(days=18),
        application_deadline_on=today + timedelta(days=45),
        primary_on=date(2028, 3, 7),
        general_on=date(2028, 11, 7),
    )
    candidate = services.create_candidate(
        actor=None, full_name="Rafaela Osei-Brandt", fec_candidate_id="P80009999", is_member=True
    )
    candidacy = services.declare_candidacy(
        actor=None, candidate=candidate, race=race, status="declared"
    )
    local = _chapter_endorse(candidacy, chapter, questionnaire, ANSWERS[0])
    national = services.apply_for_national(actor=None, chapter_endorsement=local)
    services.update_dossier(
        actor=None, endorsement=national, one_on_one_notes="Met the candidate and campaign manager."
    )
    services.advance_endorsement(actor=None, endorsement=national)
    services.advance_endorsement(actor=None, endorsement=national)
    services.advance_endorsement(actor=None, endorsement=national)  # questionnaire already in
    services.update_dossier(
        actor=None,
        endorsement=national,
        race_analysis="A crowded primary; our base decides early states.",
        win_number=1991,
        field_plan="Chapters in 30 states canvass for delegates.",
        chapter_capacity="Riverside: 200 active members; 40 chapters signed on.",
    )
    services.advance_endorsement(actor=None, endorsement=national)
    committee = services.create_committee(actor=None, name="National Electoral Committee")
    admin = User.objects.filter(email__startswith="admin@").first()
    seats = [
        ("National Political Committee", "Tendency Red", admin),
        ("National Political Committee", "Tendency Green", None),
        ("Labor Commission", "", None),
    ]
    for body, tendency, holder in seats:
        services.add_seat(
            actor=None, committee=committee, body=body, tendency=tendency, holder=holder
        )
    services.assign_committee(actor=None, endorsement=national, committee=committee)
    if admin is not None:
        services.write_assessment(
            actor=admin,
            endorsement=national,
            text="A serious campaign that builds our organization in every state.",
            recommendation="endorse",
        )
    services.record_committee_vote(
        actor=None, endorsement=national, votes_for=2, votes_against=1, abstentions=0
    )
    services.advance_endorsement(actor=None, endorsement=national)
    ballot = services.put_to_vote(actor=None, endorsement=national)
    democracy.give_notice(actor=None, ballot=ballot)
    democracy.freeze_roll(actor=None, ballot=ballot)
    democracy.open_ballot(actor=None, ballot=ballot)


seeds.register("electoral.slate", Seed(run=seed_electoral, order=55))
