"""The endorsement pipeline: intake to member vote to the slate, and what comes after.

Every move goes through `_move`, which records who decided, when and under which rule."""

import logging
from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role
from bloc.accounts.services import grant_role
from bloc.democracy import services as democracy
from bloc.democracy.models import Ballot
from bloc.electoral import audit, permissions
from bloc.electoral.models import (
    Assessment,
    Candidacy,
    Committee,
    CommitteeSeat,
    Condition,
    CoordinationMode,
    Endorsement,
    EndorsementPolicy,
    EndorsementStep,
    PetitionSignature,
    QuestionnaireResponse,
    RecordedVote,
    Stage,
    TendencyAffiliation,
)
from bloc.people import selectors as people
from bloc.people.models import Chapter, Person
from bloc.program import services as program
from bloc.program.models import Position, Stance

logger = logging.getLogger(__name__)
Scope = EndorsementPolicy.Scope
SUBJECT = "electoral.endorsement"
RESCISSION_SUBJECT = "electoral.rescission"


class FirewallViolation(PermissionDenied):
    """Non-public information would cross from a coordinated effort into an independent one."""


# Policy and stages ---------------------------------------------------------------------------


def policy_for(scope: str, chapter: Chapter | None) -> EndorsementPolicy:
    """The chapter's own policy, else the default for the scope (created with safe defaults)."""
    if chapter is not None and scope == Scope.CHAPTER:
        own = EndorsementPolicy.objects.filter(scope=scope, chapter=chapter).first()
        if own is not None:
            return own
    policy, _ = EndorsementPolicy.objects.get_or_create(
        scope=scope,
        chapter=None,
        defaults={
            "vote_threshold": Ballot.Threshold.TWO_THIRDS
            if scope == Scope.CHAPTER
            else Ballot.Threshold.MAJORITY,
            "requires_ratification": scope == Scope.NATIONAL,
            "vote_window_days": 7 if scope == Scope.CHAPTER else 14,
        },
    )
    return policy


def stages_for(policy: EndorsementPolicy) -> list[str]:
    if policy.scope == Scope.CHAPTER:
        wanted = [
            (Stage.INTAKE, True),
            (Stage.QUESTIONNAIRE, policy.requires_questionnaire),
            (Stage.FORUM, policy.requires_forum),
            (Stage.RECOMMENDATION, policy.requires_recommendation),
            (Stage.MEMBER_VOTE, policy.requires_vote),
        ]
    else:
        wanted = [
            (Stage.APPLICATION, True),
            (Stage.ONE_ON_ONE, policy.requires_one_on_one),
            (Stage.QUESTIONNAIRE, policy.requires_questionnaire),
            (Stage.DOSSIER, policy.requires_dossier),
            (Stage.ASSESSMENT, policy.requires_assessment),
            (Stage.MEMBER_VOTE, policy.requires_vote),
            (Stage.RATIFICATION, policy.requires_ratification),
        ]
    return [str(stage) for stage, on in wanted if on] + [str(Stage.ENDORSED)]


def next_stage(endorsement: Endorsement) -> str | None:
    stages = stages_for(endorsement.policy)
    if endorsement.stage not in stages or endorsement.stage == Stage.ENDORSED:
        return None
    return stages[stages.index(endorsement.stage) + 1]


_LEFT_AT: dict[str, str] = {
    Stage.QUESTIONNAIRE: "questionnaire_at",
    Stage.FORUM: "forum_at",
    Stage.ONE_ON_ONE: "one_on_one_at",
    Stage.DOSSIER: "dossier_at",
    Stage.ASSESSMENT: "recommended_at",
    Stage.RECOMMENDATION: "recommended_at",
}
_ENTERED_AT: dict[str, str] = {
    Stage.ENDORSED: "endorsed_at",
    Stage.SUSPENDED: "suspended_at",
    Stage.RESCISSION_REQUESTED: "rescission_requested_at",
    Stage.MEMBER_VOTE: "vote_at",
}


def _lock(endorsement: Endorsement, *expected: str) -> Endorsement:
    fresh = (
        Endorsement.objects.select_for_update()
        .select_related("policy", "candidacy__candidate", "candidacy__race")
        .get(pk=endorsement.pk)
    )
    if expected and fresh.stage not in expected:
        raise ValidationError(f"This endorsement is at {fresh.get_stage_display().lower()}.")
    return fresh


def _move(
    endorsement: Endorsement, to: str, *, actor: Any, rule: str, note: str = "", **data: Any
) -> Endorsement:
    """Change stage inside the caller's transaction: the step, the timestamps, one audit event."""
    now = timezone.now()
    from_stage = endorsement.stage
    if from_stage in _LEFT_AT and getattr(endorsement, _LEFT_AT[from_stage]) is None:
        setattr(endorsement, _LEFT_AT[from_stage], now)
    if to in _ENTERED_AT:
        setattr(endorsement, _ENTERED_AT[to], now)
    if to == Stage.RATIFICATION or (to == Stage.ENDORSED and from_stage == Stage.RATIFICATION):
        endorsement.ratified_at = now if to == Stage.ENDORSED else endorsement.ratified_at
    if to in (Stage.NOT_ENDORSED, Stage.RESCINDED, Stage.WITHDRAWN):
        endorsement.closed_at = now
    endorsement.stage = to
    endorsement.save()
    EndorsementStep.objects.create(
        endorsement=endorsement,
        from_stage=from_stage,
        to_stage=to,
        decided_by=actor if getattr(actor, "is_authenticated", False) else None,
        rule=rule[:300],
        note=note[:2000],
    )
    audit.endorsement_event(
        actor=actor, endorsement=endorsement, action="moved", from_stage=from_stage, **data
    )
    return endorsement


def _policy_rule(endorsement: Endorsement, what: str) -> str:
    policy = endorsement.policy
    owner = f"{policy.chapter} policy" if policy.chapter_id else f"default {policy.scope} policy"
    return f"{owner} #{policy.pk}: {what}"


def _require(allowed: bool, message: str = "You may not act on this endorsement.") -> None:
    if not allowed:
        raise PermissionDenied(message)


# Intake and application ----------------------------------------------------------------------


def open_intake(
    *, actor: Any, candidacy: Candidacy, chapter: Chapter, method: str = "form", note: str = ""
) -> Endorsement:
    """A chapter starts considering a candidacy, by form or by a members' petition."""
    _require(
        actor is None
        or roles.is_national_admin(actor)
        or chapter.pk in roles.organized_chapter_ids(actor),
        "You may only open intake for your own chapter.",
    )
    if candidacy.status in (Candidacy.Status.WITHDRAWN, Candidacy.Status.LOST):
        raise ValidationError("This candidacy is over.")
    if method not in ("form", "petition"):
        raise ValidationError("Intake is by form or by petition.")
    policy = policy_for(Scope.CHAPTER, chapter)
    with transaction.atomic():
        if Endorsement.objects.filter(
            candidacy=candidacy, scope=Scope.CHAPTER, chapter=chapter
        ).exclude(stage__in=[Stage.RESCINDED, Stage.NOT_ENDORSED, Stage.WITHDRAWN]):
            raise ValidationError("This chapter is already considering this candidacy.")
        endorsement = Endorsement.objects.create(
            candidacy=candidacy,
            scope=Scope.CHAPTER,
            chapter=chapter,
            policy=policy,
            stage=Stage.INTAKE,
            intake_method=method,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        EndorsementStep.objects.create(
            endorsement=endorsement,
            to_stage=Stage.INTAKE,
            decided_by=endorsement.submitted_by,
            rule=_policy_rule(endorsement, f"intake by {method}"),
            note=note[:2000],
        )
        audit.endorsement_event(actor=actor, endorsement=endorsement, action="opened")
    return endorsement


def sign_petition(*, actor: Any, endorsement: Endorsement, person: Person) -> PetitionSignature:
    """A member in good standing of the chapter signs its intake petition (for themselves)."""
    _require(
        actor is None or getattr(person, "user_id", None) == getattr(actor, "pk", None),
        "Members sign for themselves.",
    )
    if endorsement.stage != Stage.INTAKE or endorsement.intake_method != "petition":
        raise ValidationError("This endorsement is not gathering petition signatures.")
    standing = people.memberships_in_good_standing(
        as_of=timezone.localdate(), grace_days=0, chapter_id=endorsement.chapter_id
    )
    if not standing.filter(person=person).exists():
        raise ValidationError("Only members of the chapter in good standing may sign.")
    with transaction.atomic():
        signature, created = PetitionSignature.objects.get_or_create(
            endorsement=endorsement, person=person
        )
        if created:
            audit.endorsement_event(actor=actor, endorsement=endorsement, action="petition_signed")
    return signature


def apply_for_national(
    *, actor: Any, chapter_endorsement: Endorsement, note: str = ""
) -> Endorsement:
    """Only a chapter applies: its organizers, for a candidacy the chapter has endorsed."""
    _require(
        actor is None
        or roles.is_national_admin(actor)
        or chapter_endorsement.chapter_id in roles.organized_chapter_ids(actor),
        "Only the endorsing chapter may apply.",
    )
    if chapter_endorsement.scope != Scope.CHAPTER or chapter_endorsement.stage != Stage.ENDORSED:
        raise ValidationError("A chapter applies for a candidacy it has endorsed.")
    deadline = chapter_endorsement.candidacy.race.application_deadline_on
    if deadline is not None and timezone.localdate() > deadline:
        raise ValidationError(f"The application deadline passed on {deadline:%d %B %Y}.")
    policy = policy_for(Scope.NATIONAL, None)
    with transaction.atomic():
        if Endorsement.objects.filter(
            candidacy=chapter_endorsement.candidacy, scope=Scope.NATIONAL
        ).exclude(stage__in=[Stage.RESCINDED, Stage.NOT_ENDORSED, Stage.WITHDRAWN]):
            raise ValidationError("A national application for this candidacy is under way.")
        endorsement = Endorsement.objects.create(
            candidacy=chapter_endorsement.candidacy,
            scope=Scope.NATIONAL,
            chapter_id=chapter_endorsement.chapter_id,
            chapter_endorsement=chapter_endorsement,
            policy=policy,
            stage=Stage.APPLICATION,
            submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        EndorsementStep.objects.create(
            endorsement=endorsement,
            to_stage=Stage.APPLICATION,
            decided_by=endorsement.submitted_by,
            rule=_policy_rule(endorsement, "chapter application"),
            note=note[:2000],
        )
        audit.endorsement_event(actor=actor, endorsement=endorsement, action="applied")
    return endorsement


DOSSIER_FIELDS = (
    "one_on_one_notes",
    "forum_notes",
    "race_analysis",
    "win_number",
    "field_plan",
    "chapter_capacity",
)


def update_dossier(*, actor: Any, endorsement: Endorsement, **fields: Any) -> Endorsement:
    """Notes of the one-on-one and forum, and the dossier: race analysis, win number, field
    plan, chapter capacity."""
    _require(permissions.can_prepare(actor, endorsement))
    unknown = set(fields) - set(DOSSIER_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown dossier fields: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        endorsement = _lock(endorsement)
        if endorsement.is_closed:
            raise ValidationError("This endorsement is closed.")
        for name, value in fields.items():
            setattr(endorsement, name, value)
        endorsement.save()
        audit.endorsement_event(
            actor=actor, endorsement=endorsement, action="dossier_updated", fields=sorted(fields)
        )
    return endorsement


# Preflight and advancing ---------------------------------------------------------------------


def preflight(endorsement: Endorsement) -> list[str]:
    """What blocks leaving the current stage; empty means the next step may be taken."""
    e, policy, problems = endorsement, endorsement.policy, []
    if e.stage == Stage.INTAKE and e.intake_method == "petition":
        have = e.signatures.count()
        if have < policy.petition_signatures:
            problems.append(
                f"The petition has {have} of {policy.petition_signatures} member signatures."
            )
    elif e.stage == Stage.QUESTIONNAIRE:
        if not QuestionnaireResponse.objects.filter(
            candidacy=e.candidacy, submitted_at__isnull=False
        ).exists():
            problems.append("The candidate has not returned the questionnaire.")
    elif e.stage == Stage.FORUM and not e.forum_notes.strip():
        problems.append("Record how the forum went.")
    elif e.stage == Stage.ONE_ON_ONE and not e.one_on_one_notes.strip():
        problems.append("Record the one-on-one.")
    elif e.stage == Stage.DOSSIER:
        for name, label in (
            ("race_analysis", "race analysis"),
            ("field_plan", "field plan"),
            ("chapter_capacity", "chapter capacity"),
        ):
            if not getattr(e, name).strip():
                problems.append(f"The dossier needs a {label}.")
        if not e.win_number:
            problems.append("The dossier needs a win number.")
    elif e.stage == Stage.ASSESSMENT:
        if e.committee_id is None:
            problems.append("Assign the assessing committee.")
        if not e.assessments.exists():
            problems.append("No committee member has written an assessment.")
        if e.committee_votes_for is None:
            problems.append("Record the committee's vote.")
        elif e.recommendation != Endorsement.Recommendation.ENDORSE:
            problems.append("The committee recommends against; close it as not endorsed.")
    elif e.stage == Stage.RECOMMENDATION and e.recommendation != Endorsement.Recommendation.ENDORSE:
        problems.append("The committee has not recommended endorsing.")
    elif e.stage == Stage.MEMBER_VOTE:
        problems.append("The member vote decides this step.")
    elif e.stage == Stage.RATIFICATION:
        problems.append("The national leadership ratifies or declines this step.")
    if e.candidacy.status in (Candidacy.Status.WITHDRAWN, Candidacy.Status.LOST):
        problems.append("The candidacy is over.")
    return problems


def advance_endorsement(*, actor: Any, endorsement: Endorsement, note: str = "") -> Endorsement:
    with transaction.atomic():
        endorsement = _lock(endorsement)
        _require(permissions.can_advance(actor, endorsement))
        problems = preflight(endorsement)
        target = next_stage(endorsement)
        if problems or target is None:
            raise ValidationError(problems or ["There is no next step."])
        return _move(
            endorsement,
            target,
            actor=actor,
            rule=_policy_rule(endorsement, f"{endorsement.get_stage_display()} completed"),
            note=note,
        )


def recommend(
    *, actor: Any, endorsement: Endorsement, recommendation: str, note: str = ""
) -> Endorsement:
    """The chapter's electoral committee recommends (chapter pipeline)."""
    _require(permissions.can_manage(actor, endorsement))
    if recommendation not in (
        Endorsement.Recommendation.ENDORSE,
        Endorsement.Recommendation.DO_NOT_ENDORSE,
    ):
        raise ValidationError("Recommend endorsing or not endorsing.")
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.RECOMMENDATION)
        endorsement.recommendation = recommendation
        endorsement.save()
        audit.endorsement_event(
            actor=actor,
            endorsement=endorsement,
            action="recommended",
            recommendation=recommendation,
        )
    return endorsement


def decline_endorsement(*, actor: Any, endorsement: Endorsement, reason: str) -> Endorsement:
    """Close an endorsement in progress as not endorsed (e.g. after a negative recommendation)."""
    _require(permissions.can_manage(actor, endorsement))
    if not reason.strip():
        raise ValidationError("Say why.")
    with transaction.atomic():
        endorsement = _lock(endorsement)
        if endorsement.stage in (
            Stage.ENDORSED,
            Stage.SUSPENDED,
            Stage.RESCISSION_REQUESTED,
            *[Stage.NOT_ENDORSED, Stage.RESCINDED, Stage.WITHDRAWN],
        ):
            raise ValidationError("Only an endorsement in progress can be declined.")
        return _move(
            endorsement,
            Stage.NOT_ENDORSED,
            actor=actor,
            rule=_policy_rule(endorsement, "declined"),
            note=reason,
        )


# The committee --------------------------------------------------------------------------------


def create_committee(*, actor: Any, name: str, chapter: Chapter | None = None) -> Committee:
    _require(actor is None or roles.is_national_admin(actor))
    with transaction.atomic():
        committee = Committee.objects.create(name=name, chapter=chapter)
        audit.event("committee_created", actor=actor, target=committee)
    return committee


def add_seat(
    *, actor: Any, committee: Committee, body: str, tendency: str = "", holder: Any = None
) -> CommitteeSeat:
    """A seat allotted to a body and (optionally) a tendency; its holder becomes a member."""
    _require(actor is None or roles.is_national_admin(actor))
    with transaction.atomic():
        seat = CommitteeSeat.objects.create(
            committee=committee, body=body, tendency=tendency, holder=holder
        )
        if holder is not None:
            grant_role(actor=actor, user=holder, role=Role.COMMITTEE_MEMBER, scope_id=committee.pk)
        audit.event("committee_seat_added", actor=actor, target=seat, committee_id=committee.pk)
    return seat


def declare_tendency(
    *, actor: Any, committee: Committee, tendency: str
) -> TendencyAffiliation | None:
    """A committee member opts in to showing their tendency to the committee; blank opts out."""
    _require(permissions.is_on_committee(actor, committee.pk) and actor is not None)
    with transaction.atomic():
        TendencyAffiliation.objects.filter(committee=committee, user=actor).delete()
        affiliation = None
        if tendency.strip():
            affiliation = TendencyAffiliation.objects.create(
                committee=committee, user=actor, tendency=tendency.strip()[:120]
            )
        audit.event("tendency_declared", actor=actor, target=committee, opted_in=bool(affiliation))
    return affiliation


def assign_committee(*, actor: Any, endorsement: Endorsement, committee: Committee) -> Endorsement:
    _require(roles.is_national_admin(actor) if actor is not None else True)
    with transaction.atomic():
        endorsement = _lock(endorsement)
        endorsement.committee = committee
        endorsement.save()
        audit.endorsement_event(
            actor=actor,
            endorsement=endorsement,
            action="committee_assigned",
            committee_id=committee.pk,
        )
    return endorsement


def write_assessment(
    *, actor: Any, endorsement: Endorsement, text: str, recommendation: str
) -> Assessment:
    if not text.strip() or recommendation not in ("endorse", "do_not_endorse"):
        raise ValidationError("Write the assessment and say what you recommend.")
    with transaction.atomic():
        endorsement = _lock(endorsement)
        _require(
            actor is not None and permissions.is_on_committee(actor, endorsement.committee_id),
            "Only members of the assessing committee write assessments.",
        )
        if endorsement.stage != Stage.ASSESSMENT:
            raise ValidationError("The committee is not assessing this application.")
        assessment, _ = Assessment.objects.update_or_create(
            endorsement=endorsement,
            author=actor,
            defaults={"text": text.strip(), "recommendation": recommendation},
        )
        audit.endorsement_event(actor=actor, endorsement=endorsement, action="assessed")
    return assessment


def record_committee_vote(
    *, actor: Any, endorsement: Endorsement, votes_for: int, votes_against: int, abstentions: int
) -> Endorsement:
    """The committee's recorded vote; more for than against is a recommendation to endorse."""
    if min(votes_for, votes_against, abstentions) < 0:
        raise ValidationError("Votes cannot be negative.")
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.ASSESSMENT)
        _require(
            actor is None
            or roles.is_national_admin(actor)
            or permissions.is_on_committee(actor, endorsement.committee_id)
        )
        if endorsement.committee_id is None:
            raise ValidationError("Assign the assessing committee first.")
        seats = CommitteeSeat.objects.filter(committee_id=endorsement.committee_id).count()
        if votes_for + votes_against + abstentions > seats:
            raise ValidationError(f"The committee has {seats} seats.")
        endorsement.committee_votes_for = votes_for
        endorsement.committee_votes_against = votes_against
        endorsement.committee_abstentions = abstentions
        endorsement.recommendation = (
            Endorsement.Recommendation.ENDORSE
            if votes_for > votes_against
            else Endorsement.Recommendation.DO_NOT_ENDORSE
        )
        endorsement.save()
        audit.endorsement_event(
            actor=actor,
            endorsement=endorsement,
            action="committee_voted",
            votes_for=votes_for,
            votes_against=votes_against,
            abstentions=abstentions,
        )
    return endorsement


# Member votes ---------------------------------------------------------------------------------


def put_to_vote(*, actor: Any, endorsement: Endorsement) -> Ballot:
    """Create the democracy ballot (a chapter vote or a national referendum) for this step.
    Its notice, roll, opening and count then run in the democracy app."""
    _require(permissions.can_manage(actor, endorsement))
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.MEMBER_VOTE)
        if endorsement.ballot_id is not None:
            raise ValidationError("This endorsement is already on a ballot.")
        policy = endorsement.policy
        now = timezone.now()
        candidate = endorsement.candidacy.candidate
        national = endorsement.is_national
        ballot = democracy.create_ballot(
            actor=actor,
            title=f"{'Referendum' if national else 'Chapter vote'}: endorse {candidate.full_name}"[
                :200
            ],
            description=f"{endorsement.candidacy.race.office}. Threshold: "
            f"{Ballot.Threshold(policy.vote_threshold).label.lower()}; "
            f"{'binding' if policy.vote_is_binding else 'advisory'}.",
            kind=(
                (Ballot.Kind.REFERENDUM if policy.vote_is_binding else Ballot.Kind.ADVISORY_POLL)
                if national
                else Ballot.Kind.ENDORSEMENT
            ),
            method=Ballot.Method.YES_NO,
            options=[],
            threshold=policy.vote_threshold,
            chapter=None if national else endorsement.chapter,
            cutoff_on=timezone.localdate(now),
            opens_at=now,
            closes_at=now + timedelta(days=policy.vote_window_days),
            subject_type=SUBJECT,
            subject_id=str(endorsement.pk),
        )
        endorsement.ballot = ballot
        endorsement.save()
        audit.endorsement_event(
            actor=actor, endorsement=endorsement, action="put_to_vote", ballot_id=ballot.pk
        )
    return ballot


def apply_vote_result(*, endorsement: Endorsement, ballot: Ballot, passed: bool) -> Endorsement:
    """The certified result of the endorsement's ballot moves it on (called by the signal)."""
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.MEMBER_VOTE)
        if endorsement.ballot_id != ballot.pk:
            raise ValidationError("This is not the endorsement's ballot.")
        policy = endorsement.policy
        endorsement.vote_passed = passed
        rule = _policy_rule(
            endorsement,
            f"{'binding' if policy.vote_is_binding else 'advisory'} member vote, ballot "
            f"#{ballot.pk}, threshold {policy.vote_threshold}: "
            f"{'passed' if passed else 'did not pass'}",
        )
        if not passed and (policy.vote_is_binding or not policy.requires_ratification):
            return _move(endorsement, Stage.NOT_ENDORSED, actor=None, rule=rule)
        return _move(endorsement, next_stage(endorsement) or Stage.ENDORSED, actor=None, rule=rule)


def ratify_endorsement(
    *, actor: Any, endorsement: Endorsement, approve: bool, note: str = ""
) -> Endorsement:
    _require(
        actor is None or roles.is_national_admin(actor), "Only the national leadership ratifies."
    )
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.RATIFICATION)
        if approve:
            endorsement.ratified_at = timezone.now()
        return _move(
            endorsement,
            Stage.ENDORSED if approve else Stage.NOT_ENDORSED,
            actor=actor,
            rule=_policy_rule(endorsement, "ratification by the national leadership"),
            note=note,
        )


def on_result_certified(
    sender: Any, *, ballot: Ballot, subject_type: str, subject_id: str, passed: Any, **kwargs: Any
) -> None:
    """React to democracy's certified result. Runs after democracy's commit, so a ballot that no
    longer matches its endorsement (e.g. closed meanwhile) is logged and left alone."""
    if subject_type not in (SUBJECT, RESCISSION_SUBJECT) or passed is None:
        return
    endorsement = Endorsement.objects.filter(pk=int(subject_id)).first()
    if subject_type == SUBJECT:
        if endorsement is None or endorsement.ballot_id != ballot.pk:
            logger.warning("Certified ballot %s matches no endorsement awaiting it.", ballot.pk)
            return
        if endorsement.stage == Stage.MEMBER_VOTE:
            apply_vote_result(endorsement=endorsement, ballot=ballot, passed=bool(passed))
    else:
        if endorsement is None or endorsement.rescission_ballot_id != ballot.pk:
            logger.warning("Certified ballot %s matches no rescission awaiting it.", ballot.pk)
            return
        if endorsement.stage == Stage.RESCISSION_REQUESTED:
            apply_rescission_result(endorsement=endorsement, ballot=ballot, passed=bool(passed))


# After: conditions, suspension, rescission ----------------------------------------------------


def attach_condition(
    *, actor: Any, endorsement: Endorsement, text: str, due_on: Any = None
) -> Condition:
    _require(permissions.can_manage(actor, endorsement))
    if endorsement.stage not in (Stage.ENDORSED, Stage.RATIFICATION, Stage.MEMBER_VOTE):
        raise ValidationError("Conditions are attached to an endorsement being decided or made.")
    with transaction.atomic():
        condition = Condition.objects.create(
            endorsement=endorsement, text=text.strip()[:300], due_on=due_on
        )
        audit.endorsement_event(actor=actor, endorsement=endorsement, action="condition_attached")
    return condition


def review_condition(*, actor: Any, condition: Condition, status: str) -> Condition:
    _require(permissions.can_manage(actor, condition.endorsement))
    if status not in (Condition.Status.MET, Condition.Status.BREACHED):
        raise ValidationError("A reviewed condition is met or breached.")
    with transaction.atomic():
        condition.status = status
        condition.reviewed_at = timezone.now()
        condition.reviewed_by = actor if getattr(actor, "is_authenticated", False) else None
        condition.save()
        audit.endorsement_event(
            actor=actor,
            endorsement=condition.endorsement,
            action="condition_reviewed",
            status=status,
        )
    return condition


def suspend_endorsement(*, actor: Any, endorsement: Endorsement, reason: str) -> Endorsement:
    _require(permissions.can_manage(actor, endorsement))
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.ENDORSED)
        return _move(
            endorsement,
            Stage.SUSPENDED,
            actor=actor,
            rule=_policy_rule(endorsement, "suspension"),
            note=reason,
        )


def reinstate_endorsement(*, actor: Any, endorsement: Endorsement, note: str = "") -> Endorsement:
    _require(permissions.can_manage(actor, endorsement))
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.SUSPENDED, Stage.RESCISSION_REQUESTED)
        return _move(
            endorsement,
            Stage.ENDORSED,
            actor=actor,
            rule=_policy_rule(endorsement, "reinstated"),
            note=note,
        )


def request_rescission(*, actor: Any, endorsement: Endorsement, reason: str) -> Endorsement:
    _require(
        permissions.can_manage(actor, endorsement) or permissions.can_prepare(actor, endorsement)
    )
    if not reason.strip():
        raise ValidationError("Say why the endorsement should be rescinded.")
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.ENDORSED, Stage.SUSPENDED)
        return _move(
            endorsement,
            Stage.RESCISSION_REQUESTED,
            actor=actor,
            rule=_policy_rule(endorsement, "rescission request"),
            note=reason,
        )


def rescind_endorsement(*, actor: Any, endorsement: Endorsement, note: str = "") -> Endorsement:
    """Rescind by decision of the body that endorsed (no member vote)."""
    _require(permissions.can_manage(actor, endorsement))
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.RESCISSION_REQUESTED)
        if endorsement.rescission_ballot_id is not None:
            raise ValidationError("The rescission is before the members; their vote decides.")
        return _move(
            endorsement,
            Stage.RESCINDED,
            actor=actor,
            rule=_policy_rule(endorsement, "rescinded by decision"),
            note=note,
        )


def put_rescission_to_vote(*, actor: Any, endorsement: Endorsement) -> Ballot:
    _require(permissions.can_manage(actor, endorsement))
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.RESCISSION_REQUESTED)
        if endorsement.rescission_ballot_id is not None:
            raise ValidationError("The rescission is already on a ballot.")
        now = timezone.now()
        ballot = democracy.create_ballot(
            actor=actor,
            title=f"Rescind the endorsement of {endorsement.candidacy.candidate.full_name}"[:200],
            kind=Ballot.Kind.REFERENDUM if endorsement.is_national else Ballot.Kind.CHAPTER_VOTE,
            method=Ballot.Method.YES_NO,
            options=[],
            threshold=endorsement.policy.vote_threshold,
            chapter=None if endorsement.is_national else endorsement.chapter,
            cutoff_on=timezone.localdate(now),
            opens_at=now,
            closes_at=now + timedelta(days=endorsement.policy.vote_window_days),
            subject_type=RESCISSION_SUBJECT,
            subject_id=str(endorsement.pk),
        )
        endorsement.rescission_ballot = ballot
        endorsement.save()
        audit.endorsement_event(
            actor=actor,
            endorsement=endorsement,
            action="rescission_put_to_vote",
            ballot_id=ballot.pk,
        )
    return ballot


def apply_rescission_result(
    *, endorsement: Endorsement, ballot: Ballot, passed: bool
) -> Endorsement:
    with transaction.atomic():
        endorsement = _lock(endorsement, Stage.RESCISSION_REQUESTED)
        if endorsement.rescission_ballot_id != ballot.pk:
            raise ValidationError("This is not the rescission's ballot.")
        rule = _policy_rule(
            endorsement,
            f"rescission vote, ballot #{ballot.pk}: {'passed' if passed else 'did not pass'}",
        )
        endorsement.rescission_ballot = None if not passed else endorsement.rescission_ballot
        return _move(
            endorsement, Stage.RESCINDED if passed else Stage.ENDORSED, actor=None, rule=rule
        )


# The legal firewall ---------------------------------------------------------------------------


def set_coordination_mode(
    *, actor: Any, endorsement: Endorsement, mode: str, legal_entity: str = ""
) -> Endorsement:
    """Independent expenditure may become coordinated with the campaign, never the reverse:
    what the effort learned from the campaign cannot be unlearned."""
    _require(
        permissions.can_manage(actor, endorsement) or permissions.can_prepare(actor, endorsement)
    )
    if mode not in CoordinationMode.values:
        raise ValidationError("Unknown coordination mode.")
    with transaction.atomic():
        endorsement = _lock(endorsement)
        if endorsement.coordination_mode == CoordinationMode.COORDINATED:
            if mode == CoordinationMode.INDEPENDENT:
                raise FirewallViolation(
                    "A coordinated effort can never become an independent expenditure again."
                )
            raise ValidationError("Already coordinated.")
        if mode == CoordinationMode.INDEPENDENT:
            raise ValidationError("Already an independent expenditure.")
        endorsement.coordination_mode = CoordinationMode.COORDINATED
        endorsement.coordinated_at = timezone.now()
        endorsement.legal_entity = legal_entity.strip()[:120] or endorsement.legal_entity
        endorsement.save()
        audit.endorsement_event(actor=actor, endorsement=endorsement, action="coordinated")
    return endorsement


def share_campaign_data(*, actor: Any, source: Endorsement, target: Endorsement, what: str) -> None:
    """Hand lists or notes from one effort to another, unless that crosses the firewall."""
    _require(permissions.can_prepare(actor, source) and permissions.can_prepare(actor, target))
    if (
        source.coordination_mode == CoordinationMode.COORDINATED
        and target.coordination_mode == CoordinationMode.INDEPENDENT
    ):
        raise FirewallViolation(
            "Information from a coordinated campaign cannot flow into an independent expenditure."
        )
    with transaction.atomic():
        audit.endorsement_event(
            actor=actor,
            endorsement=target,
            action="data_shared",
            source_id=source.pk,
            what=what[:80],
        )


# Report cards ---------------------------------------------------------------------------------


def record_elected_vote(
    *,
    actor: Any,
    endorsement: Endorsement,
    plank: Any,
    measure: str,
    voted_on: Any,
    position: str,
    source_url: str = "",
) -> RecordedVote:
    """An endorsed candidate who won casts a vote in office; it joins their report card and
    becomes their stance on the plank (a vote outweighs a questionnaire answer)."""
    _require(permissions.can_manage(actor, endorsement))
    if position not in (Position.SUPPORTS, Position.PARTIAL, Position.OPPOSES):
        raise ValidationError("A recorded vote is for, partly for, or against the plank.")
    with transaction.atomic():
        endorsement = _lock(
            endorsement, Stage.ENDORSED, Stage.SUSPENDED, Stage.RESCISSION_REQUESTED
        )
        if endorsement.candidacy.status != Candidacy.Status.WON:
            raise ValidationError("Report cards are kept for endorsed candidates who won.")
        candidate = endorsement.candidacy.candidate
        vote = RecordedVote.objects.create(
            candidacy=endorsement.candidacy,
            plank=plank,
            measure=measure.strip()[:200],
            voted_on=voted_on,
            position=position,
            source_url=source_url,
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        program.record_stance(
            actor=actor,
            plank=plank,
            holder_type=Stance.HolderType.CANDIDATE,
            holder_id=candidate.pk,
            holder_name=candidate.full_name,
            position=position,
            source=Stance.Source.VOTE,
            source_detail=f"{vote.measure}, {voted_on:%d %b %Y}",
        )
    return vote
