"""What `/health/` asks comms: outbox rows a worker claimed and never finished.

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
