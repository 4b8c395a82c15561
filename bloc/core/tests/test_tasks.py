import os
import random
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django_tasks import task

from bloc.core.models import PeriodicJobRun
from bloc.core.registry import PeriodicJob, periodic_jobs
from bloc.core.tasks import TemporaryFailure, backoff_delay, retrying, send_email_on_commit

CALLS: list[int] = []


@task()
@retrying(max_attempts=3, base_seconds=1)
def flaky(fail_times: int) -> str:
    CALLS.append(1)
    if len(CALLS) <= fail_times:
        raise TemporaryFailure("provider timeout")
    return "done"


def test_backoff_grows_exponentially_with_jitter_and_a_ceiling():
    rng = random.Random(1)
    delays = [backoff_delay(n, base_seconds=10, max_seconds=300, rng=rng) for n in range(8)]
    for attempt, delay in enumerate(delays):
        ceiling = min(300, 10 * 2**attempt)
        assert ceiling / 2 <= delay.total_seconds() <= ceiling
    assert delays[-1] <= timedelta(seconds=300)


def test_a_temporary_failure_is_retried_until_it_succeeds():
    CALLS.clear()
    flaky.enqueue(fail_times=2)
    assert len(CALLS) == 3


def test_retries_stop_after_the_last_attempt(caplog):
    CALLS.clear()
    first = flaky.enqueue(fail_times=5)
    assert len(CALLS) == 3
    assert first.return_value is None  # the first attempt handed over to a retry
    assert "gave up after 3 attempts" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_email_is_sent_only_when_the_write_commits():
    with transaction.atomic():
        send_email_on_commit(to=["a@x.test"], subject="Kept", body="…")
    try:
        with transaction.atomic():
            send_email_on_commit(to=["b@x.test"], subject="Rolled back", body="…")
            raise RuntimeError("the write failed")
    except RuntimeError:
        pass
    assert [m.subject for m in mail.outbox] == ["Kept"]


@pytest.mark.django_db(transaction=True)
def test_the_database_backend_queues_until_a_worker_runs_it():
    db_tasks = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=db_tasks):
        from bloc.core.tasks import send_email

        result = send_email.enqueue(to=["queued@x.test"], subject="Queued", body="…")
        assert result.status == "READY" and not mail.outbox
        call_command("db_worker", batch=True, interval=0, verbosity=0)
        result.refresh()
        assert result.status == "SUCCESSFUL"
        assert [m.to for m in mail.outbox] == [["queued@x.test"]]


@pytest.mark.django_db
def test_periodic_jobs_run_when_due_and_not_before(time_machine):
    ran: list[str] = []
    periodic_jobs.register(
        "test.tick", PeriodicJob(run=lambda: ran.append("tick"), every=timedelta(hours=1))
    )
    try:
        time_machine.move_to("2026-11-27 10:00:00Z", tick=False)
        call_command("run_periodic")
        time_machine.move_to("2026-11-27 10:30:00Z", tick=False)
        call_command("run_periodic")
        time_machine.move_to("2026-11-27 11:01:00Z", tick=False)
        call_command("run_periodic")
        assert ran == ["tick", "tick"]
        assert PeriodicJobRun.objects.get(name="test.tick").last_error == ""
    finally:
        periodic_jobs._items.pop("test.tick")


@pytest.mark.redis
@pytest.mark.skipif(
    not os.environ.get("BLOC_TEST_REDIS"), reason="set BLOC_TEST_REDIS=1 with a Redis"
)
def test_the_redis_backend_enqueues_to_rq():
    import django_rq

    rq_settings = {"default": {"URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")}}
    with override_settings(
        RQ_QUEUES=rq_settings,
        TASKS={"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}},
    ):
        from bloc.core.tasks import send_email

        queue = django_rq.get_queue("default")
        queue.empty()
        result = send_email.enqueue(to=["r@x.test"], subject="Via Redis", body="…")
        assert queue.count == 1
        assert result.status == "READY"
        queue.empty()


@pytest.mark.django_db
def test_the_daily_prune_removes_finished_task_results_older_than_two_weeks(settings):
    """Issue 23: the prune compared the backend's class name with "DatabaseBackend", but the
    default backend is a proxy, so finished task rows were never removed."""
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    from bloc.core.tasks import _prune_task_results

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    old = timezone.now() - timedelta(days=20)
    row = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bloc.core.tasks.send_email",
        backend_name="default",
        status="SUCCESSFUL",
        finished_at=old,
    )
    recent = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="bloc.core.tasks.send_email",
        backend_name="default",
        status="SUCCESSFUL",
        finished_at=timezone.now(),
    )
    _prune_task_results()
    assert not DBTaskResult.objects.filter(pk=row.pk).exists()
    assert DBTaskResult.objects.filter(pk=recent.pk).exists()
