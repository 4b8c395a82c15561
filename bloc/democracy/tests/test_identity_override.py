"""A frozen identity changes only through a two-person, audited, expiring override (issue 15)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bloc.accounts.models import Role
from bloc.accounts.services import create_user, grant_role
from bloc.core.models import AuditEvent
from bloc.democracy import identity
from bloc.democracy.tests.helpers import opened
from bloc.people import services as people


@pytest.fixture
def second_admin(personas):
    user = create_user(email="second.admin@personas.bloc.test", password=personas.password)
    grant_role(actor=None, user=user, role=Role.NATIONAL_ADMIN)
    return user


def test_one_admin_cannot_approve_their_own_override(personas):
    opened()
    override = identity.request_override(
        actor=personas.admin, person=personas.person_member_a, reason="Member changed address."
    )
    with pytest.raises(ValidationError, match="second national admin"):
        identity.decide_override(actor=personas.admin, override=override, approve=True)
    with pytest.raises(ValidationError, match="voter roll"):
        people.update_person(
            actor=personas.admin, person=personas.person_member_a, phone="2125550100"
        )


def test_an_approved_override_lets_national_admins_change_the_record_for_a_day(
    personas, second_admin
):
    opened()
    person = personas.person_member_a
    override = identity.request_override(
        actor=personas.admin, person=person, reason="Member lost access to their old address."
    )
    identity.decide_override(actor=second_admin, override=override, approve=True)
    # An organizer still cannot: the override never widens what an organizer may do.
    with pytest.raises(ValidationError, match="voter roll"):
        people.update_person(actor=personas.organizer_a, person=person, phone="2125550100")
    people.update_person(actor=personas.admin, person=person, phone="2125550100")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "democracy.identity_override_requested",
        "democracy.identity_override_decided",
    } <= actions
    later = time_machine.travel(override.requested_at + timedelta(hours=25))
    with later, pytest.raises(ValidationError, match="voter roll"):
        people.update_person(actor=personas.admin, person=person, phone="2125550101")


def test_organizers_cannot_ask_for_overrides(personas):
    opened()
    with pytest.raises(PermissionDenied):
        identity.request_override(
            actor=personas.organizer_a, person=personas.person_member_a, reason="Because I want."
        )


def test_the_override_page_asks_and_a_second_admin_approves(personas, second_admin, client):
    opened()
    client.force_login(personas.admin)
    url = reverse("democracy:identity-overrides")
    response = client.post(
        url, {"email": personas.person_member_a.email, "reason": "Member moved house, new email."}
    )
    assert response.status_code == 302
    page = client.get(url)
    assert "Waiting for a second national admin" in page.content.decode()
    (override,) = page.context["overrides"]
    refused = client.post(
        reverse("democracy:identity-override-decide", args=[override.pk]), {"approve": "1"}
    )
    assert refused.status_code == 302
    override.refresh_from_db()
    assert override.status == "requested"
    client.force_login(second_admin)
    client.post(reverse("democracy:identity-override-decide", args=[override.pk]), {"approve": "1"})
    override.refresh_from_db()
    assert override.status == "approved" and override.decided_by == second_admin
