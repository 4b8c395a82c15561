"""Navigation by role: apps register menu entries; the layout shows those the reader may use."""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, get_resolver, get_script_prefix, get_urlconf, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    visible_to: Callable[[Any], bool]
    order: int = 100


_entries: list[MenuEntry] = []


def cached_reverse(url_name: str, *args: str | int, current_app: str | None = None) -> str:
    """``reverse(url_name, args=args)``, remembered for the most recent few thousand: a URL is
    the same on every request to the same URL configuration and script prefix, and the layout
    and menu name several on every page (reverse() showed on the public forms' CPU profile).
    For names without arguments or whose arguments take few values (a ballot, an event), not
    for one-off tokens. Clearing the URL caches (a test overriding ROOT_URLCONF) makes a new
    resolver, hence new keys."""
    return _reverse(get_resolver(get_urlconf()), get_script_prefix(), url_name, args, current_app)


@functools.lru_cache(maxsize=4096)
def _reverse(
    resolver: Any, prefix: str, url_name: str, args: tuple[str | int, ...], current_app: str | None
) -> str:
    return reverse(url_name, args=args, current_app=current_app)


_TOKEN_MARK = "0token0mark0"
_URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")


def is_url_safe(token: str) -> bool:
    """A token made by ``secrets.token_urlsafe``: the same quoted as unquoted."""
    return bool(_URL_SAFE.fullmatch(token))


def token_url(url_name: str, token: str) -> str:
    """``reverse(url_name, args=[token])`` for a one-off URL-safe token (``secrets.token_urlsafe``)
    without reversing on every request: the pattern is reversed once with a marker in the
    token's place (``cached_reverse``), and the token replaces the marker. Such a token is
    the same quoted as unquoted, so the result equals reverse()'s; any other value goes
    through reverse() itself."""
    if not is_url_safe(token):
        return reverse(url_name, args=[token])
    return cached_reverse(url_name, _TOKEN_MARK).replace(_TOKEN_MARK, token, 1)


def register_menu(entry: MenuEntry) -> None:
    if entry not in _entries:
        _entries.append(entry)


def menu_for(request: HttpRequest) -> list[dict[str, Any]]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for entry in sorted(_entries, key=lambda e: (e.order, e.label)):
        if not entry.visible_to(user):
            continue
        try:
            url = cached_reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "active": request.path.startswith(url)})
    return items
