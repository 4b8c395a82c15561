import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from bloc.accounts import services
from bloc.accounts.models import Role, RoleAssignment
from bloc.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_a_member_signs_in_with_a_one_time_code(client, personas):
    response = client.post(
        reverse("account_request_login_code"), {"email": personas.member_a.email}
    )
    assert response.status_code == 302
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    response = client.post(response["Location"], {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("people:me")).context["person"] == personas.person_member_a


def test_sign_in_does_not_reveal_whether_an_address_has_an_account(client, personas):
    known = client.post(reverse("account_request_login_code"), {"email": personas.member_a.email})
    unknown = client.post(reverse("account_request_login_code"), {"email": "nobody@nowhere.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    reset_known = client.post(reverse("account_reset_password"), {"email": personas.member_a.email})
    reset_unknown = client.post(reverse("account_reset_password"), {"email": "nobody@nowhere.test"})
    assert reset_known.status_code == reset_unknown.status_code == 302


def test_repeated_failed_logins_are_rate_limited(client, personas):
    limited = []
    for _ in range(7):
        response = client.post(
            reverse("account_login"),
            {"login": personas.member_a.email, "password": "wrong-password"},
        )
        limited.append(b"Too many failed login attempts" in response.content)
    assert limited[:5] == [False] * 5
    assert limited[5:] == [True, True]
    # The right password is refused too while the limit holds.
    client.post(
        reverse("account_login"), {"login": personas.member_a.email, "password": personas.password}
    )
    assert client.get(reverse("people:me")).status_code == 302


@override_settings(BLOC_STAFF_MFA_REQUIRED=True)
def test_staff_roles_must_set_up_a_second_factor(client, personas):
    client.force_login(personas.organizer_a)
    response = client.get(reverse("people:person-list"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    client.force_login(personas.member_a)
    assert client.get(reverse("people:me")).status_code == 200


@override_settings(BLOC_STAFF_MFA_REQUIRED=True)
def test_staff_with_a_second_factor_get_in(client, personas):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(
        user=personas.organizer_a, type=Authenticator.Type.TOTP, data={"secret": "x"}
    )
    client.force_login(personas.organizer_a)
    assert client.get(reverse("people:person-list")).status_code == 200


@override_settings(BLOC_SESSION_IDLE_SECONDS=600)
def test_an_idle_session_is_signed_out(client, personas, time_machine):
    time_machine.move_to("2026-11-27 10:00:00Z", tick=False)
    client.force_login(personas.member_a)
    assert client.get(reverse("people:me")).status_code == 200
    time_machine.move_to("2026-11-27 10:09:00Z", tick=False)
    assert client.get(reverse("people:me")).status_code == 200
    time_machine.move_to("2026-11-27 10:20:00Z", tick=False)
    response = client.get(reverse("people:me"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_security_headers_are_sent(client, personas):
    client.force_login(personas.member_a)
    response = client.get(reverse("people:me"))
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_open_sign_up_is_closed_by_default(client):
    response = client.post(
        reverse("account_signup"),
        {
            "email": "new@x.test",
            "password1": "a-long-passphrase-2026",
            "password2": "a-long-passphrase-2026",
        },
    )
    assert response.status_code == 200
    assert b"Sign Up Closed" in response.content or b"closed" in response.content.lower()


def test_only_a_national_admin_grants_roles_and_it_is_audited(client, personas):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.grant_role(
            actor=personas.organizer_a, user=personas.member_a, role=Role.NATIONAL_ADMIN
        )
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:role-list"),
        {
            "email": personas.member_a.email,
            "role": Role.CHAPTER_ORGANIZER,
            "scope_id": personas.chapter_a.pk,
        },
    )
    assert response.status_code == 302
    assert (
        RoleAssignment.objects.active()
        .filter(user=personas.member_a, role=Role.CHAPTER_ORGANIZER)
        .exists()
    )
    assert AuditEvent.objects.filter(
        action="accounts.role_granted", data__user_id=personas.member_a.pk
    ).exists()


def test_a_scoped_role_needs_a_scope(client, personas):
    client.force_login(personas.admin)
    response = client.post(
        reverse("accounts:role-list"),
        {"email": personas.member_a.email, "role": Role.CHAPTER_ORGANIZER},
    )
    assert response.status_code == 200
    assert b"needs a scope" in response.content
