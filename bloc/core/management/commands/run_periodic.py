"""Run the periodic jobs that are due. Call it from cron or systemd every minute, or `--loop`."""

import logging
from typing import Any

from django.core.management.base import BaseCommand
from django.db import close_old_connections, transaction
from django.utils import timezone

from bloc.core import workers
from bloc.core.models import PeriodicJobRun
from bloc.core.registry import periodic_jobs

logger = logging.getLogger(__name__)


def run_due_jobs(now: Any = None, *, only: str | None = None) -> list[str]:
    """Run every registered job whose interval has elapsed; return the names that ran."""
    now = now or timezone.now()
    ran: list[str] = []
    for name, job in periodic_jobs:
        if only and name != only:
            continue
        if workers.stop_requested():
            break
        with transaction.atomic():
            run, _ = PeriodicJobRun.objects.select_for_update().get_or_create(name=name)
            if run.last_started_at and run.last_started_at + job.every > now and not only:
                continue
            run.last_started_at = now
            run.save(update_fields=["last_started_at"])
        error = ""
        try:
            job.run()
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # one failing job must not stop the others
            # BaseException: a native extension that panics raises one (pyo3's PanicException)
            logger.exception("periodic job %s failed", name)
            error = f"{type(exc).__name__}: {exc}"[:2000]
        PeriodicJobRun.objects.filter(name=name).update(
            last_finished_at=timezone.now(), last_error=error
        )
        ran.append(name)
    return ran


class Command(BaseCommand):
    help = "Run due periodic jobs (from cron every minute), or keep running with --loop."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="Check every --interval seconds.")
        parser.add_argument("--interval", type=int, default=60)
        parser.add_argument("--job", help="Run this one job now, whether due or not.")

    def handle(self, *args: Any, **options: Any) -> None:
        # SIGTERM: the job in hand finishes (the outbox after its message in flight), no other
        # starts, and the loop ends (bloc.core.workers).
        workers.install_stop_handler()
        while not workers.stop_requested():
            try:
                for name in run_due_jobs(only=options["job"]):
                    self.stdout.write(f"ran {name}")
            except Exception:
                if not options["loop"]:
                    raise
                # The database restarting, say: log it, drop a broken connection, try again.
                logger.exception(
                    "periodic jobs could not run; next try in %ss", options["interval"]
                )
                close_old_connections()
            if not options["loop"] or workers.sleep(options["interval"]):
                return
