"""Typed audit helpers for the coalition. Identifiers, stages and counts only, never values."""

from typing import Any

from bloc.coalition.models import (
    Commitment,
    Contract,
    F7Import,
    Interaction,
    Partner,
    PartnerContact,
    Relationship,
)
from bloc.core.audit import record


def partner_created(*, actor: Any, partner: Partner) -> None:
    record("coalition.partner_created", actor=actor, target=partner, kind=partner.kind)


def partner_updated(*, actor: Any, partner: Partner, fields: list[str]) -> None:
    record("coalition.partner_updated", actor=actor, target=partner, fields=sorted(fields))


def contact_added(*, actor: Any, contact: PartnerContact) -> None:
    record(
        "coalition.contact_added",
        actor=actor,
        target=contact.partner,
        person_id=contact.person_id,
        is_officer=contact.is_officer,
    )


def contact_removed(*, actor: Any, partner: Partner, person_id: int) -> None:
    record("coalition.contact_removed", actor=actor, target=partner, person_id=person_id)


def stage_moved(*, actor: Any, relationship: Relationship, from_stage: str) -> None:
    record(
        "coalition.stage_moved",
        actor=actor,
        target=relationship,
        chapter_id=relationship.owner_chapter_id,
        from_stage=from_stage,
        to_stage=relationship.stage,
    )


def interaction_logged(*, actor: Any, interaction: Interaction) -> None:
    record(
        "coalition.interaction_logged",
        actor=actor,
        target=interaction,
        chapter_id=interaction.relationship.owner_chapter_id,
        relationship_id=interaction.relationship_id,
        channel=interaction.channel,
    )


def next_step_done(*, actor: Any, interaction: Interaction) -> None:
    record(
        "coalition.next_step_done",
        actor=actor,
        target=interaction,
        chapter_id=interaction.relationship.owner_chapter_id,
    )


def contract_saved(*, actor: Any, contract: Contract, created: bool, fields: list[str]) -> None:
    record(
        "coalition.contract_created" if created else "coalition.contract_updated",
        actor=actor,
        target=contract,
        fields=sorted(fields),
        is_aligned=contract.is_aligned,
    )


def f7_imported(*, actor: Any, run: F7Import) -> None:
    record(
        "coalition.f7_imported",
        actor=actor,
        target=run,
        created=run.created,
        duplicates=run.duplicates,
        errors=run.errors,
    )


def commitment_saved(*, actor: Any, commitment: Commitment, from_state: str) -> None:
    record(
        "coalition.commitment_saved",
        actor=actor,
        target=commitment,
        chapter_id=commitment.chapter_id,
        from_state=from_state,
        to_state=commitment.state,
    )


def exported(*, actor: Any, what: str, count: int) -> None:
    record("coalition.exported", actor=actor, what=what, count=count)


def statement_created(*, actor: Any, statement: Any) -> None:
    record("coalition.statement_created", actor=actor, target=statement)


def sign_on_changed(*, actor: Any, sign_on: Any) -> None:
    record(
        "coalition.sign_on_changed",
        actor=actor,
        target=sign_on,
        partner_id=sign_on.partner_id,
        statement_id=sign_on.statement_id,
        status=sign_on.status,
    )


def agreement_changed(*, actor: Any, agreement: Any, change: str) -> None:
    record(
        f"coalition.agreement_{change}",
        actor=actor,
        target=agreement,
        partner_id=agreement.partner_id,
        kinds=sorted(agreement.kinds),
        uses=sorted(agreement.uses),
        starts_on=agreement.starts_on.isoformat(),
        ends_on=agreement.ends_on.isoformat(),
    )


def shared_data_read(*, actor: Any, partner_id: int, kind: str, count: int, how: str) -> None:
    """Every time shared rows are shown or exported: who, which partner, which kind, how many."""
    record(
        f"coalition.shared_data_{how}",
        actor=actor,
        partner_id=partner_id,
        kind=kind,
        count=count,
    )
