"""Writes for accounts and roles: the only path, used by views, admin, commands and seeds."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import audit, selectors
from bloc.accounts.models import SCOPED_ROLES, Role, RoleAssignment, User


def create_user(*, email: str, password: str | None = None, display_name: str = "") -> User:
    email = User.objects.normalize_email(email).strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": "An account with this email address already exists."})
    return User.objects.create_user(email=email, password=password, display_name=display_name)


def grant_role(
    *, actor: Any, user: User, role: Role | str, scope_id: int | None = None
) -> RoleAssignment:
    role = Role(role)
    if actor is not None and not selectors.is_national_admin(actor):
        raise PermissionDenied("Only a national admin can grant roles.")
    if role in SCOPED_ROLES and scope_id is None:
        raise ValidationError({"scope_id": f"A {role.label.lower()} role needs a scope."})
    if role not in SCOPED_ROLES:
        scope_id = None
    with transaction.atomic():
        existing = RoleAssignment.objects.active().filter(user=user, role=role, scope_id=scope_id)
        if existing.exists():
            return existing.get()
        assignment = RoleAssignment.objects.create(
            user=user,
            role=role,
            scope_id=scope_id,
            granted_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.role_granted(actor=actor, assignment=assignment)
    selectors.forget_roles(user)
    return assignment


def revoke_role(*, actor: Any, assignment: RoleAssignment) -> RoleAssignment:
    if actor is not None and not selectors.is_national_admin(actor):
        raise PermissionDenied("Only a national admin can revoke roles.")
    with transaction.atomic():
        assignment.revoked_at = timezone.now()
        assignment.save(update_fields=["revoked_at"])
        audit.role_revoked(actor=actor, assignment=assignment)
    selectors.forget_roles(assignment.user)
    return assignment
