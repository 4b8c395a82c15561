"""`/metrics`: Prometheus gauges read from the database at each scrape (prometheus-client).

The numbers are the same whichever web process answers (no per-process counters), so one
scrape of any process is enough. Apps register gauges in `registry.gauges`; core adds the task
queue's. Who may read: with `BLOC_METRICS_TOKEN` set, a request bearing it
(`Authorization: Bearer …`) from anywhere; without it, only a request from this machine
(127.0.0.1 or ::1, the connection's own address: forwarded headers are not trusted).
Anyone else gets 404, as if there were nothing here.
"""

import hmac
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from bloc.core.registry import Gauge, gauges

LOOPBACK = {"127.0.0.1", "::1"}


class _Gauges(Collector):
    def collect(self) -> Iterator[GaugeMetricFamily]:
        for name, gauge in gauges:
            value = gauge.read()
            if value is not None:
                yield GaugeMetricFamily(name, gauge.documentation, value=float(value))


def may_read(request: HttpRequest) -> bool:
    token = settings.BLOC_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    if not may_read(request):
        raise Http404
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Gauges())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


def _ready_tasks() -> Any:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.ready()


def _oldest_ready_task_age() -> float | None:
    from django_tasks_db.models import get_date_max

    oldest = _ready_tasks().order_by("enqueued_at").values_list("enqueued_at", "run_after").first()
    if oldest is None:
        return None
    enqueued_at, run_after = oldest
    due = enqueued_at if run_after == get_date_max() else max(enqueued_at, run_after)
    return max(0.0, (timezone.now() - due).total_seconds())


gauges.register(
    "bloc_tasks_ready",
    Gauge("Tasks due and waiting in the database queue.", lambda: _ready_tasks().count()),
)
gauges.register(
    "bloc_tasks_oldest_ready_seconds",
    Gauge("Seconds the oldest due task has waited in the database queue.", _oldest_ready_task_age),
)
