"""Bearer-token authentication and the per-token rate limit for the API.

A request carries ``Authorization: Bearer bloc_…``. The token acts as its user: the selectors
scope every read to that user's roles, exactly as for the web pages. Each token has its own
limit (BLOC_API_RATE, e.g. ``"600/m"``; empty turns it off), counted in the default cache (set
REDIS_URL so every web process shares the count); over it the answer is 429 with Retry-After.
"""

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.security import HttpBearer

from bloc.api import selectors
from bloc.api.models import ApiToken

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests.")
        self.retry_after = retry_after


def parse_rate(rate: str) -> tuple[int, int] | None:
    """``"600/m"`` → (600, 60); empty → None (no limit)."""
    rate = rate.strip()
    if not rate:
        return None
    count, _, unit = rate.partition("/")
    seconds = _UNITS.get(unit.strip()[-1:] or "m")
    digits = unit.strip()[:-1]
    if seconds is None or not count.strip().isdigit():
        raise ValueError(f"Not a rate: {rate!r} (say e.g. '600/m').")
    return int(count), seconds * (int(digits) if digits.isdigit() else 1)


def check_rate(token: ApiToken, *, now: float | None = None) -> None:
    """Count one request against the token's window; raise RateLimited when over."""
    limit = parse_rate(getattr(settings, "BLOC_API_RATE", ""))
    if limit is None:
        return
    count, window = limit
    now = time.time() if now is None else now
    start = int(now // window) * window
    key = f"bloc:api-rate:{token.digest[:24]}:{start}"
    cache.add(key, 0, timeout=window + 5)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window + 5)
        used = 1
    if used > count:
        raise RateLimited(max(1, int(start + window - now + 0.999)))


class TokenAuth(HttpBearer):
    """Authenticates with an API token; request.user becomes the token's user."""

    openapi_description = "An API token from the API tokens page: `Authorization: Bearer bloc_…`."

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = selectors.authenticate(token.strip())
        if found is None:
            return None
        check_rate(found)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user
