"""Sign-on: a named officer signs, an organizer confirms, withdrawals stay in history."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from bloc.coalition import services
from bloc.coalition.models import Partner, SignOn
from bloc.coalition.tests.world import world


def _statement():
    return services.create_statement(
        actor=None, title="Coalition program", slug="program", text="Our program."
    )


@pytest.mark.django_db
def test_only_an_officer_on_record_may_sign_and_only_once(personas):
    w = world(personas)
    statement = _statement()
    with pytest.raises(ValidationError, match="officer"):
        services.sign_statement(
            actor=None, statement=statement, partner=w.other, signer=personas.person_member_b
        )  # a steward, not an officer
    services.add_contact(
        actor=None,
        partner=w.other,
        person=personas.person_member_b,
        role="Secretary-Treasurer",
        is_officer=True,
    )
    sign_on = services.sign_statement(
        actor=None, statement=statement, partner=w.other, signer=personas.person_member_b
    )
    assert sign_on.signer_title == "Secretary-Treasurer" and sign_on.status == "pending"
    with pytest.raises(ValidationError, match="already signed"):
        services.sign_statement(
            actor=None, statement=statement, partner=w.other, signer=personas.person_member_b
        )
    services.withdraw_sign_on(actor=None, sign_on=sign_on)
    again = services.sign_statement(
        actor=None, statement=statement, partner=w.other, signer=personas.person_member_b
    )
    assert SignOn.objects.filter(partner=w.other).count() == 2 and again.status == "pending"


@pytest.mark.django_db
def test_the_public_wall_lists_confirmed_signers_by_tier_and_drops_withdrawn(client, personas):
    w = world(personas)
    statement = _statement()
    international = services.create_partner(
        actor=None, name="Care Workers International", kind=Partner.Kind.INTERNATIONAL_UNION
    )
    for partner in (w.own, international):
        services.add_contact(
            actor=None,
            partner=partner,
            person=personas.person_member_a,
            role="President",
            is_officer=True,
        )
    local = services.sign_statement(
        actor=None, statement=statement, partner=w.own, signer=personas.person_member_a
    )
    national = services.sign_statement(
        actor=None, statement=statement, partner=international, signer=personas.person_member_a
    )
    url = reverse("coalition:statement-public", args=["program"])
    assert "Care Workers International" not in client.get(url).content.decode()

    client.force_login(personas.organizer_a)
    for sign_on in (local, national):
        client.post(reverse("coalition:sign-on-confirm", args=[sign_on.pk]))
    client.logout()
    tiers = client.get(url).context["tiers"]
    assert [s.partner for s in tiers["national"]] == [international]
    assert [s.partner for s in tiers["local"]] == [w.own]
    local.refresh_from_db()
    assert local.confirmed_by == personas.organizer_a and local.confirmed_at is not None

    client.force_login(personas.liaison)
    response = client.post(reverse("coalition:sign-on-withdraw", args=[local.pk]))
    assert response.status_code == 302
    # The liaison cannot touch another organization's signature.
    assert client.post(reverse("coalition:sign-on-withdraw", args=[national.pk])).status_code == 404
    client.logout()
    assert client.get(url).context["tiers"]["local"] == []
    local.refresh_from_db()
    assert local.status == "withdrawn" and local.withdrawn_at is not None


@pytest.mark.django_db
def test_a_liaison_signs_for_their_organization_from_its_page(client, personas):
    w = world(personas)
    statement = _statement()
    services.add_contact(
        actor=None,
        partner=w.own,
        person=personas.person_member_a,
        role="President",
        is_officer=True,
    )
    client.force_login(personas.liaison)
    client.post(
        reverse("coalition:sign-on-create", args=[w.own.pk]),
        {"statement": statement.pk, "signer": personas.person_member_a.pk},
    )
    assert SignOn.objects.get().partner == w.own
    client.post(
        reverse("coalition:sign-on-create", args=[w.other.pk]),
        {"statement": statement.pk, "signer": personas.person_member_a.pk},
    )
    assert SignOn.objects.count() == 1
    assert client.post(reverse("coalition:sign-on-confirm", args=[1])).status_code == 404
