"""Reads are scoped: a liaison sees their own organization, organizers their chapter's."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.http import Http404
from django.utils import timezone

from bloc.coalition import selectors, services
from bloc.coalition.models import Partner
from bloc.coalition.tests.world import make_liaison_of, world

NY = ZoneInfo("America/New_York")


@pytest.mark.django_db
def test_a_liaison_sees_only_their_own_organization(personas):
    w = world(personas)
    assert list(selectors.partners_visible_to(personas.liaison)) == [w.own]
    assert selectors.partner_for(personas.liaison, w.own.pk) == w.own
    with pytest.raises(Http404):
        selectors.partner_for(personas.liaison, w.other.pk)
    assert list(selectors.contracts_visible_to(personas.liaison)) == [w.own_contract]
    assert not selectors.relationships_visible_to(personas.liaison).exists()
    assert not selectors.partners_visible_to(personas.outsider).exists()
    assert not selectors.partners_visible_to(personas.member_a).exists()


@pytest.mark.django_db
def test_a_liaison_of_an_international_sees_its_locals_contracts(personas):
    w = world(personas)
    international = services.create_partner(
        actor=None, name="Nurses International", kind=Partner.Kind.INTERNATIONAL_UNION
    )
    services.update_partner(actor=None, partner=w.other, parent=international)
    make_liaison_of(personas, international)
    assert list(selectors.contracts_visible_to(personas.liaison)) == [w.other_contract]


@pytest.mark.django_db
def test_organizers_see_their_chapters_relationships_and_admins_all(personas):
    w = world(personas)
    assert list(selectors.relationships_visible_to(personas.organizer_a)) == [w.own.relationship]
    assert list(selectors.relationships_visible_to(personas.organizer_b)) == [w.other.relationship]
    assert selectors.relationships_visible_to(personas.admin).count() == 2
    with pytest.raises(Http404):
        selectors.relationship_for(personas.organizer_a, w.other.relationship.pk)
    # Organization records themselves are shared among organizers.
    assert selectors.partners_visible_to(personas.organizer_a).count() == 2


@pytest.mark.django_db
def test_contacts_are_people_and_follow_people_scoping(personas):
    w = world(personas)
    other = selectors.partner_for(personas.organizer_a, w.other.pk)
    assert not selectors.contacts_for(personas.organizer_a, other).exists()
    assert list(selectors.contacts_for(personas.organizer_b, other)) == [w.other_contact]
    assert list(selectors.contacts_for(personas.admin, other)) == [w.other_contact]


@pytest.mark.django_db
def test_overdue_next_steps_are_grouped_by_owner(personas):
    w = world(personas)
    today = timezone.localdate()
    services.log_interaction(
        actor=None,
        relationship=w.own.relationship,
        occurred_on=today - timedelta(days=5),
        channel="call",
        summary="Call",
        next_step="Due tomorrow",
        next_step_due_on=today + timedelta(days=1),
    )
    done = services.log_interaction(
        actor=None,
        relationship=w.own.relationship,
        occurred_on=today - timedelta(days=5),
        channel="call",
        summary="Call",
        next_step="Already done",
        next_step_due_on=today - timedelta(days=1),
    )
    services.complete_next_step(actor=None, interaction=done)
    groups = selectors.overdue_next_steps(personas.admin, today=today)
    assert [(g.owner, [i.pk for i in g.interactions]) for g in groups] == [
        ("Lakeshore Chapter", [w.other_interaction.pk])
    ]
    assert selectors.overdue_next_steps(personas.organizer_a, today=today) == []


@pytest.mark.django_db
def test_totals_count_aligned_contracts_and_the_workers_they_cover(personas):
    w = world(personas)
    totals = selectors.contract_totals(personas.admin)
    assert (totals.contracts, totals.aligned, totals.workers, totals.aligned_workers) == (
        2,
        1,
        w.own_contract.unit_size + w.other_contract.unit_size,
        w.own_contract.unit_size,
    )
    liaison = selectors.contract_totals(personas.liaison)
    assert (liaison.contracts, liaison.aligned) == (1, 1)


@pytest.mark.django_db
def test_upcoming_deadlines_fall_in_the_window_soonest_first(personas):
    w = world(personas)
    now = datetime(2027, 6, 1, 12, 0, tzinfo=NY)
    found = selectors.upcoming_deadlines(personas.admin, now=now, days=365)
    keys = [(item.contract.pk, item.deadline.kind) for item in found]
    # Health care contract expiring 2027-09-30: all three notices; aligned one: two notices.
    assert keys == [
        (w.other_contract.pk, "party_notice"),
        (w.other_contract.pk, "fmcs_notice"),
        (w.other_contract.pk, "strike_notice"),
        (w.own_contract.pk, "party_notice"),
        (w.own_contract.pk, "fmcs_notice"),
    ]
    later = selectors.upcoming_deadlines(personas.admin, now=now, days=60)
    assert [item.deadline.kind for item in later] == ["party_notice"]
    assert len(selectors.upcoming_deadlines(personas.liaison, now=now)) == 2
