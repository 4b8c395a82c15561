"""Who may shape the program: national admins draft, open, adopt and record partner stances."""

from typing import Any

from bloc.accounts import selectors as roles


def can_edit_program(user: Any) -> bool:
    return roles.is_national_admin(user)
