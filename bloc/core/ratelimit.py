"""Per-client limits on public forms (RSVPs, event submissions, pledges), with django-ratelimit.

Each limit is a setting (``"60/m"``, ``"10/h"``; empty turns it off) so an organization can
raise it for a launch. Counts live in the default cache: set REDIS_URL in production so every
web process shares them (with the in-process cache each process counts on its own).

Every per-client limit, these and sign-in's (allauth), counts the address ``client_ip`` gives:
the connection's peer unless the deployment says which proxies to trust
(BLOC_TRUSTED_PROXY_COUNT or BLOC_CLIENT_IP_HEADER, read by allauth as
ALLAUTH_TRUSTED_PROXY_COUNT / ALLAUTH_TRUSTED_CLIENT_IP_HEADER)."""

import ipaddress

from allauth import app_settings as allauth_settings
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit.core import is_ratelimited


def _address(value: str) -> str:
    """A valid IP address from a header entry (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``)."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return ""


def client_ip(request: HttpRequest) -> str:
    """The visitor's address. With no trusted proxy configured it is the connection's peer and
    X-Forwarded-For is never read (anyone can write it). Behind N trusted proxies it is the
    N-th entry from the right of X-Forwarded-For: the address the outermost trusted proxy saw,
    whatever the visitor wrote to the left of it. A proxy that sets its own header instead
    (X-Real-IP, CF-Connecting-IP) is named by ALLAUTH_TRUSTED_CLIENT_IP_HEADER. A missing or
    unreadable value falls back to the peer (the proxy): the visitor shares the proxy's
    limit rather than choosing their own. allauth's sign-in limits use this too
    (bloc.accounts.adapter), so a visitor has one address everywhere."""
    candidate = ""
    header = allauth_settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        candidate = _address(request.headers.get(header, ""))
    else:
        count = allauth_settings.TRUSTED_PROXY_COUNT
        forwarded = request.headers.get("X-Forwarded-For", "")
        if count > 0 and forwarded:
            hops = forwarded.split(",")
            if len(hops) >= count:
                candidate = _address(hops[-count])
    address = candidate or _address(request.META.get("REMOTE_ADDR", ""))
    if not address:
        raise ImproperlyConfigured(
            "No client address (REMOTE_ADDR is empty): behind a proxy on a Unix socket, set "
            "BLOC_TRUSTED_PROXY_COUNT or BLOC_CLIENT_IP_HEADER."
        )
    return address


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
