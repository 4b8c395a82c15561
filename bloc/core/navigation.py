"""Navigation by role: apps register menu entries; the layout shows those the reader may use."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class MenuEntry:
    label: str
    url_name: str
    visible_to: Callable[[Any], bool]
    order: int = 100


_entries: list[MenuEntry] = []


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
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": entry.label, "url": url, "active": request.path.startswith(url)})
    return items
