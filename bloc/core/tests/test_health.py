"""`/health/` reports each check on its own and answers 503 when one fails (issue 23)."""

import socket
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from bloc.core.models import PeriodicJobRun
from bloc.core.registry import periodic_jobs


@task()
def _noop() -> None:
    pass


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _health(client):
    response = client.get(reverse("core:health"))
    assert response["Content-Type"] == "application/json"
    return response.status_code, response.json()


@pytest.mark.django_db
def test_a_healthy_installation_passes_every_check(client):
    now = timezone.now()
    for name, _ in periodic_jobs:
        PeriodicJobRun.objects.create(name=name, last_started_at=now, last_finished_at=now)
    status, body = _health(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert {"database", "cache", "tasks", "periodic", "outbox"} <= set(body["checks"])
    assert set(body["checks"].values()) == {"OK"}


@pytest.mark.django_db
def test_redis_down_fails_the_cache_check_alone(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
        }
    }
    status, body = _health(client)
    assert status == 503
    assert body["status"] == "fail"
    assert body["checks"]["cache"] != "OK"
    assert body["checks"]["database"] == "OK"


@pytest.mark.django_db
def test_a_periodic_job_that_has_not_finished_in_three_intervals_fails(client):
    now = timezone.now()
    PeriodicJobRun.objects.create(
        name="core.prune-task-results",  # daily
        last_started_at=now - timedelta(days=3, minutes=1),
        last_finished_at=now - timedelta(days=3, minutes=1),
    )
    PeriodicJobRun.objects.create(
        name="comms.deliver-due", last_started_at=now, last_finished_at=now
    )
    status, body = _health(client)
    assert status == 503
    assert body["checks"]["periodic"] == (
        "Unavailable: not finished within 3x their interval: core.prune-task-results"
    )


@pytest.mark.django_db
def test_a_task_nobody_takes_fails_the_backlog_check(client, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    _noop.enqueue()
    assert _health(client)[0] == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=301), tick=False):
        status, body = _health(client)
    assert status == 503
    assert body["checks"]["tasks"].startswith("Unavailable: 1 tasks waiting for more than 300s")


@pytest.mark.django_db
def test_health_answers_json_whatever_the_client_accepts(client):
    response = client.get(reverse("core:health"), HTTP_ACCEPT="text/html")
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
