import secrets

import pytest
from django.urls import reverse

from bloc.core.navigation import token_url


@pytest.mark.parametrize("name", ["events:rsvp-status", "events:rsvp-cancel"])
def test_a_token_url_equals_what_reverse_gives(name):
    tokens = [secrets.token_urlsafe(24) for _ in range(50)] + ["-_", "0token0mark0"]
    for token in tokens:
        assert token_url(name, token) == reverse(name, args=[token])


def test_a_value_that_is_not_url_safe_goes_through_reverse():
    for value in ["a b", "café", "x?y=1", "a%2Fb"]:
        assert token_url("events:rsvp-status", value) == reverse("events:rsvp-status", args=[value])
