"""Who holds which role where. Results are cached on the user object for one request."""

from typing import Any

from bloc.accounts.models import Role, RoleAssignment


def _roles(user: Any) -> dict[str, set[int | None]]:
    if not getattr(user, "is_authenticated", False):
        return {}
    cached = getattr(user, "_bloc_roles", None)
    if cached is None:
        cached = {}
        for role, scope_id in (
            RoleAssignment.objects.active().filter(user=user).values_list("role", "scope_id")
        ):
            cached.setdefault(role, set()).add(scope_id)
        user._bloc_roles = cached
    return cached


def forget_roles(user: Any) -> None:
    if hasattr(user, "_bloc_roles"):
        del user._bloc_roles


def is_national_admin(user: Any) -> bool:
    return Role.NATIONAL_ADMIN in _roles(user)


def scope_ids(user: Any, role: Role) -> set[int]:
    return {scope for scope in _roles(user).get(role, set()) if scope is not None}


def organized_chapter_ids(user: Any) -> set[int]:
    return scope_ids(user, Role.CHAPTER_ORGANIZER)


def has_staff_role(user: Any) -> bool:
    """Anyone whose role lets them see other people's data must use a second factor."""
    return bool(_roles(user))


def role_assignments(user: Any) -> list[RoleAssignment]:
    return list(RoleAssignment.objects.active().filter(user=user))


def audit_events_visible_to(user: Any) -> Any:
    """The audit log a reader may see: all of it for national admins, the events of their own
    chapters for organizers, nothing for anyone else."""
    from bloc.core.models import AuditEvent

    events = AuditEvent.objects.all()
    if is_national_admin(user):
        return events
    chapter_ids = organized_chapter_ids(user)
    if chapter_ids:
        return events.filter(chapter_id__in=chapter_ids)
    return events.none()
