"""Template tags for the layout: URLs without arguments, reversed once per process."""

from typing import Any

from django import template

from bloc.core.navigation import cached_reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_url(context: Any, url_name: str) -> str:
    """``{% url 'name' %}`` for a URL without arguments, remembered after the first page (the
    current app is worked out as ``{% url %}`` does)."""
    request = context.get("request")
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        match = getattr(request, "resolver_match", None)
        current_app = match.namespace if match is not None else None
    return cached_reverse(url_name, current_app=current_app)
