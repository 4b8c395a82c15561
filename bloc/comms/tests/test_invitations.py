"""'Your Bloc account' invitations: through the outbox, scoped to the sender, each message a
single-use sign-in link that signs its own recipient in; a preview never shows a real one."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bloc.comms import invitations, render, services
from bloc.comms.models import Broadcast
from bloc.core.models import AuditEvent
from bloc.people.models import Person
from bloc.people.services import create_person, record_membership

pytestmark = pytest.mark.django_db
LINK = re.compile(r"http://\S+/people/sign-in/(\S+)/")


def _member(email, zip_code):
    person = create_person(
        actor=None,
        email=email,
        first_name="Noor",
        zip_code=zip_code,
        consents={"email": "opted_in"},
        consent_source="test",
    )
    record_membership(
        actor=None,
        person=person,
        joined_on=date(2021, 1, 1),
        paid_through_on=date.today() + timedelta(days=30),
    )
    return person


@pytest.fixture
def unclaimed(personas):
    return {
        "a": _member("noor.a@example.org", "10001"),  # chapter A
        "b": _member("noor.b@example.org", "60601"),  # chapter B
    }


def _audience(actor, chapter_id=None):
    return services.save_audience(
        actor=actor,
        name="Unclaimed",
        chapter_id=chapter_id,
        registered_key="people.members_without_accounts",
    )


def test_an_organizer_invites_their_chapter_and_each_link_signs_its_own_member_in(
    client, personas, entity, unclaimed, mem_backends, django_capture_on_commit_callbacks
):
    audience = _audience(personas.organizer_b, personas.chapter_b.pk)
    with django_capture_on_commit_callbacks(execute=True):
        broadcast = invitations.send_account_invitations(
            actor=personas.organizer_b,
            audience=audience,
            legal_entity=entity,
            chapter_id=personas.chapter_b.pk,
        )
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENT
    sent = {m.to: m for m in mem_backends.outbox}
    # Scoped: chapter B's unclaimed member only (member B already has an account).
    assert set(sent) == {"noor.b@example.org"}
    token = LINK.search(sent["noor.b@example.org"].body).group(1)
    assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 302
    person = Person.objects.get(pk=unclaimed["b"].pk)
    assert person.user is not None and person.user.email == "noor.b@example.org"
    client.logout()
    assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 410
    assert AuditEvent.objects.filter(action="comms.account_invitations_created").count() == 1


def test_an_organizer_cannot_invite_another_chapter(personas, entity, unclaimed):
    audience = _audience(personas.organizer_a, personas.chapter_a.pk)
    with pytest.raises(PermissionDenied):
        invitations.send_account_invitations(
            actor=personas.organizer_a,
            audience=audience,
            legal_entity=entity,
            chapter_id=personas.chapter_b.pk,
        )
    with pytest.raises(PermissionDenied):
        invitations.send_account_invitations(
            actor=personas.member_a,
            audience=audience,
            legal_entity=entity,
            chapter_id=personas.chapter_a.pk,
        )


def test_a_national_invitation_waits_for_a_second_admin(personas, entity, unclaimed):
    broadcast = invitations.send_account_invitations(
        actor=personas.admin,
        audience=_audience(personas.admin),
        legal_entity=entity,
        chapter_id=None,
    )
    assert broadcast.status == Broadcast.Status.AWAITING_APPROVAL


def test_the_preview_never_shows_a_real_sign_in_link(client, personas, entity, unclaimed):
    audience = _audience(personas.organizer_b, personas.chapter_b.pk)
    broadcast = services.create_broadcast(
        actor=personas.organizer_b,
        title="Invite",
        channel="email",
        audience=audience,
        legal_entity=entity,
        chapter_id=personas.chapter_b.pk,
        subject="Your account",
        body=invitations.invitation_body(),
    )
    client.force_login(personas.organizer_b)
    page = client.get(reverse("comms:broadcast-detail", args=[broadcast.pk])).content.decode()
    assert "/people/sign-in/" not in page
    assert "sign-in link" in page
    # Outside a preview, the field is the person's real link.
    values = render.person_values(unclaimed["b"])
    assert "/people/sign-in/" in render.merge("{{ sign_in_link }}", values)
    with render.previewing():
        assert render.merge("{{ sign_in_link }}", values) == render.PREVIEW_SIGN_IN_LINK


def test_the_invitation_page_is_for_senders(client, personas, entity):
    client.force_login(personas.member_a)
    assert client.get(reverse("comms:invitation-create")).status_code == 404
    client.force_login(personas.organizer_b)
    assert client.get(reverse("comms:invitation-create")).status_code == 200
