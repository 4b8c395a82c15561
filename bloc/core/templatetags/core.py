"""Template tags for the layout: URLs reversed once and remembered."""

from typing import Any

from django import template

from bloc.core.navigation import cached_reverse
from bloc.core.navigation import token_url as _token_url

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


@register.simple_tag
def token_url(url_name: str, token: str) -> str:
    """``{% url 'name' token %}`` for a URL-safe one-off token, without reversing each time
    (``navigation.token_url``)."""
    return _token_url(url_name, token)
