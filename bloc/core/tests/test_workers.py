"""Issue 16, item 6: a graceful stop on SIGTERM, heartbeats, and tasks left RUNNING by a dead
worker are failed with a clear message (and run again when they are safe to repeat)."""

import os
import signal
from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from django_tasks import task

from bloc.core import workers
from bloc.core.management.commands.run_periodic import run_due_jobs
from bloc.core.models import WorkerHeartbeat

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@task()
def long_job(n: int) -> int:
    return n


@task()
def safe_job(n: int) -> int:
    return n


workers.resumable(safe_job)


@pytest.fixture
def stop_handler():
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield
    workers.uninstall_stop_handler()
    workers.reset_stop()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


def test_sigterm_asks_the_work_in_hand_to_stop_and_chains_to_the_handler_before(stop_handler):
    seen = []
    signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
    assert workers.install_stop_handler()
    assert workers.install_stop_handler()  # twice is harmless: the old handler is kept once

    os.kill(os.getpid(), signal.SIGTERM)

    assert workers.stop_requested()
    assert seen == [signal.SIGTERM]  # db_worker's own handler still runs (it stops taking tasks)
    assert workers.sleep(5)  # a sleeping worker wakes at once


def test_a_second_sigterm_without_a_handler_before_exits_at_once(stop_handler):
    workers.install_stop_handler()
    os.kill(os.getpid(), signal.SIGTERM)  # the first only asks
    assert workers.stop_requested()
    with pytest.raises(SystemExit):
        os.kill(os.getpid(), signal.SIGTERM)


def _running(job, worker_id, *, args=(1,)):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        result = job.enqueue(*args)
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    return row


@pytest.mark.django_db
def test_a_task_whose_worker_went_quiet_is_failed_with_a_clear_message():
    from django_tasks_db.models import DBTaskResult

    started = timezone.now()
    with time_machine.travel(started, tick=False):
        dead = _running(long_job, "dead-worker")
        alive = _running(long_job, "live-worker")
        WorkerHeartbeat.objects.create(worker_id="dead-worker", pid=1, beat_at=started)
    later = started + timedelta(seconds=workers.stale_seconds() + 60)
    WorkerHeartbeat.objects.create(worker_id="live-worker", pid=2, beat_at=later)

    with override_settings(TASKS=DB_TASKS):
        counts = workers.fail_stale_tasks(now=later)

    assert counts == {"failed": 1, "resumed": 0}
    dead.refresh_from_db()
    assert dead.status == "FAILED"
    assert dead.exception_class_path == "bloc.core.workers.WorkerLost"
    assert "stopped without finishing it" in dead.traceback
    alive.refresh_from_db()
    assert alive.status == "RUNNING"  # a slow task of a live worker is left alone
    assert DBTaskResult.objects.filter(status="READY").count() == 0


@pytest.mark.django_db
def test_a_stale_task_that_is_safe_to_repeat_is_run_again():
    from django_tasks_db.models import DBTaskResult

    started = timezone.now()
    with time_machine.travel(started, tick=False):
        _running(safe_job, "gone-worker", args=(7,))
    later = started + timedelta(seconds=workers.stale_seconds() + 1)

    with override_settings(TASKS=DB_TASKS), time_machine.travel(later):
        # As `bloc run-periodic` runs it.
        assert run_due_jobs(only="core.fail-stale-tasks") == ["core.fail-stale-tasks"]

    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs == {"args": [7], "kwargs": {}}


@pytest.mark.django_db
def test_a_task_worker_beats_when_it_starts_a_task():
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    row = _running(long_job, "worker-7")
    try:
        workers._on_task_started(DatabaseBackend, row.task_result)
        beat = WorkerHeartbeat.objects.get(worker_id="worker-7")
        assert beat.pid == os.getpid()
        assert timezone.now() - beat.beat_at < timedelta(seconds=5)
    finally:
        workers.uninstall_stop_handler()
        if workers._worker_beat is not None:
            workers._worker_beat[1].stop()
            workers._worker_beat = None
    assert DBTaskResult.objects.filter(pk=row.pk).exists()


@pytest.mark.django_db
def test_run_periodic_in_a_loop_stops_between_jobs_on_sigterm(stop_handler, monkeypatch):
    from django.core.management import call_command

    from bloc.core.registry import PeriodicJob, periodic_jobs

    ran = []

    def first() -> None:
        ran.append("first")
        os.kill(os.getpid(), signal.SIGTERM)  # `docker stop` while a job runs

    jobs = {
        "a.first": PeriodicJob(run=first, every=timedelta(minutes=1)),
        "b.second": PeriodicJob(run=lambda: ran.append("second"), every=timedelta(minutes=1)),
    }
    monkeypatch.setattr(periodic_jobs, "_items", jobs)

    call_command("run_periodic", "--loop", "--interval", "3600")  # returns: it was asked to stop

    assert ran == ["first"]  # the job in hand finished; no other started, no hour's sleep
