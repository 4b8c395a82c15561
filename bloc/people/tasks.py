"""People's background work: messages to a person check consent when they are *sent*."""

import contextlib
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from bloc.core.registry import PeriodicJob, periodic_jobs
from bloc.core.tasks import retrying, send_email
from bloc.people import audit, selectors
from bloc.people.models import Channel, Person


@task()
@retrying(max_attempts=5)
def send_person_email(person_id: int, subject: str, body: str, transactional: bool = False) -> str:
    """Email one person. Non-transactional mail goes only to people whose latest email consent
    is an opt-in, checked now — not when the message was queued."""
    person = Person.objects.live().filter(pk=person_id).first()
    if person is None or not person.email:
        return "skipped: no address"
    if not transactional and not selectors.can_contact(person, Channel.EMAIL):
        return "skipped: no consent"
    send_email.call(to=[person.email], subject=subject, body=body)
    return "sent"


class _Interrupted(Exception):
    """The worker was asked to stop (SIGTERM) while checking rows."""


#: A job whose worker died is started again this many times in all, then failed.
MAX_IMPORT_ATTEMPTS = 2


def _remove_upload(job: Any) -> None:
    """The uploaded file holds personal data: keep it no longer than the job."""
    if job.file:
        with contextlib.suppress(OSError):  # already gone
            job.file.delete(save=False)


@task()
def run_import(job_id: int) -> str:
    """Check and write one queued import, saving progress and a heartbeat as it goes.

    Asked to stop (SIGTERM), it puts the job back in the queue before writing anything; if its
    worker dies, `resume_stale_imports` starts it again or fails it. The write is one
    transaction, so a job that died wrote nothing and starting it again is safe."""
    from bloc.core import task_outbox, workers
    from bloc.people.importer import ImportRefused, import_people
    from bloc.people.models import ImportJob

    now = timezone.now()
    taken = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING,
        started_at=now,
        heartbeat_at=now,
        attempts=F("attempts") + 1,
        rows_checked=0,
    )
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if not taken:  # another task runs it, or it has ended
        return f"skipped: {job.status}"
    running = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING)
    checked = 0

    def progress(n: int) -> None:
        nonlocal checked
        if workers.stop_requested():
            raise _Interrupted
        checked += n
        running.update(rows_checked=checked, heartbeat_at=timezone.now())

    status, message, report = ImportJob.Status.DONE, job.message, None
    try:
        with workers.Heartbeat(lambda: running.update(heartbeat_at=timezone.now())):
            with job.file.open("rb") as handle:
                data = handle.read()
            result = import_people(
                data,
                actor=job.created_by,
                mapping=job.mapping,
                source=job.source,
                dry_run=job.is_dry_run,
                progress=progress,
            )
        report = result.as_dict()
        report["ignored_columns"] = result.ignored_columns
    except _Interrupted:
        with transaction.atomic():
            running.update(status=ImportJob.Status.QUEUED, attempts=F("attempts") - 1)
            task_outbox.enqueue(run_import, job.pk)  # for the next worker
        return "interrupted"
    except ImportRefused as exc:
        status, message = ImportJob.Status.REFUSED, str(exc)
    except Exception as exc:  # the job must end in a state the organizer can see
        status, message = ImportJob.Status.FAILED, f"The import failed ({type(exc).__name__})."
    _remove_upload(job)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message,
        report=report,
        rows_checked=checked,
        finished_at=timezone.now(),
        heartbeat_at=None,
        file="",
    )
    return status


def resume_stale_imports(*, now: datetime | None = None) -> dict[str, int]:
    """Imports left by a dead worker (no heartbeat for BLOC_STALE_JOB_SECONDS): started again
    once, then failed with a clear message and their upload removed. A queued import whose task
    never reached the queue is queued again."""
    from bloc.core import task_outbox, workers
    from bloc.people.models import ImportJob

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=workers.stale_seconds())
    counts = {"resumed": 0, "failed": 0, "requeued": 0}
    stale = ImportJob.objects.filter(
        Q(status=ImportJob.Status.RUNNING)
        & (Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, started_at__lt=cutoff))
    )
    for job in stale:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job.pk)
            if job.status != ImportJob.Status.RUNNING or (job.heartbeat_at or now) >= cutoff:
                continue
            if job.attempts < MAX_IMPORT_ATTEMPTS and job.file:
                job.status, job.heartbeat_at = ImportJob.Status.QUEUED, now
                job.message = (
                    f"The worker running this import stopped at {job.rows_checked} rows "
                    f"checked; nothing was written. It was started again at {now:%H:%M} UTC."
                )
                job.save(update_fields=["status", "heartbeat_at", "message"])
                task_outbox.enqueue(run_import, job.pk)
                counts["resumed"] += 1
            else:
                _remove_upload(job)
                job.status, job.finished_at, job.heartbeat_at, job.file = (
                    ImportJob.Status.FAILED,
                    now,
                    None,
                    "",
                )
                job.message = (
                    f"The import stopped without finishing {job.attempts} times (the worker "
                    "running it was lost). Nothing was written. The uploaded file was deleted, "
                    "as every upload is when its import ends: try again with the same file."
                )
                job.save(update_fields=["status", "finished_at", "heartbeat_at", "file", "message"])
                counts["failed"] += 1
            audit.import_stale(job=job, action="resumed" if job.status == "queued" else "failed")
    lost = ImportJob.objects.filter(status=ImportJob.Status.QUEUED).filter(
        Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True, created_at__lt=cutoff)
    )
    for job_id in lost.values_list("pk", flat=True):
        with transaction.atomic():
            touched = lost.filter(pk=job_id).update(heartbeat_at=now)
            if touched:
                # Harmless if its task was only slow: a job runs once (see run_import).
                task_outbox.enqueue(run_import, job_id)
                counts["requeued"] += touched
    return counts


periodic_jobs.register(
    "people.resume-stale-imports",
    PeriodicJob(run=lambda: resume_stale_imports(), every=timedelta(minutes=1)),
)
