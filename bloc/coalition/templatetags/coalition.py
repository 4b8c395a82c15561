from typing import Any

from django import template

from bloc.coalition import permissions

register = template.Library()


@register.simple_tag
def works_coalition(user: Any) -> bool:
    """True for admins and organizers: the internal pages (board, next steps) are theirs."""
    return permissions.is_staff_organizer(user)
