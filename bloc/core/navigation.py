"""Navigation by role: apps register menu entries; the layout shows those the reader may use."""

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

#: URLs of names without arguments, by URL configuration, script prefix, name and current app.
_reversed: dict[tuple[Any, str, str, str | None], str] = {}
_MAX_REVERSED = 4096


def cached_reverse(url_name: str, *, current_app: str | None = None) -> str:
    """``reverse(url_name)`` for a URL without arguments, remembered: such a URL is the same on
    every request to the same URL configuration and script prefix, and the layout and menu
    name several on every page (reverse() showed on the public forms' CPU profile). Clearing
    the URL caches (a test overriding ROOT_URLCONF) makes a new resolver, hence new keys."""
    key = (get_resolver(get_urlconf()), get_script_prefix(), url_name, current_app)
    url = _reversed.get(key)
    if url is None:
        url = reverse(url_name, current_app=current_app)
        if len(_reversed) < _MAX_REVERSED:
            _reversed[key] = url
    return url


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
