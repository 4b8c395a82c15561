"""Typed audit helpers for the program. Identifiers and states only."""

from typing import Any

from bloc.core.audit import record
from bloc.program.models import Plank, Stance


def plank_step(*, actor: Any, plank: Plank, step: str, **data: Any) -> None:
    record(f"program.plank_{step}", actor=actor, target=plank, key=plank.key, **data)


def stance_recorded(*, actor: Any, stance: Stance) -> None:
    record(
        "program.stance_recorded",
        actor=actor,
        target=stance,
        plank_id=stance.plank_id,
        holder_type=stance.holder_type,
        holder_id=stance.holder_id,
        position=stance.position,
        source=stance.source,
    )
