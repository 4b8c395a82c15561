"""Background sending. Broadcasts run on their own queue (`BLOC_COMMS_QUEUE`, default "comms")
when the task backend offers it, and always through the outbox, so a 100,000-recipient send never
sits in front of login codes on the default queue. `manage.py comms_worker` is the dedicated
worker pool; tasks fan out in batches (one task per `BLOC_COMMS_BATCH_SIZE` recipients, capped).
"""

import math
from datetime import timedelta
from typing import Any

from django.conf import settings
from django_tasks import default_task_backend, task

from bloc.comms import delivery, services
from bloc.core import workers
from bloc.core.registry import PeriodicJob, periodic_jobs


def _queue_name() -> str:
    wanted = settings.BLOC_COMMS_QUEUE or "default"
    queues: set[str] = getattr(default_task_backend, "queues", set())
    return wanted if not queues or wanted in queues else "default"


@workers.resumable  # its worker died: the outbox took back its rows; run it again
@task()
def deliver_outbox(budget_seconds: float = 50.0) -> dict[str, int]:
    """Claim and send due batches for up to `budget_seconds`; periodic jobs pick up the rest.
    In `bloc db_worker`, SIGTERM ends it after the message in flight (`bloc.core.workers`)."""
    return delivery.run_worker(budget_seconds=budget_seconds)


def start_delivery(*, recipients: int) -> None:
    parallel = int(getattr(settings, "BLOC_COMMS_PARALLEL_TASKS", 4))
    count = max(1, min(parallel, math.ceil(recipients / delivery.batch_size())))
    queued = deliver_outbox.using(queue_name=_queue_name())
    for _ in range(count):
        queued.enqueue()


def _deliver_due() -> Any:
    delivery.recover_expired_leases()
    return delivery.run_worker(budget_seconds=50.0)


periodic_jobs.register(
    "comms.release-scheduled",
    PeriodicJob(run=lambda: services.release_scheduled(), every=timedelta(minutes=1)),
)
periodic_jobs.register(
    "comms.choose-ab-winners",
    PeriodicJob(run=lambda: services.choose_winners(), every=timedelta(minutes=5)),
)
periodic_jobs.register(
    "comms.deliver-due", PeriodicJob(run=_deliver_due, every=timedelta(minutes=1))
)
