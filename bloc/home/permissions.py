"""Who may edit a chapter's public page, and who sees deletion requests."""

from typing import Any

from bloc.accounts import selectors as roles


def can_edit_chapter_page(user: Any, chapter_id: int | None) -> bool:
    """The chapter's own organizers and national admins."""
    if roles.is_national_admin(user):
        return True
    return chapter_id is not None and chapter_id in roles.organized_chapter_ids(user)


def can_see_deletion_requests(user: Any) -> bool:
    return roles.is_national_admin(user)
