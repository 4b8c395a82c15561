"""Typed helpers for the append-only audit log. Apps wrap `record` in their own audit.py."""

from typing import Any

from django.db import models

from bloc.core.models import AuditEvent


def record(
    action: str,
    *,
    actor: Any = None,
    target: models.Model | None = None,
    chapter_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Append one event. `data` must hold identifiers and counts only, never personal values."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        chapter_id=chapter_id,
        data=data,
    )


def record_list_view(
    *, actor: Any, what: str, count: int, chapter_id: int | None = None, **filters: Any
) -> AuditEvent:
    """Viewing or searching a list of members is itself audited (DOMAIN.md, Safety)."""
    return record(
        "people.list_viewed", actor=actor, chapter_id=chapter_id, what=what, count=count, **filters
    )
