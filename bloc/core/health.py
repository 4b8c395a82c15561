"""`/health/`: each check reported on its own, 503 when any fails (django-health-check 4.x).

Core checks the database, the cache (Redis when `REDIS_URL` is set), the task backlog and the
periodic jobs; apps add their own through `registry.health_checks` (comms: outbox rows stuck
past their lease). Messages carry counts and job names only, never personal data: the page is
public, for load balancers and uptime monitors.
"""

import asyncio
import dataclasses
from datetime import timedelta
from typing import Any, ClassVar

from asgiref.sync import sync_to_async
from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from bloc.core.models import PeriodicJobRun
from bloc.core.registry import health_checks, periodic_jobs

#: A periodic job is stale once it has not finished for this many of its intervals.
PERIODIC_STALE_FACTOR = 3


@dataclasses.dataclass
class DatabaseCheck(HealthCheck):
    """A check that reads the database. `check()` runs in the request's own thread (Django's
    thread-sensitive executor), so it uses the request's connection and never leaves one open
    in a pool thread."""

    name: ClassVar[str] = ""

    async def run(self) -> None:
        await sync_to_async(self.check)()

    def check(self) -> None:
        raise NotImplementedError


@dataclasses.dataclass
class TaskBacklog(DatabaseCheck):
    """Tasks waiting in the database queue (`bloc db_worker`) for longer than
    `BLOC_HEALTH_TASK_BACKLOG_SECONDS` since they became due: no worker is taking them."""

    name: ClassVar[str] = "tasks"

    def check(self) -> None:
        from django_tasks import TaskResultStatus
        from django_tasks_db.models import DBTaskResult, get_date_max

        cutoff = timezone.now() - timedelta(seconds=settings.BLOC_HEALTH_TASK_BACKLOG_SECONDS)
        late = DBTaskResult.objects.filter(
            Q(run_after=get_date_max(), enqueued_at__lt=cutoff) | Q(run_after__lt=cutoff),
            status=TaskResultStatus.READY,
        ).count()
        if late:
            raise ServiceUnavailable(
                f"{late} tasks waiting for more than "
                f"{settings.BLOC_HEALTH_TASK_BACKLOG_SECONDS}s (is a worker running?)"
            )


@dataclasses.dataclass
class PeriodicJobs(DatabaseCheck):
    """Every periodic job that has run must have finished within 3x its interval (is
    `bloc run-periodic` running?). A job with no run recorded yet (a new installation, a job
    an upgrade added) is not judged until it first starts."""

    name: ClassVar[str] = "periodic"

    def check(self) -> None:
        now = timezone.now()
        runs = {run.name: run for run in PeriodicJobRun.objects.all()}
        stale = []
        for name, job in periodic_jobs:
            run = runs.get(name)
            last = run and (run.last_finished_at or run.last_started_at)
            if last and last < now - PERIODIC_STALE_FACTOR * job.every:
                stale.append(name)
        if stale:
            raise ServiceUnavailable(f"not finished within 3x their interval: {', '.join(stale)}")


def _label(check: HealthCheck) -> str:
    return getattr(check, "name", "") or type(check).__name__.lower()


class HealthView(HealthCheckView):
    """django-health-check's view, always answering JSON, with 503 (not 500) when a check
    fails, and the checks apps registered after the core ones."""

    def get_checks(self) -> Any:
        yield from super().get_checks()
        for _, check in health_checks:
            yield check()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with self.get_executor() as executor:
            self.results = await asyncio.gather(
                *(check.get_result(executor) for check in self.get_checks())
            )
        failed = any(result.error for result in self.results)
        return self.render_to_response_json(503 if failed else 200)

    def render_to_response_json(self, status: int) -> JsonResponse:
        return JsonResponse(
            {
                "status": "fail" if status != 200 else "ok",
                "checks": {
                    _label(result.check): str(result.error) if result.error else "OK"
                    for result in self.results
                },
            },
            status=status,
        )


health = HealthView.as_view(checks=[Database, Cache, TaskBacklog, PeriodicJobs])
