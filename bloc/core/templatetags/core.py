"""Template tags for the layout: URLs reversed once and remembered."""

from typing import Any

from django import template

from bloc.core.navigation import cached_reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def cached_url(context: Any, url_name: str, *args: str | int) -> str:
    """``{% url 'name' arg %}``, remembered (``cached_reverse``): for URLs without arguments or
    whose arguments take few values, never for tokens. The current app is worked out as
    ``{% url %}`` does."""
    request = context.get("request")
    current_app = getattr(request, "current_app", None)
    if current_app is None:
        match = getattr(request, "resolver_match", None)
        current_app = match.namespace if match is not None else None
    return cached_reverse(url_name, *args, current_app=current_app)
