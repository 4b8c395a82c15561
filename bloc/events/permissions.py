"""Who may moderate and manage events. Hosts without accounts use a private link instead."""

from typing import Any

from bloc.accounts import selectors as roles


def is_event_staff(user: Any) -> bool:
    """National admins and chapter organizers: the moderation queue and follow-ups."""
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def can_manage_event(user: Any, chapter_id: int | None) -> bool:
    if roles.is_national_admin(user):
        return True
    return chapter_id is not None and chapter_id in roles.organized_chapter_ids(user)


def can_manage_days(user: Any) -> bool:
    """Calling, editing and publishing days of action is national staff's work."""
    return roles.is_national_admin(user)


def can_create_day(user: Any) -> bool:
    return can_manage_days(user)


def skips_moderation(user: Any) -> bool:
    """Staff who could approve an event anyway do not wait in the queue for themselves."""
    return is_event_staff(user)
