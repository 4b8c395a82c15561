"""Proposals gather co-sponsors, are debated and amended, then go to ballots in order."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bloc.core.models import AuditEvent
from bloc.democracy import selectors, services
from bloc.democracy.models import Ballot, Comment, Proposal


def _motion(p, needed=2, chapter=None):
    return services.submit_proposal(
        actor=p.member_a,
        title="Build a fictional tenants' union campaign",
        text="Resolved: the chapter commits to a tenants' union drive.",
        chapter=chapter,
        cosponsors_needed=needed,
    )


def test_a_motion_becomes_ready_at_its_cosponsor_threshold(personas):
    motion = _motion(personas)
    assert motion.status == Proposal.Status.GATHERING
    services.cosponsor_proposal(actor=personas.member_b, proposal=motion)
    with pytest.raises(ValidationError):
        services.cosponsor_proposal(actor=personas.member_b, proposal=motion)
    with pytest.raises(ValidationError):
        services.cosponsor_proposal(actor=personas.member_a, proposal=motion)  # the author
    motion = services.cosponsor_proposal(actor=personas.organizer_b, proposal=motion)
    assert motion.status == Proposal.Status.READY and motion.ready_at is not None
    assert motion.cosponsors.count() == 2


def test_only_members_of_the_scope_sign_and_speak(personas):
    motion = _motion(personas, chapter=personas.chapter_a)
    for outsider in (personas.member_b, personas.outsider, personas.liaison):
        with pytest.raises(PermissionDenied):
            services.cosponsor_proposal(actor=outsider, proposal=motion)
        with pytest.raises(PermissionDenied):
            services.post_comment(actor=outsider, proposal=motion, stance="for", body="Yes!")
    assert motion.cosponsors.count() == 0 and motion.comments.count() == 0


def test_debate_threads_summarise_arguments_and_moderation_hides_with_a_reason(personas):
    motion = _motion(personas)
    pro = services.post_comment(
        actor=personas.member_b, proposal=motion, stance="for", body="Rents rose 30%."
    )
    con = services.post_comment(
        actor=personas.organizer_b, proposal=motion, stance="against", body="Too few volunteers."
    )
    services.post_comment(
        actor=personas.member_a,
        proposal=motion,
        stance="question",
        body="Which buildings?",
        parent=con,
    )
    with pytest.raises(PermissionDenied):
        services.hide_comment(actor=personas.member_b, comment=con, reason="spam")
    with pytest.raises(ValidationError):
        services.hide_comment(actor=personas.admin, comment=con, reason=" ")
    services.hide_comment(actor=personas.admin, comment=con, reason="Personal attack")

    debate = selectors.debate(motion)
    assert [c.pk for c in debate.arguments_for] == [pro.pk]
    assert debate.arguments_against == []  # the hidden one is not summarised
    assert debate.questions == 1
    assert [len(replies) for _, replies in debate.threads] == [0, 1]
    con.refresh_from_db()
    assert con.is_hidden and con.hidden_reason == "Personal attack"
    assert Comment.objects.filter(pk=con.pk).exists()  # never deleted
    assert AuditEvent.objects.filter(action="democracy.comment_hidden", target_id=str(con.pk))


def test_amendments_go_to_the_ballot_before_the_motion(personas):
    motion = _motion(personas, needed=1)
    services.cosponsor_proposal(actor=personas.member_b, proposal=motion)
    accepted = services.submit_proposal(
        actor=personas.member_b,
        title="Add a rent strike fund",
        text="…",
        amends=motion,
        cosponsors_needed=0,
    )
    contested = services.submit_proposal(
        actor=personas.organizer_a,
        title="Limit to two buildings",
        text="…",
        amends=motion,
        cosponsors_needed=0,
    )
    unready = services.submit_proposal(
        actor=personas.organizer_b,
        title="Rename the drive",
        text="…",
        amends=motion,
        cosponsors_needed=5,
    )
    with pytest.raises(PermissionDenied):
        services.accept_amendment(actor=personas.member_b, amendment=accepted)
    services.accept_amendment(actor=personas.member_a, amendment=accepted)
    with pytest.raises(ValidationError):
        services.accept_amendment(actor=personas.member_a, amendment=contested)

    now = timezone.now()
    with pytest.raises(PermissionDenied):
        services.put_to_ballot(
            actor=personas.organizer_a,
            proposal=motion,
            cutoff_on=timezone.localdate(),
            opens_at=now,
            closes_at=now + timedelta(days=3),
        )
    ballots = services.put_to_ballot(
        actor=personas.admin,
        proposal=motion,
        cutoff_on=timezone.localdate(),
        opens_at=now,
        closes_at=now + timedelta(days=3),
    )
    amendment_ballot, motion_ballot = ballots
    assert amendment_ballot.subject_id == str(contested.pk)
    assert motion_ballot.subject_type == "democracy.proposal"
    assert motion_ballot.subject_id == str(motion.pk)
    assert motion_ballot.opens_at == amendment_ballot.closes_at
    assert "Add a rent strike fund" in motion_ballot.description
    assert all(b.method == Ballot.Method.YES_NO for b in ballots)
    unready.refresh_from_db()
    assert unready.status == Proposal.Status.GATHERING
    motion.refresh_from_db()
    assert motion.status == Proposal.Status.ON_BALLOT and motion.ballot == motion_ballot


def test_a_motion_without_enough_cosponsors_cannot_go_to_a_ballot(personas):
    motion = _motion(personas)
    now = timezone.now()
    with pytest.raises(ValidationError):
        services.put_to_ballot(
            actor=personas.admin,
            proposal=motion,
            cutoff_on=timezone.localdate(),
            opens_at=now,
            closes_at=now + timedelta(days=3),
        )


def test_proposals_are_scoped_like_ballots(personas):
    in_b = services.submit_proposal(
        actor=personas.member_b, title="Lakeshore only", text="…", chapter=personas.chapter_b
    )
    assert in_b not in selectors.proposals_visible_to(personas.member_a)
    assert in_b in selectors.proposals_visible_to(personas.organizer_b)
    assert not selectors.proposals_visible_to(personas.outsider).exists()
