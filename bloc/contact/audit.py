"""Typed audit helpers for voter contact: identifiers and counts, never numbers or bodies."""

from typing import Any

from django.db import models

from bloc.core.audit import record


def event(
    action: str, *, actor: Any, campaign: Any, target: models.Model | None = None, **data: Any
) -> None:
    record(
        f"contact.{action}",
        actor=actor,
        target=target if target is not None else campaign,
        chapter_id=getattr(campaign, "chapter_id", None),
        campaign_id=getattr(campaign, "pk", None),
        **data,
    )


def list_viewed(*, actor: Any, campaign: Any, what: str, count: int) -> None:
    record(
        "people.list_viewed",
        actor=actor,
        chapter_id=campaign.chapter_id,
        what=f"contact.{what}",
        campaign_id=campaign.pk,
        count=count,
    )
