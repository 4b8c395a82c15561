"""Accounts claimed without staff: by a sign-in code to the person's own address, or by a
one-click link mailed to it. No path links a login to another person's record."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bloc.accounts.models import User
from bloc.accounts.services import create_user
from bloc.core.models import AuditEvent
from bloc.people.claiming import services as claiming
from bloc.people.models import Membership, Person
from bloc.people.services import create_person, record_membership, update_person

pytestmark = pytest.mark.django_db
CODE = re.compile(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", re.M)


def _imported_member(email="imported.member@example.org", **fields):
    person = create_person(actor=None, email=email, first_name="Imani", zip_code="60601", **fields)
    record_membership(
        actor=None,
        person=person,
        joined_on=date(2020, 3, 1),
        paid_through_on=date.today() + timedelta(days=90),
    )
    return person


def _sign_in_by_code(client, email):
    """allauth's sign-in by code, as a browser does it. Returns the last response."""
    client.logout()  # a fresh browser session
    before = len(mail.outbox)
    response = client.post(reverse("account_request_login_code"), {"email": email})
    assert response.status_code == 302
    sent = mail.outbox[before:]
    match = CODE.search(sent[-1].body) if sent else None
    if match is None:
        return None
    return client.post(response["Location"], {"code": match.group(1)})


def test_an_imported_member_signs_in_by_code_and_lands_on_their_home_linked(client, personas):
    person = _imported_member()
    assert not User.objects.filter(email=person.email).exists()
    response = _sign_in_by_code(client, "Imported.Member@example.org")
    assert response.status_code == 302
    from django.conf import settings

    assert response["Location"] in {reverse("core:home"), str(settings.LOGIN_REDIRECT_URL), "/"}
    assert client.get(response["Location"], follow=True).status_code == 200
    person.refresh_from_db()
    assert person.user is not None and person.user.email == "imported.member@example.org"
    assert not person.user.has_usable_password()
    assert EmailAddress.objects.get(user=person.user).verified
    assert client.get(reverse("people:me")).context["person"] == person
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="people.account_linked", target_id=str(person.pk))


def test_an_unknown_address_gets_no_account(client, personas):
    assert _sign_in_by_code(client, "nobody.known@example.org") is None
    assert not User.objects.filter(email="nobody.known@example.org").exists()
    with override_settings(BLOC_SUPPORTER_ACCOUNTS=True):
        assert _sign_in_by_code(client, "nobody.known@example.org") is None
    assert not User.objects.filter(email="nobody.known@example.org").exists()


def test_a_supporter_claims_an_account_only_where_the_organization_allows_it(client, personas):
    supporter = create_person(actor=None, email="rsvp.only@example.org", first_name="Remy")
    assert _sign_in_by_code(client, supporter.email) is None
    assert not User.objects.filter(email=supporter.email).exists()
    with override_settings(BLOC_SUPPORTER_ACCOUNTS=True):
        response = _sign_in_by_code(client, supporter.email)
    assert response.status_code == 302
    supporter.refresh_from_db()
    assert supporter.user.email == supporter.email


def test_a_cancelled_membership_is_a_supporter(client, personas):
    person = _imported_member()
    Membership.objects.filter(person=person).update(status="cancelled")
    assert _sign_in_by_code(client, person.email) is None


def test_a_person_already_linked_to_another_login_is_never_relinked(client, personas):
    # member A's record also has a second address; signing in with it gives no account.
    person = personas.person_member_a
    from bloc.people.models import PersonEmail

    PersonEmail.objects.create(
        person=person, address="a.second@example.org", normalized="a.second@example.org"
    )
    assert _sign_in_by_code(client, "a.second@example.org") is None
    person.refresh_from_db()
    assert person.user == personas.member_a
    # A login that exists for that address (open sign-up, say) and verifies it is not linked.
    other = create_user(email="a.second@example.org")
    EmailAddress.objects.create(user=other, email=other.email, verified=True, primary=True)
    assert claiming.link_on_sign_in(other) is None
    person.refresh_from_db()
    assert person.user == personas.member_a and not Person.objects.filter(user=other).exists()


def test_an_unverified_address_links_nobody(personas):
    person = _imported_member()
    user = create_user(email=person.email, password="a-long-password-2026!")
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    assert claiming.link_on_sign_in(user) is None
    person.refresh_from_db()
    assert person.user is None


def test_a_password_account_of_the_same_address_is_linked_once_a_code_proves_it(client, personas):
    person = _imported_member()
    user = create_user(email=person.email, password="a-long-password-2026!")
    response = _sign_in_by_code(client, person.email)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user == user


def test_two_people_behind_one_login_link_neither(personas):
    one = _imported_member("one@example.org")
    two = _imported_member("two@example.org")
    user = create_user(email="one@example.org")
    for address in ("one@example.org", "two@example.org"):
        EmailAddress.objects.create(user=user, email=address, verified=True)
    assert claiming.link_on_sign_in(user) is None
    assert Person.objects.filter(pk__in=[one.pk, two.pk], user__isnull=False).count() == 0


# --- One-click sign-in links --------------------------------------------------------------------


def test_a_sign_in_link_signs_in_once_and_links_the_person(client, personas):
    person = _imported_member()
    url = reverse("people:sign-in-link", args=[claiming.sign_in_token(person)])
    assert client.get(url).status_code == 200  # a mail scanner opening it spends nothing
    response = client.post(url)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.user is not None
    assert client.get(reverse("people:me")).context["person"] == person
    assert EmailAddress.objects.get(user=person.user, email=person.email).verified
    client.logout()
    assert client.post(url).status_code == 410
    assert client.get(url).status_code == 410
    assert AuditEvent.objects.filter(action="people.sign_in_link_used").count() == 1


def test_a_sign_in_link_expires(client, personas):
    person = _imported_member()
    with time_machine.travel(date.today() - timedelta(days=15)):
        token = claiming.sign_in_token(person)
    assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 410
    person.refresh_from_db()
    assert person.user is None


def test_a_sign_in_link_dies_with_a_changed_address_or_a_forged_token(client, personas):
    person = _imported_member()
    token = claiming.sign_in_token(person)
    update_person(actor=None, person=person, email="new.address@example.org")
    assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 410
    forged = token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB")
    assert client.post(reverse("people:sign-in-link", args=[forged])).status_code == 410
    person.refresh_from_db()
    assert person.user is None


def test_a_sign_in_link_never_signs_in_staff_nor_takes_another_persons_login(client, personas):
    staff = personas.person_organizer_a if hasattr(personas, "person_organizer_a") else None
    if staff is not None:
        token = claiming.sign_in_token(staff)
        assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 410
    # The address's login belongs to another person: refused.
    person = _imported_member()
    taken = create_user(email=person.email)
    other = create_person(actor=None, email="owner.of.login@example.org")
    Person.objects.filter(pk=other.pk).update(user=taken)
    token = claiming.sign_in_token(person)
    assert client.post(reverse("people:sign-in-link", args=[token])).status_code == 410
    person.refresh_from_db()
    assert person.user is None
