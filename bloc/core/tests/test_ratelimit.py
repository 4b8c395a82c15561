"""The client address every per-client limit counts: the same for Bloc's public forms
(django-ratelimit) and for sign-in (allauth), and never taken from a header no trusted proxy
wrote."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from bloc.core.ratelimit import client_ip


def _request(remote="203.0.113.9", **headers):
    return RequestFactory().post("/", REMOTE_ADDR=remote, **headers)


def test_without_a_proxy_forwarded_headers_are_ignored(settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 0
    request = _request(HTTP_X_FORWARDED_FOR="10.9.9.9", HTTP_X_REAL_IP="10.9.9.8")
    assert client_ip(request) == "203.0.113.9"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6,203.0.113.5", "203.0.113.5"),
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.7", "203.0.113.5"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, "203.0.113.5:4711", "203.0.113.5"),
        # Fewer entries than trusted proxies, or garbage: the nearest peer, never a guess.
        (2, "203.0.113.5", "10.0.0.2"),
        (1, "not-an-address", "10.0.0.2"),
    ],
)
def test_behind_trusted_proxies_the_right_most_untrusted_address_is_used(
    settings, count, forwarded, expected
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = _request("10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_a_header_set_by_the_proxy_names_the_client(settings):
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    assert client_ip(_request("10.0.0.2", HTTP_X_REAL_IP="192.0.2.1")) == "192.0.2.1"
    assert client_ip(_request("10.0.0.2")) == "10.0.0.2"


@pytest.mark.parametrize("count", [0, 1])
def test_sign_in_limits_count_the_same_address(settings, count):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = count
    request = _request("10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert get_adapter(request).get_client_ip(request) == client_ip(request)
