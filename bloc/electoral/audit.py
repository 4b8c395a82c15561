"""Typed audit helpers for electoral work. Identifiers, stages and counts only."""

from typing import Any

from bloc.core.audit import record
from bloc.electoral.models import Endorsement


def endorsement_event(*, actor: Any, endorsement: Endorsement, action: str, **data: Any) -> None:
    record(
        f"electoral.endorsement_{action}",
        actor=actor,
        target=endorsement,
        chapter_id=endorsement.chapter_id,
        stage=endorsement.stage,
        **data,
    )


def event(action: str, *, actor: Any, target: Any, **data: Any) -> None:
    record(f"electoral.{action}", actor=actor, target=target, **data)
