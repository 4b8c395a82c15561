"""The server clock for voting windows, with an in-process replay for demo history.

Only code running inside the server process can replay (the demo seed uses it to record a past
election through the real services); no request can. Tests use time-machine instead."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime

from django.utils import timezone

_replay_at: ContextVar[datetime | None] = ContextVar("democracy_replay_at", default=None)


def now() -> datetime:
    return _replay_at.get() or timezone.now()


def today() -> date:
    return timezone.localdate(now())


@contextmanager
def replaying(at: datetime) -> Iterator[None]:
    token = _replay_at.set(at)
    try:
        yield
    finally:
        _replay_at.reset(token)
