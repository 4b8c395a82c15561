"""Typed audit helpers for the API. Token ids and names' lengths only: never a secret."""

from typing import Any

from bloc.api.models import ApiToken
from bloc.core.audit import record


def token_issued(*, actor: Any, token: ApiToken) -> None:
    record(
        "api.token_issued",
        actor=actor,
        target=token,
        expires_at=token.expires_at.isoformat() if token.expires_at else None,
    )


def token_revoked(*, actor: Any, token: ApiToken) -> None:
    record("api.token_revoked", actor=actor, target=token)


def signup_received(*, actor: Any, person_id: int, chapter_id: int | None, created: bool) -> None:
    record(
        "api.person_signup",
        actor=actor,
        chapter_id=chapter_id,
        person_id=person_id,
        created=created,
    )
