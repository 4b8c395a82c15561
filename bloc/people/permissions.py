from typing import Any

from bloc.accounts import selectors as roles


def can_list_people(user: Any) -> bool:
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def can_import(user: Any) -> bool:
    return can_list_people(user)


def can_manage_chapters(user: Any) -> bool:
    return roles.is_national_admin(user)


def can_edit_person_in(user: Any, chapter_id: int | None) -> bool:
    if roles.is_national_admin(user):
        return True
    return chapter_id is not None and chapter_id in roles.organized_chapter_ids(user)
