from typing import Any

from bloc.accounts import selectors


def can_manage_roles(user: Any) -> bool:
    return selectors.is_national_admin(user)


def can_read_audit_log(user: Any) -> bool:
    """National admins read the whole log; chapter organizers that of their chapters."""
    return selectors.is_national_admin(user) or bool(selectors.organized_chapter_ids(user))
