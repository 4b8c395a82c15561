"""Reads of the coalition, always scoped to the reader. Out of scope is 404, never 403."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role, RoleAssignment, User
from bloc.coalition import audit, deadlines
from bloc.coalition.models import (
    EXITS,
    PIPELINE,
    Commitment,
    Contract,
    DataSharingAgreement,
    F7Import,
    F7Notice,
    Interaction,
    Partner,
    PartnerContact,
    Relationship,
    SignOn,
    Statement,
)
from bloc.coalition.permissions import (
    can_receive_shared_data,
    is_staff_organizer,
    liaison_partner_ids,
)
from bloc.core.registry import SharedDataSource, shared_data
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


# Data-sharing agreements ----------------------------------------------------------------------


def agreements_visible_to(actor: Any) -> QuerySet[DataSharingAgreement]:
    """Admins see every agreement; a liaison their own organization's; nobody else any."""
    if not getattr(actor, "is_authenticated", False):
        return DataSharingAgreement.objects.none()
    if roles.is_national_admin(actor):
        return DataSharingAgreement.objects.all()
    return DataSharingAgreement.objects.filter(partner_id__in=liaison_partner_ids(actor))


def agreement_for(actor: Any, pk: Any) -> DataSharingAgreement:
    return _get(agreements_visible_to(actor).select_related("partner"), pk, "agreement")


def partner_liaisons(partner: Partner) -> QuerySet[Any]:
    """Users holding the partner-liaison role for this organization now."""
    holders = RoleAssignment.objects.active().filter(role=Role.PARTNER_LIAISON, scope_id=partner.pk)
    return User.objects.filter(pk__in=holders.values("user_id")).order_by("pk")


def active_agreements(partner: Partner, *, on: date) -> QuerySet[DataSharingAgreement]:
    """Agreements in force on a day: started, not ended (the end date included), not revoked."""
    return DataSharingAgreement.objects.filter(
        partner=partner, revoked_at__isnull=True, starts_on__lte=on, ends_on__gte=on
    ).order_by("starts_on", "id")


def active_agreement_kinds(partner: Partner, *, on: date) -> list[str]:
    """The registered data kinds an active agreement covers on that day, in registry order."""
    covered = {kind for agreement in active_agreements(partner, on=on) for kind in agreement.kinds}
    return [key for key, _ in shared_data if key in covered]


@dataclass(frozen=True)
class SharedKind:
    key: str
    source: SharedDataSource
    agreements: list[DataSharingAgreement]


def shared_kinds_for(actor: Any, partner: Partner) -> list[SharedKind]:
    """What the actor may read of the partner's shared data today, with the agreements behind it.

    Out of scope (not an admin, not the partner's liaison) is a 404 like any other reach."""
    if not can_receive_shared_data(actor, partner):
        raise Http404("Not found.")
    agreements = list(active_agreements(partner, on=timezone.localdate()))
    return [
        SharedKind(key, source, [a for a in agreements if key in a.kinds])
        for key, source in shared_data
        if any(key in a.kinds for a in agreements)
    ]


@dataclass(frozen=True)
class SharedRows:
    key: str
    label: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]
    agreements: list[DataSharingAgreement]


def shared_rows_for(actor: Any, partner: Partner, kind: str, *, how: str = "viewed") -> SharedRows:
    """The rows of one kind the partner may receive today, or 404.

    Only a national admin or the partner's liaison, only while an agreement covering the kind is
    active (starts_on <= today <= ends_on, not revoked). Reading is audited here, so no page or
    export can show shared rows without a trace: partner, kind and count, never the values."""
    if how not in ("viewed", "exported"):
        raise ValueError(f"Shared rows are viewed or exported, not {how!r}.")
    found = {k.key: k for k in shared_kinds_for(actor, partner)}
    if kind not in found:
        raise Http404("Nothing of that kind is shared with this organization.")
    shared = found[kind]
    since = min(a.starts_on for a in shared.agreements)
    until = timezone.localdate()
    rows = [
        {column: row.get(column) for column in shared.source.columns}
        for row in shared.source.rows(partner.pk, since, until)
    ]
    audit.shared_data_read(actor=actor, partner_id=partner.pk, kind=kind, count=len(rows), how=how)
    return SharedRows(kind, shared.source.label, shared.source.columns, rows, shared.agreements)


@dataclass(frozen=True)
class ExpiryMonth:
    #: The first day of the month, in each contract's own time zone.
    month: date
    contracts: int
    workers: int


def contract_expirations_by_month(
    actor: Any, *, start: date, months: int = 18
) -> list[ExpiryMonth]:
    """Contracts expiring in each month from `start`'s, with the workers they cover."""
    first = date(start.year, start.month, 1)
    index = first.year * 12 + first.month - 1 + months
    after = date(index // 12, index % 12 + 1, 1)
    window = contracts_visible_to(actor).filter(
        expires_at__gte=timezone.make_aware(datetime.combine(first, time.min)) - timedelta(days=1),
        expires_at__lt=timezone.make_aware(datetime.combine(after, time.min)) + timedelta(days=1),
    )
    totals: dict[date, list[int]] = {}
    for expires_at, zone_name, size in window.values_list("expires_at", "time_zone", "unit_size"):
        local = expires_at.astimezone(deadlines.zone(zone_name)).date()
        if first <= local < after:
            bucket = totals.setdefault(date(local.year, local.month, 1), [0, 0])
            bucket[0] += 1
            bucket[1] += size
    result = []
    for i in range(months):
        at = first.year * 12 + first.month - 1 + i
        month = date(at // 12, at % 12 + 1, 1)
        contracts, workers = totals.get(month, [0, 0])
        result.append(ExpiryMonth(month, contracts, workers))
    return result


@dataclass(frozen=True)
class CalendarItem:
    on: date
    #: "expires" or a notice deadline's label.
    label: str
    contract: Contract
    is_expiry: bool


def contract_dates_between(actor: Any, *, first: date, last: date) -> list[CalendarItem]:
    """Expirations and notice deadlines falling on local dates first..last (the month view)."""
    # Notice periods are at most 90 days: later expirations have no deadline in the range.
    qs = contracts_visible_to(actor).filter(
        expires_at__gte=timezone.make_aware(datetime.combine(first, time.min)) - timedelta(days=1),
        expires_at__lt=timezone.make_aware(datetime.combine(last, time.max)) + timedelta(days=92),
    )
    items = []
    for contract in qs.select_related("union_local"):
        zone = deadlines.zone(contract.time_zone)
        expires_on = contract.expires_at.astimezone(zone).date()
        if first <= expires_on <= last:
            items.append(CalendarItem(expires_on, "Contract expires", contract, True))
        for deadline in contract.deadlines():
            due_on = deadline.due_at.astimezone(zone).date()
            if first <= due_on <= last:
                items.append(CalendarItem(due_on, deadline.label, contract, False))
    return sorted(items, key=lambda item: (item.on, not item.is_expiry, item.contract.pk))
