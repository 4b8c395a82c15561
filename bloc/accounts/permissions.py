from typing import Any

from bloc.accounts import selectors


def can_manage_roles(user: Any) -> bool:
    return selectors.is_national_admin(user)
