"""A transactional outbox for tasks (issue 16, item 6).

`enqueue(task, *args)`, called inside a write's transaction, stores the task in that same
transaction (`QueuedTask`). Right after the commit it is put on the task queue; if the process
died in between (a worker killed just after its commit), the `core.dispatch-queued-tasks`
periodic job does it within a minute. So the task is never lost with a committed write, and
never queued for a write that rolled back.

With the database task backend the task row is inserted and the `QueuedTask` deleted in one
transaction: each task is queued exactly once. With Redis a crash between the two queues it
twice, so tasks sent this way tolerate a rare repeat (a second confirmation email).
"""

import logging
import threading
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string

from bloc.core.registry import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)
_local = threading.local()


def _pending() -> set[int]:
    ids: set[int] | None = getattr(_local, "ids", None)
    if ids is None:
        ids = _local.ids = set()
    return ids


def enqueue(task: Any, *args: Any, **kwargs: Any) -> None:
    """Queue `task(*args, **kwargs)` with the current transaction: on the task queue after
    the commit, never before, and never lost to a crash in between. Arguments must be JSON."""
    from bloc.core.models import QueuedTask

    row = QueuedTask.objects.create(task_path=task.module_path, args=list(args), kwargs=kwargs)
    _pending().add(row.pk)
    # One callback per row (a rolled-back savepoint drops its own); the first to run after
    # the commit dispatches them all, the others find nothing left to do.
    transaction.on_commit(_dispatch_pending, robust=True)


def _dispatch_pending() -> None:
    ids = _pending()
    if not ids:
        return
    wanted = sorted(ids)
    ids.clear()
    dispatch(ids=wanted)


def dispatch(*, ids: list[int] | None = None, limit: int = 500) -> int:
    """Put queued tasks on the task queue (those in `ids`, or all waiting); returns how many.
    Rows another process is dispatching are skipped, so nothing goes twice."""
    from bloc.core.models import QueuedTask

    done = 0
    while True:
        with transaction.atomic():
            rows = QueuedTask.objects.select_for_update(skip_locked=True).order_by("id")
            if ids is not None:
                rows = rows.filter(pk__in=ids)
            batch = list(rows[:limit])
            for row in batch:
                try:
                    task = import_string(row.task_path)
                except ImportError:
                    logger.error("queued task #%s names no task (%s)", row.pk, row.task_path)
                    continue
                task.enqueue(*row.args, **row.kwargs)
                done += 1
            QueuedTask.objects.filter(pk__in=[row.pk for row in batch]).delete()
        if len(batch) < limit:
            return done


periodic_jobs.register(
    "core.dispatch-queued-tasks",
    PeriodicJob(run=lambda: dispatch(), every=timedelta(minutes=1)),
)
