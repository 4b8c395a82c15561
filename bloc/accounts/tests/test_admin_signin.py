"""/admin/ is signed in to through the app: the same sign-in page, its limits and its second
factor. The Django admin's own password form never signs anyone in."""

import time

import pytest
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse

from bloc.accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "operator-pass-2026!"


@pytest.fixture
def operator(db):
    return User.objects.create_superuser(email="operator@personas.bloc.test", password=PASSWORD)


def _totp(operator) -> str:
    secret = generate_totp_secret()
    TOTP.activate(operator, secret)
    return secret


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def test_the_admin_login_page_sends_you_to_the_apps_sign_in(client):
    response = client.get("/admin/login/?next=/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"] == (reverse("account_login") + "?next=/admin/accounts/user/")
    response = client.get("/admin/")
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow.status_code == 302 and follow["Location"].startswith(reverse("account_login"))


@override_settings(BLOC_STAFF_MFA_REQUIRED=False)
def test_posting_a_correct_password_to_the_admin_login_signs_nobody_in(client, operator):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": operator.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert SESSION_KEY not in client.session
    assert client.get("/admin/").status_code == 302


@override_settings(BLOC_STAFF_MFA_REQUIRED=True)
def test_an_operator_without_a_second_factor_cannot_open_the_admin(client, operator):
    client.force_login(operator)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert client.get("/admin/accounts/user/").status_code == 302


@override_settings(BLOC_STAFF_MFA_REQUIRED=True)
def test_a_session_without_its_second_factor_is_asked_for_it_first(client, operator):
    secret = _totp(operator)
    client.force_login(operator)  # as if signed in some way that skipped the second factor
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("mfa_reauthenticate"))
    response = client.post(reverse("mfa_reauthenticate") + "?next=/admin/", {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


@override_settings(BLOC_STAFF_MFA_REQUIRED=True)
def test_an_operator_signs_in_to_the_admin_with_password_and_second_factor(client, operator):
    secret = _totp(operator)
    response = client.post(
        reverse("account_login") + "?next=/admin/",
        {"login": operator.email, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert client.get("/admin/").status_code == 302  # the password alone opens nothing
    response = client.post(reverse("mfa_authenticate"), {"code": _code(secret)})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_member_signed_in_to_the_app_is_refused_not_looped(client, personas):
    client.force_login(personas.member_a)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
