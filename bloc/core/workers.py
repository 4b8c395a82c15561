"""Worker lifecycle: a graceful stop on SIGTERM, and heartbeats that tell a dead worker from a
slow one (docs/decisions/0801-delivery-semantics.md, addendum).

A process manager stops a worker with SIGTERM and, after a grace period (`docker stop`: 10 s;
`BLOC_WORKER_GRACE_SECONDS`), SIGKILL. On SIGTERM the work in hand is asked to stop at its next
safe point (`stop_requested()`): the outbox finishes the message in flight, gives back the rest
of its claim and returns, so the worker exits well inside the grace period. `bloc db_worker`
gets this through the `task_started` signal (the handler chains to db_worker's own, which stops
taking tasks); `comms_worker` installs it itself.

A worker killed outright (SIGKILL, OOM, a lost machine) leaves its task RUNNING forever. So every
database task worker writes a heartbeat (`WorkerHeartbeat`) from a thread every
`BLOC_STALE_JOB_SECONDS / 10`, and the `core.fail-stale-tasks` periodic job marks RUNNING tasks
of workers quiet for `BLOC_STALE_JOB_SECONDS` as failed (`WorkerLost`, with a clear message),
then enqueues again the tasks registered as safe to repeat (`resumable`).
"""

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from types import FrameType
from typing import Any, TypeVar

from django.conf import settings
from django.db import connection, transaction
from django.dispatch import receiver
from django.utils import timezone
from django_tasks.signals import task_started

from bloc.core.registry import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)
T = TypeVar("T")

_stop = threading.Event()
_previous: dict[int, Any] = {}
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_requested() -> bool:
    """True once this process was asked to stop (SIGTERM, SIGINT, or `request_stop()`)."""
    return _stop.is_set()


def request_stop() -> None:
    _stop.set()


def reset_stop() -> None:
    """Forget a stop request (tests; a worker never takes one back)."""
    _stop.clear()


def sleep(seconds: float) -> bool:
    """Sleep, waking early on a stop request; True if the process should stop."""
    return _stop.wait(max(0.0, seconds))


def grace_seconds() -> float:
    """How long the process manager waits between SIGTERM and SIGKILL (docker stop: 10 s)."""
    return float(getattr(settings, "BLOC_WORKER_GRACE_SECONDS", 10))


def _on_signal(signum: int, frame: FrameType | None) -> None:
    first = not _stop.is_set()
    _stop.set()
    previous = _previous.get(signum)
    if callable(previous) and previous is not signal.default_int_handler:
        previous(signum, frame)  # e.g. db_worker's own handler: it stops taking tasks
    elif not first:
        raise SystemExit(128 + signum)  # asked twice: stop now


def install_stop_handler() -> bool:
    """On SIGTERM or SIGINT, ask the work in hand to stop at its next safe point, then call the
    handler that was there before (db_worker's own, which stops taking new tasks). A second
    signal with no handler before ours exits at once. Only the main thread can do this; returns
    whether it did (again is a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if current is _on_signal:
            continue
        _previous[signum] = current
        signal.signal(signum, _on_signal)
    return True


def uninstall_stop_handler() -> None:
    """Put back the handlers `install_stop_handler` found (tests)."""
    for signum, previous in list(_previous.items()):
        if signal.getsignal(signum) is _on_signal:
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        del _previous[signum]


# --- Heartbeats and stale tasks ------------------------------------------------------------


class WorkerLost(Exception):
    """The worker running a task stopped without finishing it."""


def stale_seconds() -> float:
    """A job or task whose heartbeat is older than this was left by a dead worker."""
    return float(getattr(settings, "BLOC_STALE_JOB_SECONDS", 300))


def heartbeat_seconds() -> float:
    return max(1.0, stale_seconds() / 10)


class Heartbeat:
    """Call `beat` every `every` seconds from a daemon thread (with its own database
    connection, closed after each beat) until `stop()`. A beat that fails is logged and tried
    again next time; the thread dies with the process, which is the point."""

    def __init__(self, beat: Callable[[], Any], *, every: float | None = None) -> None:
        self.beat = beat
        self.every = every or heartbeat_seconds()
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="bloc-heartbeat", daemon=True)

    def _run(self) -> None:
        while not self._done.wait(self.every):
            try:
                self.beat()
            except Exception as exc:
                logger.warning("heartbeat failed: %s", type(exc).__name__)
            finally:
                connection.close()

    def start(self) -> "Heartbeat":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._done.set()

    def __enter__(self) -> "Heartbeat":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


_worker_beat: tuple[str, Heartbeat] | None = None
_worker_beat_lock = threading.Lock()


def _beat_worker(worker_id: str) -> None:
    from bloc.core.models import WorkerHeartbeat

    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id[:64],
        defaults={"beat_at": timezone.now(), "pid": os.getpid(), "host": socket.gethostname()},
    )


def start_worker_heartbeat(worker_id: str) -> None:
    """This process is the task worker `worker_id`: beat now, then from a thread."""
    global _worker_beat
    with _worker_beat_lock:
        if _worker_beat is not None and _worker_beat[0] == worker_id:
            return
        if _worker_beat is not None:
            _worker_beat[1].stop()
        _beat_worker(worker_id)
        _worker_beat = (worker_id, Heartbeat(lambda: _beat_worker(worker_id)).start())


def _is_database_backend(sender: Any) -> bool:
    from django_tasks_db import DatabaseBackend

    backend = sender if isinstance(sender, type) else type(sender)
    return issubclass(backend, DatabaseBackend)


@receiver(task_started, dispatch_uid="bloc.core.workers.task_started")
def _on_task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """In a database task worker (`bloc db_worker`): a graceful stop, and a heartbeat."""
    if not _is_database_backend(sender):
        return
    install_stop_handler()
    worker_ids = list(getattr(task_result, "worker_ids", []) or [])
    if worker_ids:
        start_worker_heartbeat(str(worker_ids[-1]))


#: Tasks that are safe to run again after their worker died (`resumable(task)`).
RESUMABLE: set[str] = set()


def resumable(task: T) -> T:
    """Mark a task as safe to run again from the start after its worker died mid-run."""
    RESUMABLE.add(str(getattr(task, "module_path", "")))
    return task


def fail_stale_tasks(*, now: datetime | None = None) -> dict[str, int]:
    """Mark failed the RUNNING database tasks whose worker is gone (no heartbeat for
    `stale_seconds()`), with a message saying so; enqueue the resumable ones again."""
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from bloc.core.models import WorkerHeartbeat

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    candidates = list(
        DBTaskResult.objects.filter(
            status=TaskResultStatus.RUNNING, started_at__lt=cutoff
        ).values_list("id", "worker_ids")
    )
    if not candidates:
        return {"failed": 0, "resumed": 0}
    beats = dict(
        WorkerHeartbeat.objects.filter(
            worker_id__in=[ids[-1] for _pk, ids in candidates if ids]
        ).values_list("worker_id", "beat_at")
    )
    counts = {"failed": 0, "resumed": 0}
    for pk, worker_ids in candidates:
        beat = beats.get(worker_ids[-1]) if worker_ids else None
        if beat is not None and beat >= cutoff:
            continue  # a slow task of a live worker
        with transaction.atomic():
            result = (
                DBTaskResult.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, status=TaskResultStatus.RUNNING)
                .first()
            )
            if result is None:
                continue
            quiet = int((now - beat).total_seconds()) if beat else int(stale_seconds())
            result.set_failed(
                WorkerLost(
                    f"The worker running this task stopped without finishing it (no sign of "
                    f"life for {quiet} s). Whatever the task had not committed was not done."
                )
            )
            counts["failed"] += 1
            task = result.task
            if task.module_path in RESUMABLE:
                task.enqueue(*result.args_kwargs["args"], **result.args_kwargs["kwargs"])
                counts["resumed"] += 1
        logger.warning("task %s (%s) failed: its worker was lost", pk, result.task_name)
    WorkerHeartbeat.objects.filter(beat_at__lt=now - timedelta(days=1)).delete()
    return counts


def _fail_stale_tasks() -> None:
    from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends

    # Not `default_task_backend`: that is a proxy, whose type is the proxy's.
    if _is_database_backend(task_backends[DEFAULT_TASK_BACKEND_ALIAS]):
        fail_stale_tasks()


periodic_jobs.register(
    "core.fail-stale-tasks", PeriodicJob(run=_fail_stale_tasks, every=timedelta(minutes=1))
)
