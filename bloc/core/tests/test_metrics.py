"""`/metrics` (Prometheus): readable with the bearer token, or from this machine without one;
404 for anyone else (issue 23)."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families


@task()
def _noop() -> None:
    pass


def _values(response) -> dict[str, float]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    return {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.content.decode())
        for sample in family.samples
    }


@pytest.mark.django_db
def test_without_a_token_only_this_machine_may_read(client, settings):
    settings.BLOC_METRICS_TOKEN = ""
    assert client.get(reverse("core:metrics"), REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get(reverse("core:metrics"), REMOTE_ADDR="::1").status_code == 200
    remote = client.get(
        reverse("core:metrics"), REMOTE_ADDR="198.51.100.20", HTTP_X_FORWARDED_FOR="127.0.0.1"
    )
    assert remote.status_code == 404


@pytest.mark.django_db
def test_with_a_token_only_its_bearer_may_read(client, settings):
    settings.BLOC_METRICS_TOKEN = "fictional-metrics-token-2026"
    url = reverse("core:metrics")
    remote = "198.51.100.20"
    good = client.get(
        url, REMOTE_ADDR=remote, HTTP_AUTHORIZATION="Bearer fictional-metrics-token-2026"
    )
    assert good.status_code == 200
    assert client.get(url, REMOTE_ADDR=remote, HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get(url, REMOTE_ADDR=remote).status_code == 404
    # The token is required from this machine too once it is set.
    assert client.get(url, REMOTE_ADDR="127.0.0.1").status_code == 404


@pytest.mark.django_db
def test_the_task_queue_gauges(client, settings):
    settings.BLOC_METRICS_TOKEN = ""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
    values = _values(client.get(reverse("core:metrics")))
    assert values["bloc_tasks_ready"] == 0
    assert "bloc_tasks_oldest_ready_seconds" not in values  # nothing waiting: nothing to say
    _noop.enqueue()
    _noop.enqueue()
    with time_machine.travel(timezone.now() + timedelta(seconds=90), tick=False):
        values = _values(client.get(reverse("core:metrics")))
    assert values["bloc_tasks_ready"] == 2
    assert 89 <= values["bloc_tasks_oldest_ready_seconds"] <= 91
    # The other apps' gauges are there too, as numbers only.
    assert {"bloc_outbox_pending", "bloc_rsvp_intake_lag_seconds"} <= set(values)
