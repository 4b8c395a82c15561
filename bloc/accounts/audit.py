from typing import Any

from bloc.accounts.models import RoleAssignment
from bloc.core.audit import record


def role_granted(*, actor: Any, assignment: RoleAssignment) -> None:
    record(
        "accounts.role_granted",
        actor=actor,
        target=assignment,
        user_id=assignment.user_id,
        role=assignment.role,
        scope_id=assignment.scope_id,
    )


def role_revoked(*, actor: Any, assignment: RoleAssignment) -> None:
    record(
        "accounts.role_revoked",
        actor=actor,
        target=assignment,
        user_id=assignment.user_id,
        role=assignment.role,
        scope_id=assignment.scope_id,
    )
