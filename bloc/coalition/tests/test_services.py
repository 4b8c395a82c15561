"""Write paths: invariants, history rows and one audit event per call."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from bloc.coalition import services
from bloc.coalition.models import Commitment, Partner, Stage, StageChange
from bloc.core.models import AuditEvent

NY = ZoneInfo("America/New_York")


def _local(name="Harbor Workers Local 5", **kwargs):
    return services.create_partner(
        actor=None, name=name, kind=kwargs.pop("kind", Partner.Kind.UNION_LOCAL), **kwargs
    )


@pytest.mark.django_db
def test_creating_a_partner_opens_a_relationship_at_identified(personas):
    partner = services.create_partner(
        actor=personas.organizer_a,
        name="Riverside Tenants Union",
        kind=Partner.Kind.COMMUNITY,
        state="ny",
        tags=["housing", " housing", "May Day 2028"],
        owner_chapter=personas.chapter_a,
    )
    assert partner.state == "NY"
    assert sorted(partner.tags.values_list("name", flat=True)) == ["May Day 2028", "housing"]
    rel = partner.relationship
    assert rel.stage == Stage.IDENTIFIED and rel.owner_chapter == personas.chapter_a
    assert list(
        StageChange.objects.filter(relationship=rel).values_list("to_stage", flat=True)
    ) == ["identified"]
    event = AuditEvent.objects.get(action="coalition.partner_created")
    assert event.actor == personas.organizer_a and event.target_id == str(partner.pk)


@pytest.mark.django_db
def test_partner_names_are_unique_ignoring_case():
    _local("Harbor Workers Local 5")
    with pytest.raises(ValidationError):
        _local("harbor workers local 5")


@pytest.mark.django_db
def test_an_organization_cannot_be_nested_under_its_own_local():
    international = _local("Harbor Workers International", kind=Partner.Kind.INTERNATIONAL_UNION)
    local = _local(parent=international)
    with pytest.raises(ValidationError):
        services.update_partner(actor=None, partner=international, parent=local)
    international.refresh_from_db()
    assert international.parent is None


@pytest.mark.django_db
def test_update_partner_records_changed_fields_not_values():
    partner = _local()
    services.update_partner(actor=None, partner=partner, size=900, tags=["ports"])
    event = AuditEvent.objects.filter(action="coalition.partner_updated").get()
    assert event.data == {"fields": ["size", "tags"]}
    with pytest.raises(ValueError):
        services.update_partner(actor=None, partner=partner, created_at=timezone.now())


@pytest.mark.django_db
def test_every_stage_move_is_kept_in_history_with_its_time(personas):
    rel = _local().relationship
    rel = services.move_stage(actor=personas.admin, relationship=rel, to_stage=Stage.RESEARCHED)
    rel = services.move_stage(actor=personas.admin, relationship=rel, to_stage=Stage.DORMANT)
    changes = list(rel.stage_changes.order_by("changed_at", "id"))
    assert [(c.from_stage, c.to_stage) for c in changes] == [
        ("", "identified"),
        ("identified", "researched"),
        ("researched", "dormant"),
    ]
    assert rel.stage_changed_at == changes[-1].changed_at
    assert rel.next_stage is None
    with pytest.raises(ValidationError):
        services.move_stage(actor=None, relationship=rel, to_stage=Stage.DORMANT)
    with pytest.raises(ValidationError):
        services.move_stage(actor=None, relationship=rel, to_stage="friends")


@pytest.mark.django_db
def test_interactions_need_a_next_step_for_a_due_date_and_happen_in_the_past(personas):
    rel = _local().relationship
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        services.log_interaction(
            actor=None,
            relationship=rel,
            occurred_on=today,
            channel="call",
            summary="x",
            next_step_due_on=today,
        )
    with pytest.raises(ValidationError):
        services.log_interaction(
            actor=None,
            relationship=rel,
            occurred_on=today + timedelta(days=1),
            channel="call",
            summary="x",
        )
    interaction = services.log_interaction(
        actor=personas.admin,
        relationship=rel,
        occurred_on=today,
        channel="call",
        summary="Talked shop",
        next_step="Send the draft",
        next_step_due_on=today,
        participants=[personas.person_member_a],
    )
    assert list(interaction.participants.all()) == [personas.person_member_a]
    services.complete_next_step(actor=None, interaction=interaction)
    interaction.refresh_from_db()
    assert interaction.next_step_done_at is not None
    with pytest.raises(ValidationError):
        services.complete_next_step(actor=None, interaction=interaction)


@pytest.mark.django_db
def test_a_contract_derives_its_alignment_and_is_checked():
    local = _local()
    aligned = services.record_contract(
        actor=None,
        union_local=local,
        employer="Pier Co.",
        unit_name="Dock",
        unit_size=300,
        expires_at=datetime(2028, 4, 30, 23, 59, tzinfo=NY),
        time_zone="America/New_York",
    )
    assert aligned.is_aligned
    services.update_contract(
        actor=None, contract=aligned, expires_at=datetime(2028, 6, 30, 23, 59, tzinfo=NY)
    )
    aligned.refresh_from_db()
    assert not aligned.is_aligned
    party = _local("Left Renewal Party", kind=Partner.Kind.LEFT_PARTY)
    with pytest.raises(ValidationError):
        services.record_contract(
            actor=None,
            union_local=party,
            employer="X",
            unit_name="Y",
            unit_size=1,
            expires_at=datetime(2028, 4, 30, tzinfo=NY),
            time_zone="America/New_York",
        )
    with pytest.raises(ValidationError):
        services.record_contract(
            actor=None,
            union_local=local,
            employer="X",
            unit_name="Y",
            unit_size=1,
            expires_at=datetime(2028, 4, 30, tzinfo=NY),
            time_zone="Atlantis/Capital",
        )
    with pytest.raises(ValidationError):
        services.record_contract(
            actor=None,
            union_local=local,
            employer="X",
            unit_name="Y",
            unit_size=1,
            effective_at=datetime(2029, 1, 1, tzinfo=NY),
            expires_at=datetime(2028, 4, 30, tzinfo=NY),
            time_zone="America/New_York",
        )


@pytest.mark.django_db
def test_commitments_move_forward_to_fulfilment_or_out_and_keep_a_time_per_step(personas):
    partner = _local()
    commitment = services.make_commitment(
        actor=None,
        partner=partner,
        kind="turnout",
        description="Bring 200 to May Day",
        target=200,
    )
    commitment = services.advance_commitment(actor=None, commitment=commitment, to_state="asked")
    commitment = services.advance_commitment(actor=None, commitment=commitment, to_state="verbal")
    with pytest.raises(ValidationError, match="evidence"):
        services.advance_commitment(actor=None, commitment=commitment, to_state="formalized")
    commitment = services.advance_commitment(
        actor=None,
        commitment=commitment,
        to_state="formalized",
        evidence_url="https://example.org/resolution",
    )
    with pytest.raises(ValidationError):
        services.advance_commitment(actor=None, commitment=commitment, to_state="asked")
    commitment = services.advance_commitment(
        actor=None, commitment=commitment, to_state="partially_fulfilled", fulfilled_count=140
    )
    assert commitment.asked_at and commitment.verbal_at and commitment.formalized_at
    assert commitment.closed_at and commitment.fulfilled_count == 140
    assert services.commitment_moves(commitment.state) == []
    assert AuditEvent.objects.filter(action="coalition.commitment_saved").count() == 5


@pytest.mark.django_db
def test_a_commitment_has_exactly_one_maker(personas):
    with pytest.raises(ValidationError):
        services.make_commitment(actor=None, kind="join", description="Join")
    with pytest.raises(ValidationError):
        services.make_commitment(
            actor=None,
            kind="join",
            description="Join",
            partner=_local(),
            chapter=personas.chapter_a,
        )
    made = services.make_commitment(
        actor=None, kind="turnout", description="Chapter turnout", chapter=personas.chapter_a
    )
    assert made.maker == personas.chapter_a and made.state == Commitment.State.PROPOSED
