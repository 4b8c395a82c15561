"""Sign-in limits slow a password guesser without letting a stranger lock a member out.

Failed passwords are limited per client address, per (account, client address), and, for
browsers the account has never signed in from, per account. The member's own browser and a
one-time code to the member's own email still work however many strangers guess."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

MEMBER_ADDRESS = "198.51.100.7"


def _password(client, email, password, ip, **headers):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=ip, **headers
    )


def _refused(response) -> bool:
    """Refused by a failed-password limit (or, past 30 a minute, by the per-address 429)."""
    return response.status_code == 429 or b"Too many failed login attempts" in response.content


def _signed_in(client, ip=MEMBER_ADDRESS) -> bool:
    return client.get(reverse("people:me"), REMOTE_ADDR=ip).status_code == 200


def test_a_strangers_wrong_passwords_do_not_lock_the_member_out(personas):
    stranger = Client()
    for _ in range(50):
        _password(stranger, personas.member_a.email, "wrong-password-1", "203.0.113.66")
    assert _refused(_password(stranger, personas.member_a.email, "x", "203.0.113.66"))

    member = Client()
    response = _password(member, personas.member_a.email, personas.password, MEMBER_ADDRESS)
    assert response.status_code == 302 and _signed_in(member)


def test_the_member_still_has_their_failed_attempts_limited_from_their_own_address(personas):
    member = Client()
    for _ in range(5):
        _password(member, personas.member_a.email, "wrong-password-1", MEMBER_ADDRESS)
    response = _password(member, personas.member_a.email, personas.password, MEMBER_ADDRESS)
    assert _refused(response) and not _signed_in(member)


def test_many_strangers_slow_guessing_but_not_the_members_own_browser_or_code(personas, settings):
    limits = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_account": "20/h/key"}
    settings.ACCOUNT_RATE_LIMITS = limits
    email = personas.member_a.email
    browser = Client()
    _password(browser, email, personas.password, MEMBER_ADDRESS)
    assert _signed_in(browser)
    browser.post(reverse("account_logout"), REMOTE_ADDR=MEMBER_ADDRESS)
    assert not _signed_in(browser)

    for n in range(30):  # a stranger with many addresses, one guess each
        _password(Client(), email, "wrong-password-1", f"203.0.113.{n + 1}")

    # A browser the member never used is slowed down with the strangers ...
    new_browser = Client()
    assert _refused(_password(new_browser, email, personas.password, "192.0.2.44"))
    assert not _signed_in(new_browser, "192.0.2.44")
    # ... but the browser the member signs in with is not,
    response = _password(browser, email, personas.password, MEMBER_ADDRESS)
    assert response.status_code == 302 and _signed_in(browser)
    # and a one-time code to the member's own email works from anywhere.
    response = new_browser.post(
        reverse("account_request_login_code"), {"email": email}, REMOTE_ADDR="192.0.2.44"
    )
    code = re.search(r"^([A-Z0-9]{4}-[A-Z0-9]{4})$", mail.outbox[-1].body, re.M).group(1)
    new_browser.post(response["Location"], {"code": code}, REMOTE_ADDR="192.0.2.44")
    assert _signed_in(new_browser, "192.0.2.44")


def test_a_forged_x_forwarded_for_does_not_change_the_bucket_without_a_proxy(personas):
    client = Client()
    for n in range(5):
        forged = f"10.9.9.{n}"
        response = _password(
            client, f"nobody{n}@nowhere.test", "wrong", "203.0.113.9", HTTP_X_FORWARDED_FOR=forged
        )
        assert not _refused(response)
    response = _password(
        client, "nobody9@nowhere.test", "wrong", "203.0.113.9", HTTP_X_FORWARDED_FOR="10.9.9.99"
    )
    assert _refused(response)


def test_behind_one_trusted_proxy_the_address_it_saw_is_the_bucket(personas, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    client = Client()
    proxy = "10.0.0.2"
    for n in range(5):
        # The visitor forges the left of the header; the proxy appends what it saw.
        forged = f"10.9.9.{n}, 203.0.113.9"
        response = _password(
            client, f"nobody{n}@nowhere.test", "wrong", proxy, HTTP_X_FORWARDED_FOR=forged
        )
        assert not _refused(response)
    refused = _password(
        client, "nobody8@nowhere.test", "wrong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert _refused(refused)
    other = _password(
        client, "nobody9@nowhere.test", "wrong", proxy, HTTP_X_FORWARDED_FOR="203.0.113.10"
    )
    assert not _refused(other)
