"""PrivateCacheMiddleware's rules, one response at a time (tests/test_private_cache.py walks
real pages of every app)."""

from types import SimpleNamespace

from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import ResolverMatch

from bloc.core.middleware import PrivateCacheMiddleware

SIGNED_IN = SimpleNamespace(is_authenticated=True)


def _headers(*, method="get", user=None, cache_control=None, cookie=False, kwargs=None) -> str:
    def view(request):
        response = HttpResponse("page")
        if cache_control:
            response["Cache-Control"] = cache_control
        if cookie:
            response.set_cookie("csrftoken", "x")
        return response

    request = getattr(RequestFactory(), method)("/")
    request.user = user or AnonymousUser()
    request.resolver_match = ResolverMatch(view, (), kwargs or {})
    return PrivateCacheMiddleware(view)(request).get("Cache-Control", "")


def test_a_visitors_public_page_is_left_alone():
    assert _headers() == ""
    assert _headers(cache_control="max-age=60, public") == "max-age=60, public"


def test_signed_in_post_cookie_and_token_pages_are_private():
    for kwargs in (
        {"user": SIGNED_IN},
        {"method": "post"},
        {"cookie": True},
        {"kwargs": {"token": "abc"}},
    ):
        assert set(_headers(**kwargs).split(", ")) == {"private", "no-store"}, kwargs


def test_a_views_own_directives_are_kept_and_public_caching_only_without_cookies():
    assert _headers(user=SIGNED_IN, cache_control="public, max-age=86400") == (
        "public, max-age=86400"
    )
    assert set(_headers(cookie=True, cache_control="public, max-age=86400").split(", ")) == {
        "max-age=86400",
        "private",
        "no-store",
    }
    assert _headers(user=SIGNED_IN, cache_control="no-store") == "no-store"
