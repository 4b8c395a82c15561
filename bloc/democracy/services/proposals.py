"""Proposals, co-sponsors, debate and amendments: the way a motion reaches a ballot."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from bloc.democracy import audit, clock, permissions, selectors
from bloc.democracy.models import Ballot, Comment, CoSponsorship, Proposal
from bloc.democracy.services.ballots import create_ballot
from bloc.people import selectors as people
from bloc.people.models import Chapter, Person

OPEN_STATUSES = (Proposal.Status.GATHERING, Proposal.Status.READY)
#: Co-sponsors a motion needs before it can go to a vote, unless the submitter's call says.
NATIONAL_COSPONSORS = 10
CHAPTER_COSPONSORS = 3
AMENDMENT_COSPONSORS = 2


def _member(actor: Any, chapter_id: int | None) -> Person:
    if not selectors.is_member_in_scope(actor, chapter_id):
        raise PermissionDenied("Only members in good standing of this scope may do that.")
    own = people.own_person(actor)
    assert own is not None
    return own


def submit_proposal(
    *,
    actor: Any,
    title: str,
    text: str,
    chapter: Chapter | None = None,
    amends: Proposal | None = None,
    cosponsors_needed: int | None = None,
) -> Proposal:
    """A member submits a resolution, or an amendment to one (same scope as the motion)."""
    if amends is not None:
        chapter = amends.chapter
        if amends.amends_id is not None or amends.status not in OPEN_STATUSES:
            raise ValidationError("Only a motion still before the members can be amended.")
    author = _member(actor, chapter.pk if chapter else None)
    if cosponsors_needed is None:
        cosponsors_needed = (
            AMENDMENT_COSPONSORS
            if amends
            else CHAPTER_COSPONSORS
            if chapter
            else NATIONAL_COSPONSORS
        )
    if cosponsors_needed < 0:
        raise ValidationError("The co-sponsor threshold cannot be negative.")
    with transaction.atomic():
        proposal = Proposal.objects.create(
            title=title,
            text=text,
            chapter=chapter,
            amends=amends,
            author=author,
            cosponsors_needed=cosponsors_needed,
            status=Proposal.Status.READY if cosponsors_needed == 0 else Proposal.Status.GATHERING,
            ready_at=clock.now() if cosponsors_needed == 0 else None,
        )
        audit.proposal_step(
            actor=actor,
            proposal=proposal,
            step="amendment_submitted" if amends else "submitted",
        )
    return proposal


def cosponsor_proposal(*, actor: Any, proposal: Proposal) -> Proposal:
    """One signature per member; reaching the threshold makes the proposal ready for a vote."""
    person = _member(actor, proposal.chapter_id)
    if person.pk == proposal.author_id:
        raise ValidationError("Authors do not co-sponsor their own proposal.")
    try:
        with transaction.atomic():
            proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
            if proposal.status not in OPEN_STATUSES:
                raise ValidationError("This proposal no longer takes co-sponsors.")
            CoSponsorship.objects.create(proposal=proposal, person=person)
            signed = proposal.cosponsors.count()
            if (
                proposal.status == Proposal.Status.GATHERING
                and signed >= proposal.cosponsors_needed
            ):
                proposal.status = Proposal.Status.READY
                proposal.ready_at = clock.now()
                proposal.save(update_fields=["status", "ready_at"])
            audit.proposal_step(actor=actor, proposal=proposal, step="cosponsored", count=signed)
    except IntegrityError:
        raise ValidationError("You have already co-sponsored this proposal.") from None
    return proposal


def withdraw_proposal(*, actor: Any, proposal: Proposal) -> Proposal:
    own = people.own_person(actor)
    if own is None or own.pk != proposal.author_id:
        raise PermissionDenied("Only the author may withdraw a proposal.")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status not in OPEN_STATUSES:
            raise ValidationError("This proposal can no longer be withdrawn.")
        proposal.status = Proposal.Status.WITHDRAWN
        proposal.withdrawn_at = clock.now()
        proposal.save(update_fields=["status", "withdrawn_at"])
        audit.proposal_step(actor=actor, proposal=proposal, step="withdrawn")
    return proposal


def accept_amendment(*, actor: Any, amendment: Proposal) -> Proposal:
    """The motion's author accepts one amendment into the motion; the rest go to the vote."""
    motion = amendment.amends
    own = people.own_person(actor)
    if motion is None or own is None or own.pk != motion.author_id:
        raise PermissionDenied("Only the motion's author may accept an amendment.")
    try:
        with transaction.atomic():
            amendment = Proposal.objects.select_for_update().get(pk=amendment.pk)
            if amendment.status not in OPEN_STATUSES or motion.status not in OPEN_STATUSES:
                raise ValidationError("That amendment can no longer be accepted.")
            amendment.status = Proposal.Status.ACCEPTED
            amendment.accepted_at = clock.now()
            amendment.save(update_fields=["status", "accepted_at"])
            audit.proposal_step(actor=actor, proposal=amendment, step="amendment_accepted")
    except IntegrityError:
        raise ValidationError("The author has already accepted an amendment.") from None
    return amendment


def post_comment(
    *, actor: Any, proposal: Proposal, stance: str, body: str, parent: Comment | None = None
) -> Comment:
    author = _member(actor, proposal.chapter_id)
    if parent is not None and parent.proposal_id != proposal.pk:
        raise ValidationError("A reply belongs to the same proposal.")
    if stance not in Comment.Stance.values or not body.strip():
        raise ValidationError("A comment needs a stance and some text.")
    with transaction.atomic():
        comment = Comment.objects.create(
            proposal=proposal, parent=parent, author=author, stance=stance, body=body.strip()
        )
        audit.proposal_step(actor=actor, proposal=proposal, step="commented", comment_id=comment.pk)
    return comment


def hide_comment(*, actor: Any, comment: Comment, reason: str) -> Comment:
    """Moderation hides with a reason, in the audit log; it never deletes."""
    if not permissions.can_manage_ballot_in(actor, comment.proposal.chapter_id):
        raise PermissionDenied("Only this scope's moderators may hide comments.")
    if not reason.strip():
        raise ValidationError("Give a reason for hiding a comment.")
    with transaction.atomic():
        comment = Comment.objects.select_for_update().select_related("proposal").get(pk=comment.pk)
        comment.hidden_at = clock.now()
        comment.hidden_reason = reason.strip()[:300]
        comment.hidden_by = actor
        comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
        audit.comment_hidden(actor=actor, comment=comment)
    return comment


def put_to_ballot(
    *,
    actor: Any,
    proposal: Proposal,
    cutoff_on: date,
    opens_at: datetime,
    closes_at: datetime,
    threshold: str = Ballot.Threshold.MAJORITY,
    quorum_share: Decimal = Decimal("0"),
    grace_days: int = 0,
) -> list[Ballot]:
    """Draft the ballots for a ready motion: each ready, unaccepted amendment as its own
    yes/no question in the given window, then the motion in the window that follows (or in the
    given window when there are no amendments). Returns the ballots in voting order."""
    if not permissions.can_manage_ballot_in(actor, proposal.chapter_id):
        raise PermissionDenied("You may not put this proposal to a vote.")
    with transaction.atomic():
        proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.amends_id is not None or proposal.status != Proposal.Status.READY:
            raise ValidationError("Only a motion with enough co-sponsors goes to a ballot.")
        amendments = list(proposal.amendments.filter(status=Proposal.Status.READY))
        accepted = proposal.amendments.filter(status=Proposal.Status.ACCEPTED).first()
        common: dict[str, Any] = {
            "actor": actor,
            "method": Ballot.Method.YES_NO,
            "options": [],
            "chapter": proposal.chapter,
            "cutoff_on": cutoff_on,
            "grace_days": grace_days,
            "threshold": threshold,
            "quorum_share": quorum_share,
            "kind": Ballot.Kind.CHAPTER_VOTE if proposal.chapter_id else Ballot.Kind.REFERENDUM,
        }
        ballots = []
        for amendment in amendments:
            ballot = create_ballot(
                title=f"Amendment to “{proposal.title}”: {amendment.title}"[:200],
                description=amendment.text,
                opens_at=opens_at,
                closes_at=closes_at,
                subject_type="democracy.proposal",
                subject_id=str(amendment.pk),
                **common,
            )
            amendment.status = Proposal.Status.ON_BALLOT
            amendment.balloted_at = clock.now()
            amendment.ballot = ballot
            amendment.save(update_fields=["status", "balloted_at", "ballot"])
            ballots.append(ballot)
        main_opens, main_closes = (
            (closes_at, closes_at + (closes_at - opens_at)) if amendments else (opens_at, closes_at)
        )
        description = proposal.text
        if accepted is not None:
            description += f"\n\nAs amended by the author's acceptance of: {accepted.title}\n"
            description += accepted.text
        motion_ballot = create_ballot(
            title=proposal.title,
            description=description[:10000],
            opens_at=main_opens,
            closes_at=main_closes,
            subject_type="democracy.proposal",
            subject_id=str(proposal.pk),
            **common,
        )
        proposal.status = Proposal.Status.ON_BALLOT
        proposal.balloted_at = clock.now()
        proposal.ballot = motion_ballot
        proposal.save(update_fields=["status", "balloted_at", "ballot"])
        audit.proposal_step(
            actor=actor, proposal=proposal, step="put_to_ballot", ballots=len(amendments) + 1
        )
    return [*ballots, motion_ballot]
