"""What `/health/` asks comms (outbox rows a worker claimed and never finished), and the
outbox's gauges for `/metrics`.

A worker that dies leaves its rows SENDING until the lease expires; `comms.deliver-due` then
takes them back (`delivery.recover_expired_leases`). A row still claimed
`BLOC_HEALTH_OUTBOX_STUCK_SECONDS` after its lease expired means that recovery is not running.
"""

import dataclasses
from datetime import timedelta
from typing import ClassVar

from django.conf import settings
from django.utils import timezone
from health_check.exceptions import ServiceUnavailable

from bloc.comms.models import OutboxMessage
from bloc.core.health import DatabaseCheck
from bloc.core.registry import Gauge


@dataclasses.dataclass
class OutboxLeases(DatabaseCheck):
    name: ClassVar[str] = "outbox"

    def check(self) -> None:
        cutoff = timezone.now() - timedelta(seconds=settings.BLOC_HEALTH_OUTBOX_STUCK_SECONDS)
        stuck = OutboxMessage.objects.filter(
            status=OutboxMessage.Status.SENDING, lease_expires_at__lt=cutoff
        ).count()
        if stuck:
            raise ServiceUnavailable(f"{stuck} outbox rows stuck past their lease")


def _pending() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).count()


def _oldest_due_seconds() -> float | None:
    now = timezone.now()
    due = (
        OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("next_attempt_at", flat=True)
        .first()
    )
    return None if due is None else (now - due).total_seconds()


def _sending() -> int:
    return OutboxMessage.objects.filter(status=OutboxMessage.Status.SENDING).count()


GAUGES = {
    "bloc_outbox_pending": Gauge("Outbox messages waiting to be sent (the backlog).", _pending),
    "bloc_outbox_sending": Gauge("Outbox messages claimed by a worker right now.", _sending),
    "bloc_outbox_oldest_due_seconds": Gauge(
        "Seconds the longest-waiting due outbox message has waited.", _oldest_due_seconds
    ),
}
