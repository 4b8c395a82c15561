"""Reads of the coalition, always scoped to the reader. Out of scope is 404, never 403."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404

from bloc.accounts import selectors as roles
from bloc.coalition import deadlines
from bloc.coalition.models import (
    EXITS,
    PIPELINE,
    Commitment,
    Contract,
    F7Import,
    F7Notice,
    Interaction,
    Partner,
    PartnerContact,
    Relationship,
    SignOn,
    Statement,
)
from bloc.coalition.permissions import is_staff_organizer, liaison_partner_ids
from bloc.people.selectors import people_visible_to


def _get(qs: QuerySet[Any], pk: Any, what: str) -> Any:
    try:
        return qs.get(pk=int(pk))
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}.") from None


# Partners -----------------------------------------------------------------------------------


def partners_visible_to(actor: Any) -> QuerySet[Partner]:
    """Organizers and admins see every organization; a liaison only their own."""
    if not getattr(actor, "is_authenticated", False):
        return Partner.objects.none()
    if is_staff_organizer(actor):
        return Partner.objects.all()
    return Partner.objects.filter(pk__in=liaison_partner_ids(actor))


def partner_for(actor: Any, pk: Any) -> Partner:
    qs = partners_visible_to(actor).select_related(
        "parent", "relationship", "relationship__owner_chapter", "relationship__owner_user"
    )
    return _get(qs, pk, "partner")


def search_partners(
    actor: Any,
    *,
    query: str = "",
    kind: str = "",
    state: str = "",
    stage: str = "",
    tag: str = "",
) -> QuerySet[Partner]:
    qs = partners_visible_to(actor)
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(city__icontains=query))
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state__iexact=state)
    if stage:
        qs = qs.filter(relationship__stage=stage)
    if tag:
        qs = qs.filter(tags__name=tag)
    return (
        qs.select_related("parent", "relationship", "relationship__owner_chapter")
        .prefetch_related("tags")
        .distinct()
        .order_by("name")
    )


def contacts_for(actor: Any, partner: Partner) -> QuerySet[PartnerContact]:
    """The partner's own liaisons and admins see every contact; organizers those they may see
    as people, or all of them when their chapter owns the relationship."""
    qs = PartnerContact.objects.filter(partner=partner).select_related("person")
    if roles.is_national_admin(actor) or partner.pk in liaison_partner_ids(actor):
        return qs
    relationship = getattr(partner, "relationship", None)
    if relationship is not None and relationship.owner_chapter_id in roles.organized_chapter_ids(
        actor
    ):
        return qs
    return qs.filter(person__in=people_visible_to(actor))


def contact_for(actor: Any, partner: Partner, pk: Any) -> PartnerContact:
    return _get(contacts_for(actor, partner), pk, "contact")


# Relationships and interactions ---------------------------------------------------------------


def relationships_visible_to(actor: Any) -> QuerySet[Relationship]:
    """Admins see all; organizers those their chapters own; anyone those they own themselves."""
    if not getattr(actor, "is_authenticated", False):
        return Relationship.objects.none()
    if roles.is_national_admin(actor):
        return Relationship.objects.all()
    return Relationship.objects.filter(
        Q(owner_chapter_id__in=roles.organized_chapter_ids(actor)) | Q(owner_user=actor)
    )


def relationship_for(actor: Any, pk: Any) -> Relationship:
    qs = relationships_visible_to(actor).select_related("partner", "owner_chapter", "owner_user")
    return _get(qs, pk, "relationship")


@dataclass(frozen=True)
class BoardColumn:
    stage: str
    label: str
    relationships: list[Relationship]
    is_exit: bool


def board(actor: Any, *, chapter_id: int | None = None) -> list[BoardColumn]:
    qs = relationships_visible_to(actor).select_related("partner", "owner_chapter", "owner_user")
    if chapter_id is not None:
        qs = qs.filter(owner_chapter_id=chapter_id)
    by_stage: dict[str, list[Relationship]] = defaultdict(list)
    for relationship in qs.order_by("partner__name"):
        by_stage[relationship.stage].append(relationship)
    return [
        BoardColumn(stage.value, stage.label, by_stage.get(stage.value, []), stage in EXITS)
        for stage in [*PIPELINE, *EXITS]
    ]


def interactions_for(actor: Any, relationship: Relationship) -> QuerySet[Interaction]:
    visible = people_visible_to(actor)
    return (
        Interaction.objects.filter(relationship=relationship)
        .select_related("recorded_by")
        .prefetch_related(Prefetch("participants", queryset=visible, to_attr="visible_people"))
    )


def interaction_for(actor: Any, pk: Any) -> Interaction:
    qs = Interaction.objects.filter(relationship__in=relationships_visible_to(actor))
    return _get(qs.select_related("relationship", "relationship__partner"), pk, "interaction")


@dataclass(frozen=True)
class OwnerSteps:
    owner: str
    interactions: list[Interaction]


def overdue_next_steps(actor: Any, *, today: date) -> list[OwnerSteps]:
    """Open next steps past their due date, grouped by who owns the relationship."""
    qs = (
        Interaction.objects.filter(
            relationship__in=relationships_visible_to(actor),
            next_step_due_on__lt=today,
            next_step_done_at__isnull=True,
        )
        .select_related(
            "relationship__partner", "relationship__owner_chapter", "relationship__owner_user"
        )
        .order_by("next_step_due_on", "id")
    )
    groups: dict[str, list[Interaction]] = defaultdict(list)
    for interaction in qs:
        rel = interaction.relationship
        owner = str(rel.owner_user or rel.owner_chapter or "No owner")
        groups[owner].append(interaction)
    return [OwnerSteps(owner, items) for owner, items in sorted(groups.items())]


def relationship_counts_by_stage(actor: Any) -> list[tuple[str, int]]:
    counts = dict(
        relationships_visible_to(actor)
        .values_list("stage")
        .annotate(n=Count("id"))
        .values_list("stage", "n")
    )
    return [(stage.label, counts.get(stage.value, 0)) for stage in [*PIPELINE, *EXITS]]


# Contracts ------------------------------------------------------------------------------------


def contracts_visible_to(actor: Any) -> QuerySet[Contract]:
    """Organizers and admins see every contract; a liaison their organization's and its locals'."""
    if not getattr(actor, "is_authenticated", False):
        return Contract.objects.none()
    if is_staff_organizer(actor):
        return Contract.objects.all()
    ids = liaison_partner_ids(actor)
    return Contract.objects.filter(Q(union_local_id__in=ids) | Q(union_local__parent_id__in=ids))


def contract_for(actor: Any, pk: Any) -> Contract:
    return _get(contracts_visible_to(actor).select_related("union_local"), pk, "contract")


def search_contracts(
    actor: Any, *, aligned: bool | None = None, regime: str = ""
) -> QuerySet[Contract]:
    qs = contracts_visible_to(actor).select_related("union_local")
    if aligned is not None:
        qs = qs.filter(is_aligned=aligned)
    if regime:
        qs = qs.filter(regime=regime)
    return qs.order_by("expires_at", "id")


@dataclass(frozen=True)
class ContractTotals:
    contracts: int
    aligned: int
    workers: int
    aligned_workers: int


def contract_totals(actor: Any) -> ContractTotals:
    qs = contracts_visible_to(actor)
    totals = qs.aggregate(
        contracts=Count("id"),
        aligned=Count("id", filter=Q(is_aligned=True)),
        workers=Sum("unit_size"),
        aligned_workers=Sum("unit_size", filter=Q(is_aligned=True)),
    )
    return ContractTotals(
        contracts=totals["contracts"] or 0,
        aligned=totals["aligned"] or 0,
        workers=totals["workers"] or 0,
        aligned_workers=totals["aligned_workers"] or 0,
    )


@dataclass(frozen=True)
class UpcomingDeadline:
    deadline: deadlines.Deadline
    contract: Contract


def upcoming_deadlines(actor: Any, *, now: datetime, days: int = 365) -> list[UpcomingDeadline]:
    """Notice deadlines falling between now and `days` ahead, soonest first."""
    until = now + timedelta(days=days)
    # The longest notice period is 90 days, so later expirations cannot have a deadline in range.
    qs = contracts_visible_to(actor).filter(
        expires_at__gt=now, expires_at__lte=until + timedelta(days=91)
    )
    found = [
        UpcomingDeadline(deadline, contract)
        for contract in qs.select_related("union_local")
        for deadline in contract.deadlines()
        if now <= deadline.due_at <= until
    ]
    return sorted(found, key=lambda item: (item.deadline.due_at, item.contract.pk))


def f7_imports_visible_to(actor: Any) -> QuerySet[F7Import]:
    if roles.is_national_admin(actor):
        return F7Import.objects.all()
    return F7Import.objects.none()


def f7_import_for(actor: Any, pk: Any) -> F7Import:
    return _get(f7_imports_visible_to(actor), pk, "import")


def f7_notices_visible_to(actor: Any) -> QuerySet[F7Notice]:
    if is_staff_organizer(actor):
        return F7Notice.objects.select_related("partner")
    return F7Notice.objects.none()


# Commitments ----------------------------------------------------------------------------------


def commitments_visible_to(actor: Any) -> QuerySet[Commitment]:
    if not getattr(actor, "is_authenticated", False):
        return Commitment.objects.none()
    if roles.is_national_admin(actor):
        return Commitment.objects.all()
    chapter_ids = roles.organized_chapter_ids(actor)
    return Commitment.objects.filter(
        Q(partner_id__in=liaison_partner_ids(actor))
        | Q(chapter_id__in=chapter_ids)
        | Q(partner__relationship__owner_chapter_id__in=chapter_ids)
        | Q(person__in=people_visible_to(actor).filter(chapter_id__in=chapter_ids))
    )


def commitment_for(actor: Any, pk: Any) -> Commitment:
    qs = commitments_visible_to(actor).select_related("partner", "person", "chapter")
    return _get(qs, pk, "commitment")


def commitment_counts(actor: Any) -> dict[str, int]:
    qs = commitments_visible_to(actor)
    return {
        "total": qs.count(),
        "fulfilled": qs.filter(state=Commitment.State.FULFILLED).count(),
        "open": qs.filter(
            state__in=[
                Commitment.State.PROPOSED,
                Commitment.State.ASKED,
                Commitment.State.VERBAL,
                Commitment.State.FORMALIZED,
            ]
        ).count(),
    }


# Sign-ons ---------------------------------------------------------------------------------------


def statement_for_public(slug: str) -> Statement:
    """Statements and their confirmed signers are public by design (the sign-on wall)."""
    try:
        return Statement.objects.get(slug=slug)
    except Statement.DoesNotExist:
        raise Http404("No such statement.") from None


def public_signers(statement: Statement) -> dict[str, list[SignOn]]:
    """Confirmed, not withdrawn signatures by tier: national first, then local."""
    tiers: dict[str, list[SignOn]] = {"national": [], "local": []}
    qs = SignOn.objects.filter(statement=statement, status=SignOn.Status.CONFIRMED)
    for sign_on in qs.select_related("partner", "signer").order_by("partner__name"):
        tiers[sign_on.tier].append(sign_on)
    return tiers


def sign_ons_visible_to(actor: Any) -> QuerySet[SignOn]:
    """Organizers and admins see every signature and its history; a liaison their own."""
    if not getattr(actor, "is_authenticated", False):
        return SignOn.objects.none()
    if is_staff_organizer(actor):
        return SignOn.objects.all()
    return SignOn.objects.filter(partner_id__in=liaison_partner_ids(actor))


def sign_on_for(actor: Any, pk: Any) -> SignOn:
    qs = sign_ons_visible_to(actor).select_related("partner", "statement", "signer")
    return _get(qs, pk, "signature")
