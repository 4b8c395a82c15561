from typing import Any

from bloc.accounts import selectors as roles


def can_use_comms(user: Any) -> bool:
    """National admins and chapter organizers build audiences and send broadcasts."""
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def can_send_national(user: Any) -> bool:
    return roles.is_national_admin(user)


def can_send_for(user: Any, chapter_id: int | None) -> bool:
    if chapter_id is None:
        return can_send_national(user)
    return roles.is_national_admin(user) or chapter_id in roles.organized_chapter_ids(user)


def can_approve(user: Any, broadcast: Any) -> bool:
    """Four eyes on national sends: a national admin other than the author approves."""
    return roles.is_national_admin(user) and broadcast.created_by_id != getattr(user, "pk", None)
