"""Issue 16, item 1, with real processes: SIGTERM to `comms_worker` and to `bloc db_worker`
while a broadcast is being sent. Each must finish the message in flight, give back the rest of
its claim, start nothing new and exit within the grace period. PostgreSQL only."""

import multiprocessing
import os
import signal
import time

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import override_settings

from bloc.comms import render
from bloc.comms.models import OutboxMessage
from bloc.comms.tests.fakes import FakeProvider
from bloc.comms.tests.test_crash_postgres import _queue_send
from bloc.core import workers
from bloc.core.models import WorkerHeartbeat

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FORK = multiprocessing.get_context("fork")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _comms_worker() -> None:
    call_command("comms_worker", "--batch", "200")
    connections.close_all()


def _db_worker() -> None:
    with override_settings(TASKS=DB_TASKS):
        call_command(
            "db_worker", "--no-startup-delay", "--no-reload", "--interval", "0.1", verbosity=0
        )
    connections.close_all()


@pytest.fixture
def slow_provider(settings):
    settings.BLOC_COMMS_BACKENDS = {"email": "bloc.comms.tests.fakes.HttpFakeEmail"}
    settings.BLOC_COMMS_FAKE_PROVIDER_IDEMPOTENT = False  # at-most-once: the strict case
    with FakeProvider(idempotent=False, delay_seconds=0.02) as provider:
        settings.BLOC_COMMS_FAKE_PROVIDER_URL = provider.url
        yield provider
    workers.reset_stop()


def _stop_mid_send(process, provider) -> tuple[int, float]:
    render.unsubscribe_path(person_id=1)  # load the URLconf once, as a long-lived worker has
    connections.close_all()
    process.start()
    deadline = time.monotonic() + 60
    while len(provider.deliveries) < 40:
        assert time.monotonic() < deadline and process.is_alive(), "the worker never got going"
        time.sleep(0.01)
    with provider.lock:
        delivered_at_stop = len(provider.deliveries)
        os.kill(process.pid, signal.SIGTERM)
    stopped = time.monotonic()
    process.join(workers.grace_seconds())
    took = time.monotonic() - stopped
    assert not process.is_alive(), "the worker outlived the grace period"
    assert process.exitcode == 0
    return delivered_at_stop, took


def _check_rows(broadcast, provider, delivered_at_stop: int) -> None:
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    statuses = dict(rows.values_list("idempotency_key", "status"))
    assert set(statuses.values()) <= {"sent", "pending"}  # nothing claimed, nothing unknown
    sent = {key for key, status in statuses.items() if status == "sent"}
    assert sent == set(provider.deliveries)  # what is "sent" arrived, and only that
    assert provider.duplicates == 0
    # It finished the message in flight, and started nothing after the stop.
    assert len(provider.deliveries) <= delivered_at_stop + 1
    pending = rows.filter(status="pending")
    assert pending.exists()
    assert set(pending.values_list("claimed_by", "attempts")) == {("", 0)}


def test_sigterm_to_comms_worker_finishes_the_message_in_flight_and_gives_back_the_rest(
    slow_provider, personas, entity
):
    broadcast = _queue_send(personas, entity, 600)
    process = FORK.Process(target=_comms_worker)

    delivered_at_stop, took = _stop_mid_send(process, slow_provider)

    assert took < 5
    _check_rows(broadcast, slow_provider, delivered_at_stop)


def test_sigterm_to_db_worker_stops_the_batch_task_and_starts_no_other(
    slow_provider, personas, entity
):
    from django_tasks_db.models import DBTaskResult

    from bloc.comms.tasks import deliver_outbox

    broadcast = _queue_send(personas, entity, 600)
    with override_settings(TASKS=DB_TASKS):
        first = deliver_outbox.enqueue()
        second = deliver_outbox.enqueue()
    process = FORK.Process(target=_db_worker)

    delivered_at_stop, took = _stop_mid_send(process, slow_provider)

    assert took < 5
    _check_rows(broadcast, slow_provider, delivered_at_stop)
    statuses = {str(pk): s for pk, s in DBTaskResult.objects.values_list("id", "status")}
    # One batch task was cut short and ended normally; the other was never started.
    assert sorted([statuses[first.id], statuses[second.id]]) == ["READY", "SUCCESSFUL"]
    assert WorkerHeartbeat.objects.count() == 1  # it said it was alive while it worked
