"""Typed audit helpers for comms. Identifiers and counts only, never addresses or bodies."""

from typing import Any

from django.db import models

from bloc.core.audit import record


def _chapter(obj: Any) -> int | None:
    return getattr(obj, "chapter_id", None)


def event(action: str, *, actor: Any, target: models.Model | None = None, **data: Any) -> None:
    record(f"comms.{action}", actor=actor, target=target, chapter_id=_chapter(target), **data)


def audience_viewed(*, actor: Any, audience: Any, count: int) -> None:
    record(
        "people.list_viewed",
        actor=actor,
        chapter_id=audience.chapter_id,
        what="comms.audience",
        audience_id=audience.pk,
        count=count,
    )


def unknown_viewed(*, actor: Any, broadcast: Any, count: int) -> None:
    """Staff saw who may not have received a broadcast (a list of people)."""
    record(
        "people.list_viewed",
        actor=actor,
        chapter_id=broadcast.chapter_id,
        what="comms.unknown_outcome",
        broadcast_id=broadcast.pk,
        count=count,
    )
