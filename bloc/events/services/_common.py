"""Shared pieces of the events write path."""

import secrets
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.crypto import get_random_string


@dataclass(frozen=True)
class SlotSpec:
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    role: str = ""


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _check_in_code() -> str:
    return get_random_string(6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _follow_up_days() -> int:
    return int(getattr(settings, "BLOC_EVENTS_FOLLOW_UP_DAYS", 7))
