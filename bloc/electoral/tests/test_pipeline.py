"""The whole endorsement pipeline, end to end through the real services and democracy ballots."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from bloc.electoral import selectors, services
from bloc.electoral.models import Endorsement, Stage
from bloc.electoral.tests.world import NO, YES, chapter_endorsed, run_ballot, world

pytestmark = pytest.mark.django_db


def _to_referendum(p, w, capture) -> Endorsement:
    chapter = chapter_endorsed(p, w, capture)
    assert chapter.stage == Stage.ENDORSED
    national = services.apply_for_national(actor=p.organizer_a, chapter_endorsement=chapter)
    assert national.stage == Stage.APPLICATION
    services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    with pytest.raises(ValidationError, match="one-on-one"):
        services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    services.update_dossier(
        actor=p.organizer_a, endorsement=national, one_on_one_notes="Met; strong on labor."
    )
    services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    # The questionnaire was already answered for this candidacy at the chapter stage.
    services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    services.update_dossier(
        actor=p.organizer_a,
        endorsement=national,
        race_analysis="Open seat, D+30.",
        win_number=48000,
        field_plan="Door knocking in 4 neighborhoods.",
        chapter_capacity="120 active members.",
    )
    services.advance_endorsement(actor=p.organizer_a, endorsement=national)
    national.refresh_from_db()
    assert national.stage == Stage.ASSESSMENT
    services.assign_committee(actor=p.admin, endorsement=national, committee=w.committee)
    red, green = w.assessors
    services.write_assessment(
        actor=red, endorsement=national, text="Strong campaign.", recommendation="endorse"
    )
    services.write_assessment(
        actor=green, endorsement=national, text="Worth the risk.", recommendation="endorse"
    )
    with pytest.raises(ValidationError, match="3 seats"):
        services.record_committee_vote(
            actor=red, endorsement=national, votes_for=3, votes_against=1, abstentions=0
        )
    services.record_committee_vote(
        actor=red, endorsement=national, votes_for=2, votes_against=0, abstentions=1
    )
    services.advance_endorsement(actor=red, endorsement=national)
    national.refresh_from_db()
    assert national.stage == Stage.MEMBER_VOTE
    return national


def test_intake_to_referendum_to_slate_and_rescission(personas, django_capture_on_commit_callbacks):
    p, w = personas, world(personas)
    national = _to_referendum(p, w, django_capture_on_commit_callbacks)
    ballot = services.put_to_vote(actor=p.admin, endorsement=national)
    assert ballot.subject_type == "electoral.endorsement" and ballot.chapter_id is None
    with django_capture_on_commit_callbacks(execute=True):
        run_ballot(ballot, {p.person_member_a: YES, p.person_member_b: YES})
    national.refresh_from_db()
    assert national.vote_passed is True
    assert national.stage == Stage.RATIFICATION  # the default national policy requires it
    assert selectors.slate(2026)[0]["national"] is False
    services.ratify_endorsement(actor=p.admin, endorsement=national, approve=True)
    national.refresh_from_db()
    assert national.stage == Stage.ENDORSED and national.endorsed_at and national.ratified_at

    entry = selectors.slate(2026)[0]
    assert entry["candidate"].full_name == "Marisol Quintero-Hale"
    assert entry["national"] and entry["chapters"] == ["Riverside Chapter"]
    assert entry["alignment"].percent == 75  # supports M4A, votes for the PRO Act (partial)

    steps = list(national.steps.values_list("to_stage", "rule"))
    assert [s for s, _ in steps] == [
        "application",
        "one_on_one",
        "questionnaire",
        "dossier",
        "assessment",
        "member_vote",
        "ratification",
        "endorsed",
    ]
    assert "ballot #" in steps[6][1] and "passed" in steps[6][1]

    services.request_rescission(actor=p.admin, endorsement=national, reason="Voted against PRO Act")
    rescission = services.put_rescission_to_vote(actor=p.admin, endorsement=national)
    with pytest.raises(ValidationError):
        services.rescind_endorsement(actor=p.admin, endorsement=national)
    with django_capture_on_commit_callbacks(execute=True):
        run_ballot(rescission, {p.person_member_a: YES})
    national.refresh_from_db()
    assert national.stage == Stage.RESCINDED and national.closed_at
    assert all(not row["national"] for row in selectors.slate(2026))


def test_a_failed_referendum_leaves_the_candidate_unendorsed(
    personas, django_capture_on_commit_callbacks
):
    p, w = personas, world(personas)
    national = _to_referendum(p, w, django_capture_on_commit_callbacks)
    ballot = services.put_to_vote(actor=p.admin, endorsement=national)
    with django_capture_on_commit_callbacks(execute=True):
        run_ballot(ballot, {p.person_member_a: NO, p.person_member_b: NO})
    national.refresh_from_db()
    assert national.stage == Stage.NOT_ENDORSED and national.vote_passed is False
    assert not any(row["national"] for row in selectors.slate(2026))
    with pytest.raises(ValidationError):
        services.ratify_endorsement(actor=p.admin, endorsement=national, approve=True)


def test_a_chapter_rescinds_by_decision(personas, django_capture_on_commit_callbacks):
    p, w = personas, world(personas)
    chapter = chapter_endorsed(p, w, django_capture_on_commit_callbacks)
    assert [r["candidate"].full_name for r in selectors.slate(2026)] == ["Marisol Quintero-Hale"]
    with pytest.raises(PermissionDenied):
        services.request_rescission(actor=p.organizer_b, endorsement=chapter, reason="Not ours")
    services.request_rescission(actor=p.organizer_a, endorsement=chapter, reason="Broke pledge")
    services.rescind_endorsement(actor=p.organizer_a, endorsement=chapter)
    chapter.refresh_from_db()
    assert chapter.stage == Stage.RESCINDED
    assert selectors.slate(2026) == []


def test_a_petition_intake_needs_enough_members_in_good_standing(personas):
    from bloc.electoral.models import EndorsementPolicy

    p, w = personas, world(personas)
    EndorsementPolicy.objects.create(scope="chapter", chapter=p.chapter_a, petition_signatures=2)
    e = services.open_intake(
        actor=p.organizer_a, candidacy=w.candidacy, chapter=p.chapter_a, method="petition"
    )
    services.sign_petition(actor=p.member_a, endorsement=e, person=p.person_member_a)
    with pytest.raises(ValidationError, match="1 of 2"):
        services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    with pytest.raises(ValidationError, match="good standing"):
        services.sign_petition(actor=p.member_b, endorsement=e, person=p.person_member_b)
    organizer_person = p.organizer_a.person
    services.sign_petition(actor=p.organizer_a, endorsement=e, person=organizer_person)
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    e.refresh_from_db()
    assert e.stage == Stage.QUESTIONNAIRE


def test_policy_can_skip_stages(personas):
    from bloc.electoral.models import EndorsementPolicy

    p, w = personas, world(personas)
    EndorsementPolicy.objects.create(
        scope="chapter",
        chapter=p.chapter_a,
        requires_questionnaire=False,
        requires_forum=False,
        requires_recommendation=False,
        requires_vote=False,
    )
    e = services.open_intake(actor=p.organizer_a, candidacy=w.candidacy, chapter=p.chapter_a)
    services.advance_endorsement(actor=p.organizer_a, endorsement=e)
    e.refresh_from_db()
    assert e.stage == Stage.ENDORSED
