"""Per-client limits on public forms (RSVPs, event submissions, pledges), with django-ratelimit.

Each limit is a setting (``"60/m"``, ``"10/h"``; empty turns it off) so an organization can
raise it for a launch. Counts live in the default cache: set REDIS_URL in production so every
web process shares them (with the in-process cache each process counts on its own). Behind a
proxy, BLOC_CLIENT_IP_HEADER names the header that carries the visitor's address."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def over_limit(request: HttpRequest, *, group: str, setting: str) -> bool:
    """Count this POST against the client's limit for ``group``; True when it is over."""
    rate = getattr(settings, setting, "")
    if not rate or request.method != "POST":
        return False
    return is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)


def too_many(request: HttpRequest) -> HttpResponse:
    """429 with a page that says what happened and when to try again. Nothing was written."""
    response = render(request, "core/rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response
