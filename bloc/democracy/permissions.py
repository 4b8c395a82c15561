"""Who may run which ballots. National ballots: national admins; chapter ballots: also that
chapter's organizers."""

from typing import Any

from bloc.accounts import selectors as roles


def can_manage_ballots(user: Any) -> bool:
    return roles.is_national_admin(user) or bool(roles.organized_chapter_ids(user))


def can_manage_ballot_in(user: Any, chapter_id: int | None) -> bool:
    if roles.is_national_admin(user):
        return True
    return chapter_id is not None and chapter_id in roles.organized_chapter_ids(user)
