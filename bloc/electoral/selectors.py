"""Reads of electoral work, scoped to the reader. Views never fetch by raw id."""

from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.electoral import permissions
from bloc.electoral.models import (
    Committee,
    Endorsement,
    QuestionnaireResponse,
    Race,
    Stage,
    TendencyAffiliation,
)
from bloc.program import selectors as program
from bloc.program.models import Stance

LIVE = ~Q(stage__in=[Stage.RESCINDED, Stage.NOT_ENDORSED, Stage.WITHDRAWN])


def endorsements_visible_to(actor: Any) -> QuerySet[Endorsement]:
    """Admins: all. Organizers: their chapter's (incl. its national applications). Committee
    members: the applications their committee assesses."""
    qs = Endorsement.objects.select_related(
        "candidacy__candidate", "candidacy__race__election", "chapter", "policy", "committee"
    )
    if not getattr(actor, "is_authenticated", False):
        return qs.none()
    if roles.is_national_admin(actor):
        return qs
    return qs.filter(
        Q(chapter_id__in=roles.organized_chapter_ids(actor))
        | Q(committee_id__in=permissions.committee_ids(actor))
    )


def endorsement_for(actor: Any, pk: Any) -> Endorsement:
    try:
        return endorsements_visible_to(actor).get(pk=int(pk))
    except (Endorsement.DoesNotExist, ValueError, TypeError):
        raise Http404("No such endorsement.") from None


def committee_for(actor: Any, pk: Any) -> Committee:
    """Only the committee's own members see it (and its members' tendencies)."""
    try:
        committee = Committee.objects.get(pk=int(pk))
    except (Committee.DoesNotExist, ValueError, TypeError):
        raise Http404("No such committee.") from None
    if not permissions.is_on_committee(actor, committee.pk) or actor is None:
        raise Http404("No such committee.")
    return committee


def tendencies_visible_to(actor: Any, committee: Committee) -> QuerySet[TendencyAffiliation]:
    if actor is None or not permissions.is_on_committee(actor, committee.pk):
        return TendencyAffiliation.objects.none()
    return TendencyAffiliation.objects.filter(committee=committee).select_related("user")


def latest_response(endorsement: Endorsement) -> QuestionnaireResponse | None:
    return (
        QuestionnaireResponse.objects.filter(candidacy=endorsement.candidacy)
        .select_related("questionnaire")
        .order_by("-submitted_at", "-sent_at")
        .first()
    )


def alignment_of(endorsement: Endorsement) -> program.Alignment:
    return program.alignment(Stance.HolderType.CANDIDATE, endorsement.candidacy.candidate_id)


def pipeline_counts(actor: Any) -> list[tuple[str, int]]:
    counts = dict(
        endorsements_visible_to(actor).values_list("stage").annotate(n=Count("id")).order_by()
    )
    return [(label, counts.get(value, 0)) for value, label in Stage.choices]


def deadlines_at_risk(actor: Any, *, today: date | None = None) -> list[dict[str, Any]]:
    """Live endorsements whose race has a filing or application deadline within the policy's
    warning window (soonest first)."""
    today = today or timezone.localdate()
    horizon = today + timedelta(days=90)
    rows = []
    for e in (
        endorsements_visible_to(actor)
        .filter(LIVE)
        .exclude(stage=Stage.ENDORSED)
        .filter(
            Q(candidacy__race__filing_deadline_on__range=(today, horizon))
            | Q(candidacy__race__application_deadline_on__range=(today, horizon))
        )
    ):
        race = e.candidacy.race
        for label, day in (
            ("Filing", race.filing_deadline_on),
            ("Endorsement application", race.application_deadline_on),
        ):
            if day is not None and 0 <= (day - today).days <= e.policy.warn_days_ahead:
                rows.append(
                    {"endorsement": e, "label": label, "on": day, "days": (day - today).days}
                )
    return sorted(rows, key=lambda r: r["on"])


def slate(cycle: int) -> list[dict[str, Any]]:
    """Public: endorsed candidacies of a cycle with race, dates and plank alignment."""
    endorsements = list(
        Endorsement.objects.filter(stage=Stage.ENDORSED, candidacy__race__election__cycle=cycle)
        .select_related("candidacy__candidate", "candidacy__race__election", "chapter")
        .order_by("scope", "candidacy__race__state", "candidacy__race__office")
    )
    scores = program.alignments(
        Stance.HolderType.CANDIDATE, sorted({e.candidacy.candidate_id for e in endorsements})
    )
    by_candidacy: dict[int, dict[str, Any]] = {}
    for e in endorsements:
        entry = by_candidacy.setdefault(
            e.candidacy_id,
            {
                "candidacy": e.candidacy,
                "race": e.candidacy.race,
                "candidate": e.candidacy.candidate,
                "alignment": scores[e.candidacy.candidate_id],
                "national": False,
                "chapters": [],
            },
        )
        if e.is_national:
            entry["national"] = True
        else:
            entry["chapters"].append(e.chapter.name)
    return sorted(by_candidacy.values(), key=lambda r: (not r["national"], r["race"].state))


def slate_cycles() -> list[int]:
    return sorted(
        set(
            Endorsement.objects.filter(stage=Stage.ENDORSED).values_list(
                "candidacy__race__election__cycle", flat=True
            )
        ),
        reverse=True,
    )


def races_for(actor: Any) -> QuerySet[Race]:
    return Race.objects.select_related("election").order_by("-election__cycle", "state", "office")


def report_card(candidacy_id: Any) -> dict[str, Any]:
    """Public: the recorded votes of an elected the organization endorses, against the planks."""
    try:
        endorsement = (
            Endorsement.objects.filter(
                candidacy_id=int(candidacy_id),
                candidacy__status="won",
                stage__in=[Stage.ENDORSED, Stage.SUSPENDED, Stage.RESCISSION_REQUESTED],
            )
            .select_related("candidacy__candidate", "candidacy__race__election")
            .order_by("-scope")
            .first()
        )
    except (ValueError, TypeError):
        endorsement = None
    if endorsement is None:
        raise Http404("No report card.")
    candidacy = endorsement.candidacy
    votes = list(candidacy.votes.select_related("plank"))
    against = [v for v in votes if v.position == "opposes"]
    return {
        "candidacy": candidacy,
        "votes": votes,
        "against": len(against),
        "alignment": program.alignment(Stance.HolderType.CANDIDATE, candidacy.candidate_id),
    }
