"""The only write path for the coalition: one transaction and one audit event per call."""

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.accounts.models import Role
from bloc.coalition import audit, deadlines
from bloc.coalition.models import (
    Commitment,
    Contract,
    DataSharingAgreement,
    Interaction,
    Partner,
    PartnerContact,
    Relationship,
    SignOn,
    Stage,
    StageChange,
    Statement,
    Tag,
)
from bloc.core.registry import shared_data
from bloc.people.models import Chapter, Person

PARTNER_FIELDS = {
    "name",
    "kind",
    "parent",
    "size",
    "naics_code",
    "city",
    "state",
    "zip_code",
    "website",
    "description",
}
UNION_KINDS = {Partner.Kind.UNION_LOCAL, Partner.Kind.INTERNATIONAL_UNION}


def _check_parent(partner: Partner) -> None:
    seen = {partner.pk} if partner.pk else set()
    parent = partner.parent
    while parent is not None:
        if parent.pk in seen:
            raise ValidationError("An organization cannot sit under itself.")
        seen.add(parent.pk)
        parent = parent.parent


def _set_tags(partner: Partner, names: Iterable[str]) -> None:
    clean = sorted({n.strip()[:60] for n in names if n.strip()})
    partner.tags.set([Tag.objects.get_or_create(name=n)[0] for n in clean])


def _validate(obj: Any, exclude: list[str] | None = None) -> None:
    obj.full_clean(exclude=exclude)


@transaction.atomic
def create_partner(
    *,
    actor: Any,
    name: str,
    kind: str,
    parent: Partner | None = None,
    size: int | None = None,
    naics_code: str = "",
    city: str = "",
    state: str = "",
    zip_code: str = "",
    website: str = "",
    description: str = "",
    tags: Iterable[str] = (),
    owner_chapter: Chapter | None = None,
    owner_user: Any = None,
) -> Partner:
    """A new partner organization and our relationship with it, starting at 'identified'."""
    partner = Partner(
        name=name.strip(),
        kind=kind,
        parent=parent,
        size=size,
        naics_code=naics_code,
        city=city,
        state=state.upper(),
        zip_code=zip_code,
        website=website,
        description=description,
    )
    _validate(partner)
    partner.save()
    _set_tags(partner, tags)
    now = timezone.now()
    relationship = Relationship.objects.create(
        partner=partner, owner_chapter=owner_chapter, owner_user=owner_user, stage_changed_at=now
    )
    StageChange.objects.create(
        relationship=relationship,
        from_stage="",
        to_stage=relationship.stage,
        changed_at=now,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.partner_created(actor=actor, partner=partner)
    return partner


@transaction.atomic
def update_partner(
    *, actor: Any, partner: Partner, tags: Iterable[str] | None = None, **changes: Any
) -> Partner:
    unknown = set(changes) - PARTNER_FIELDS
    if unknown:
        raise ValueError(f"Not partner fields: {sorted(unknown)}")
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    for field, value in changes.items():
        setattr(partner, field, value)
    if "state" in changes:
        partner.state = partner.state.upper()
    _check_parent(partner)
    _validate(partner)
    partner.save()
    fields = list(changes)
    if tags is not None:
        before = set(partner.tags.values_list("name", flat=True))
        _set_tags(partner, tags)
        if set(partner.tags.values_list("name", flat=True)) != before:
            fields.append("tags")
    audit.partner_updated(actor=actor, partner=partner, fields=fields)
    return partner


@transaction.atomic
def add_contact(
    *, actor: Any, partner: Partner, person: Person, role: str, is_officer: bool = False
) -> PartnerContact:
    if PartnerContact.objects.filter(partner=partner, person=person, role=role).exists():
        raise ValidationError("This person already holds that role here.")
    contact = PartnerContact.objects.create(
        partner=partner, person=person, role=role.strip(), is_officer=is_officer
    )
    audit.contact_added(actor=actor, contact=contact)
    return contact


@transaction.atomic
def remove_contact(*, actor: Any, contact: PartnerContact) -> None:
    partner, person_id = contact.partner, contact.person_id
    contact.delete()
    audit.contact_removed(actor=actor, partner=partner, person_id=person_id)


@transaction.atomic
def assign_relationship_owner(
    *, actor: Any, relationship: Relationship, chapter: Chapter | None, user: Any = None
) -> Relationship:
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    relationship.owner_chapter = chapter
    relationship.owner_user = user
    relationship.save(update_fields=["owner_chapter", "owner_user", "updated_at"])
    audit.partner_updated(actor=actor, partner=relationship.partner, fields=["owner"])
    return relationship


@transaction.atomic
def move_stage(*, actor: Any, relationship: Relationship, to_stage: str) -> Relationship:
    """Move a relationship to any stage (forward, back, or out); each move is kept in history."""
    if to_stage not in Stage.values:
        raise ValidationError(f"Unknown stage {to_stage!r}.")
    relationship = Relationship.objects.select_for_update().get(pk=relationship.pk)
    from_stage = relationship.stage
    if from_stage == to_stage:
        raise ValidationError("The relationship is already at that stage.")
    now = timezone.now()
    relationship.stage = to_stage
    relationship.stage_changed_at = now
    relationship.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    StageChange.objects.create(
        relationship=relationship,
        from_stage=from_stage,
        to_stage=to_stage,
        changed_at=now,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.stage_moved(actor=actor, relationship=relationship, from_stage=from_stage)
    return relationship


@transaction.atomic
def log_interaction(
    *,
    actor: Any,
    relationship: Relationship,
    occurred_on: date,
    channel: str,
    summary: str,
    asks: str = "",
    next_step: str = "",
    next_step_due_on: date | None = None,
    participants: Iterable[Person] = (),
) -> Interaction:
    if next_step_due_on is not None and not next_step.strip():
        raise ValidationError("A due date needs a next step to go with it.")
    if occurred_on > timezone.localdate():
        raise ValidationError("An interaction cannot be logged for a future date.")
    interaction = Interaction(
        relationship=relationship,
        occurred_on=occurred_on,
        channel=channel,
        summary=summary,
        asks=asks,
        next_step=next_step.strip(),
        next_step_due_on=next_step_due_on,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(interaction, exclude=["participants"])
    interaction.save()
    interaction.participants.set(list(participants))
    audit.interaction_logged(actor=actor, interaction=interaction)
    return interaction


@transaction.atomic
def complete_next_step(*, actor: Any, interaction: Interaction) -> Interaction:
    interaction = Interaction.objects.select_for_update().get(pk=interaction.pk)
    if not interaction.next_step:
        raise ValidationError("This interaction has no next step.")
    if interaction.next_step_done_at is not None:
        raise ValidationError("This next step is already done.")
    interaction.next_step_done_at = timezone.now()
    interaction.save(update_fields=["next_step_done_at"])
    audit.next_step_done(actor=actor, interaction=interaction)
    return interaction


CONTRACT_FIELDS = {
    "union_local",
    "employer",
    "unit_name",
    "unit_size",
    "naics_code",
    "regime",
    "effective_at",
    "expires_at",
    "time_zone",
    "bargaining_state",
    "alignment_stage",
}


def _check_contract(contract: Contract) -> None:
    try:
        deadlines.zone(contract.time_zone)
    except ValueError as exc:
        raise ValidationError({"time_zone": str(exc)}) from None
    if contract.union_local.kind not in UNION_KINDS:
        raise ValidationError({"union_local": "A contract belongs to a union or union local."})
    for field in ("expires_at", "effective_at"):
        value: datetime | None = getattr(contract, field)
        if value is not None and value.tzinfo is None:
            raise ValidationError({field: "The date-time must carry a time zone."})
    _validate(contract)


@transaction.atomic
def record_contract(*, actor: Any, **fields: Any) -> Contract:
    unknown = set(fields) - CONTRACT_FIELDS
    if unknown:
        raise ValueError(f"Not contract fields: {sorted(unknown)}")
    contract = Contract(**fields)
    _check_contract(contract)
    contract.save()
    audit.contract_saved(actor=actor, contract=contract, created=True, fields=list(fields))
    return contract


@transaction.atomic
def update_contract(*, actor: Any, contract: Contract, **changes: Any) -> Contract:
    unknown = set(changes) - CONTRACT_FIELDS
    if unknown:
        raise ValueError(f"Not contract fields: {sorted(unknown)}")
    contract = Contract.objects.select_for_update().get(pk=contract.pk)
    for field, value in changes.items():
        setattr(contract, field, value)
    _check_contract(contract)
    contract.save()
    audit.contract_saved(actor=actor, contract=contract, created=False, fields=list(changes))
    return contract


COMMITMENT_STEPS = [
    Commitment.State.PROPOSED,
    Commitment.State.ASKED,
    Commitment.State.VERBAL,
    Commitment.State.FORMALIZED,
    Commitment.State.FULFILLED,
]
COMMITMENT_EXITS = [
    Commitment.State.PARTIALLY_FULFILLED,
    Commitment.State.BROKEN,
    Commitment.State.WITHDRAWN,
]
_STEP_STAMP = {
    Commitment.State.ASKED: "asked_at",
    Commitment.State.VERBAL: "verbal_at",
    Commitment.State.FORMALIZED: "formalized_at",
}


def commitment_moves(state: str) -> list[str]:
    """The states a commitment may move to from `state`: any later step, or an exit."""
    if state not in COMMITMENT_STEPS or state == Commitment.State.FULFILLED:
        return []
    later = COMMITMENT_STEPS[COMMITMENT_STEPS.index(Commitment.State(state)) + 1 :]
    return [s.value for s in [*later, *COMMITMENT_EXITS]]


@transaction.atomic
def make_commitment(
    *,
    actor: Any,
    kind: str,
    description: str,
    partner: Partner | None = None,
    person: Person | None = None,
    chapter: Chapter | None = None,
    target: int | None = None,
    evidence_url: str = "",
) -> Commitment:
    if sum(x is not None for x in (partner, person, chapter)) != 1:
        raise ValidationError("A commitment is made by exactly one partner, person or chapter.")
    commitment = Commitment(
        partner=partner,
        person=person,
        chapter=chapter,
        kind=kind,
        description=description.strip(),
        target=target,
        evidence_url=evidence_url,
        proposed_at=timezone.now(),
    )
    _validate(commitment)
    commitment.save()
    audit.commitment_saved(actor=actor, commitment=commitment, from_state="")
    return commitment


@transaction.atomic
def advance_commitment(
    *,
    actor: Any,
    commitment: Commitment,
    to_state: str,
    fulfilled_count: int | None = None,
    evidence_url: str | None = None,
) -> Commitment:
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    from_state = commitment.state
    if to_state not in commitment_moves(from_state):
        raise ValidationError(
            f"A commitment cannot move from {from_state.replace('_', ' ')} "
            f"to {to_state.replace('_', ' ')}."
        )
    if to_state == Commitment.State.FORMALIZED and not (evidence_url or commitment.evidence_url):
        raise ValidationError("A formalized commitment needs a link to its evidence.")
    now = timezone.now()
    commitment.state = to_state
    stamp = _STEP_STAMP.get(Commitment.State(to_state))
    if stamp:
        setattr(commitment, stamp, now)
    else:
        commitment.closed_at = now
    if fulfilled_count is not None:
        commitment.fulfilled_count = fulfilled_count
    if evidence_url:
        commitment.evidence_url = evidence_url
    commitment.save()
    audit.commitment_saved(actor=actor, commitment=commitment, from_state=from_state)
    return commitment


PARTNER_EXPORT_COLUMNS = (
    "id",
    "name",
    "kind",
    "parent",
    "size",
    "naics_code",
    "city",
    "state",
    "zip_code",
    "website",
    "tags",
    "stage",
)
CONTRACT_EXPORT_COLUMNS = (
    "id",
    "union",
    "employer",
    "unit_name",
    "unit_size",
    "naics_code",
    "regime",
    "expires_at_local",
    "time_zone",
    "is_aligned",
    "bargaining_state",
    "alignment_stage",
)


def export_partners(*, actor: Any) -> Any:
    """Rows of the organizations the actor may see, spreadsheet-safe; the export is audited."""
    from bloc.coalition.selectors import search_partners
    from bloc.core.csvsafe import safe_cell

    partners = search_partners(actor)
    audit.exported(actor=actor, what="partners", count=partners.count())

    def rows() -> Any:
        yield list(PARTNER_EXPORT_COLUMNS)
        for p in partners:
            relationship = getattr(p, "relationship", None)
            yield [
                safe_cell(v)
                for v in (
                    p.pk,
                    p.name,
                    p.kind,
                    p.parent.name if p.parent else "",
                    p.size,
                    p.naics_code,
                    p.city,
                    p.state,
                    p.zip_code,
                    p.website,
                    ", ".join(t.name for t in p.tags.all()),
                    relationship.stage if relationship else "",
                )
            ]

    return rows()


def export_contracts(*, actor: Any) -> Any:
    from bloc.coalition.selectors import search_contracts
    from bloc.core.csvsafe import safe_cell

    contracts = search_contracts(actor)
    audit.exported(actor=actor, what="contracts", count=contracts.count())

    def rows() -> Any:
        yield list(CONTRACT_EXPORT_COLUMNS)
        for c in contracts:
            yield [
                safe_cell(v)
                for v in (
                    c.pk,
                    c.union_local.name,
                    c.employer,
                    c.unit_name,
                    c.unit_size,
                    c.naics_code,
                    c.regime,
                    c.local_expires_at.isoformat(),
                    c.time_zone,
                    "yes" if c.is_aligned else "no",
                    c.bargaining_state,
                    c.alignment_stage,
                )
            ]

    return rows()


@transaction.atomic
def create_statement(*, actor: Any, title: str, slug: str, text: str) -> Statement:
    statement = Statement(title=title.strip(), slug=slug, text=text)
    _validate(statement)
    statement.save()
    audit.statement_created(actor=actor, statement=statement)
    return statement


@transaction.atomic
def sign_statement(*, actor: Any, statement: Statement, partner: Partner, signer: Person) -> SignOn:
    """Sign for an organization: the signer must be one of its officers on record."""
    if not statement.is_open:
        raise ValidationError("This statement is closed to new signatures.")
    office = (
        PartnerContact.objects.filter(partner=partner, person=signer, is_officer=True)
        .order_by("id")
        .first()
    )
    if office is None:
        raise ValidationError("The signer must be an officer of the organization on record.")
    if SignOn.objects.filter(statement=statement, partner=partner, withdrawn_at__isnull=True):
        raise ValidationError("This organization has already signed.")
    sign_on = SignOn.objects.create(
        statement=statement,
        partner=partner,
        signer=signer,
        signer_title=office.role,
        signed_at=timezone.now(),
    )
    audit.sign_on_changed(actor=actor, sign_on=sign_on)
    return sign_on


@transaction.atomic
def confirm_signer_authority(*, actor: Any, sign_on: SignOn) -> SignOn:
    sign_on = SignOn.objects.select_for_update().get(pk=sign_on.pk)
    if sign_on.status != SignOn.Status.PENDING:
        raise ValidationError("Only a signature awaiting confirmation can be confirmed.")
    sign_on.status = SignOn.Status.CONFIRMED
    sign_on.confirmed_at = timezone.now()
    sign_on.confirmed_by = actor if getattr(actor, "is_authenticated", False) else None
    sign_on.save(update_fields=["status", "confirmed_at", "confirmed_by"])
    audit.sign_on_changed(actor=actor, sign_on=sign_on)
    return sign_on


@transaction.atomic
def withdraw_sign_on(*, actor: Any, sign_on: SignOn) -> SignOn:
    sign_on = SignOn.objects.select_for_update().get(pk=sign_on.pk)
    if sign_on.status == SignOn.Status.WITHDRAWN:
        raise ValidationError("This signature is already withdrawn.")
    sign_on.status = SignOn.Status.WITHDRAWN
    sign_on.withdrawn_at = timezone.now()
    sign_on.save(update_fields=["status", "withdrawn_at"])
    audit.sign_on_changed(actor=actor, sign_on=sign_on)
    return sign_on


# Data-sharing agreements ----------------------------------------------------------------------


def _check_agreement_admin(actor: Any) -> None:
    if not roles.is_national_admin(actor):
        raise PermissionDenied("Only a national admin can grant or revoke data-sharing agreements.")


@transaction.atomic
def grant_data_sharing(
    *,
    actor: Any,
    partner: Partner,
    kinds: Iterable[str],
    uses: Iterable[str],
    starts_on: date,
    ends_on: date,
    use_note: str = "",
    signed_by_contact: PartnerContact | None = None,
    signed_by_user: Any = None,
) -> DataSharingAgreement:
    """Agree to share some kinds of data with a partner, for named uses, between two dates."""
    _check_agreement_admin(actor)
    kinds, uses = sorted(set(kinds)), sorted(set(uses))
    if not kinds:
        raise ValidationError("Choose at least one kind of data to share.")
    unknown = [k for k in kinds if k not in shared_data]
    if unknown:
        known = ", ".join(key for key, _ in shared_data) or "none"
        raise ValidationError(
            f"Unknown kind of shared data: {', '.join(unknown)}. Kinds that can be shared: {known}."
        )
    if not uses:
        raise ValidationError("Name at least one permitted use.")
    bad_uses = [u for u in uses if u not in DataSharingAgreement.Use.values]
    if bad_uses:
        raise ValidationError(f"Unknown use: {', '.join(bad_uses)}.")
    if ends_on < starts_on:
        raise ValidationError("An agreement cannot end before it starts.")
    if ends_on < timezone.localdate():
        raise ValidationError("An agreement cannot end in the past.")
    if (signed_by_contact is None) == (signed_by_user is None):
        raise ValidationError("Name who signed for the partner: one officer or one liaison.")
    if signed_by_contact is not None:
        if signed_by_contact.partner_id != partner.pk or not signed_by_contact.is_officer:
            raise ValidationError("The signer must be an officer of this organization on record.")
        signer_title = f"{signed_by_contact.person.full_name}, {signed_by_contact.role}"
    else:
        if partner.pk not in roles.scope_ids(signed_by_user, Role.PARTNER_LIAISON):
            raise ValidationError("The signer must be a liaison of this organization.")
        signer_title = f"{signed_by_user}, liaison"
    agreement = DataSharingAgreement(
        partner=partner,
        kinds=kinds,
        uses=uses,
        use_note=use_note.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        signed_by_contact=signed_by_contact,
        signed_by_user=signed_by_user,
        signer_title=signer_title[:120],
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    _validate(agreement)
    agreement.save()
    audit.agreement_changed(actor=actor, agreement=agreement, change="granted")
    return agreement


@transaction.atomic
def revoke_data_sharing(
    *, actor: Any, agreement: DataSharingAgreement, reason: str
) -> DataSharingAgreement:
    """End an agreement now, whatever its end date; the partner sees nothing more under it."""
    _check_agreement_admin(actor)
    if not reason.strip():
        raise ValidationError("Say why the agreement is revoked.")
    agreement = DataSharingAgreement.objects.select_for_update().get(pk=agreement.pk)
    if agreement.revoked_at is not None:
        raise ValidationError("This agreement is already revoked.")
    agreement.revoked_at = timezone.now()
    agreement.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
    agreement.revocation_reason = reason.strip()
    agreement.save(update_fields=["revoked_at", "revoked_by", "revocation_reason"])
    audit.agreement_changed(actor=actor, agreement=agreement, change="revoked")
    return agreement
