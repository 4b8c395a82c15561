"""Issue 16, item 6: a web import whose worker died does not hang at "Checking rows 36%"
forever. It is started again once; if it dies again it fails with a clear message and a way to
try again; its upload is removed whenever the job ends."""

from datetime import timedelta

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from bloc.core import workers
from bloc.core.models import QueuedTask
from bloc.people import services, tasks
from bloc.people.models import ImportJob, Person

pytestmark = pytest.mark.django_db

GOOD = b"First name,Last name,Email,ZIP\nAna,Rivera,ana@x.test,10001\nBo,Chen,bo@x.test,10002\n"


def _queued(personas, data=GOOD, **extra):
    """An import as the web form leaves it: queued, its file stored (no worker ran yet)."""
    fields = dict(mapping=None, source="spring drive", dry_run=False)
    fields.update(extra)
    return services.start_import(
        actor=personas.organizer_a, upload=SimpleUploadedFile("people.csv", data), **fields
    )


def _died_running(job, *, at, attempts=1):
    """The worker took the job, checked a third of it, and was killed (SIGKILL, OOM)."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING,
        started_at=at,
        heartbeat_at=at,
        attempts=attempts,
        rows_checked=1,
    )


def test_an_import_whose_worker_died_is_started_again(personas, django_capture_on_commit_callbacks):
    job = _queued(personas)
    started = timezone.now()
    _died_running(job, at=started)
    name = ImportJob.objects.get(pk=job.pk).file.name
    assert default_storage.exists(name)

    with time_machine.travel(started + timedelta(seconds=workers.stale_seconds() - 5)):
        assert tasks.resume_stale_imports() == {"resumed": 0, "failed": 0, "requeued": 0}
    with (
        time_machine.travel(started + timedelta(seconds=workers.stale_seconds() + 5)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert tasks.resume_stale_imports() == {"resumed": 1, "failed": 0, "requeued": 0}

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.report["created"] == 2
    assert job.attempts == 2
    assert "started again" in job.message
    assert not job.file and not default_storage.exists(name)  # removed once it ended
    assert Person.objects.filter(email__in=["ana@x.test", "bo@x.test"]).count() == 2


def test_an_import_that_dies_twice_fails_with_a_clear_message_and_a_retry(client, personas):
    job = _queued(personas)
    started = timezone.now()
    _died_running(job, at=started, attempts=2)
    name = ImportJob.objects.get(pk=job.pk).file.name

    with time_machine.travel(started + timedelta(seconds=workers.stale_seconds() + 5)):
        assert tasks.resume_stale_imports() == {"resumed": 0, "failed": 1, "requeued": 0}

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.is_finished
    assert "stopped without finishing" in job.message and "Nothing was written" in job.message
    assert not job.file and not default_storage.exists(name)
    assert not Person.objects.filter(email="ana@x.test").exists()
    client.force_login(personas.organizer_a)
    page = client.get(reverse("people:import-detail", args=[job.pk])).content.decode()
    assert "stopped without finishing" in page
    assert "hx-trigger" not in page  # no more polling of a job that will never move
    retry = reverse("people:import-create") + f"?retry={job.pk}"
    assert retry in page
    form = client.get(retry).content.decode()
    assert 'value="spring drive"' in form  # the same settings, the file to choose again
    assert "choose the file again" in form


def test_a_slow_import_that_is_still_beating_is_left_alone(personas):
    job = _queued(personas)
    started = timezone.now()
    _died_running(job, at=started)
    later = started + timedelta(seconds=workers.stale_seconds() + 5)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=later - timedelta(seconds=10))

    with time_machine.travel(later):
        assert tasks.resume_stale_imports() == {"resumed": 0, "failed": 0, "requeued": 0}
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING


def test_a_queued_import_whose_task_was_lost_is_queued_again(
    personas, django_capture_on_commit_callbacks
):
    job = _queued(personas)  # its task never reached the queue (the commit's callback was lost)
    later = timezone.now() + timedelta(seconds=workers.stale_seconds() + 5)
    with time_machine.travel(later), django_capture_on_commit_callbacks(execute=True):
        assert tasks.resume_stale_imports() == {"resumed": 0, "failed": 0, "requeued": 1}
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.DONE


def test_the_import_task_runs_a_job_once(personas):
    job = _queued(personas)
    assert tasks.run_import.call(job.pk) == ImportJob.Status.DONE
    assert tasks.run_import.call(job.pk) == "skipped: done"


def test_a_worker_asked_to_stop_puts_its_import_back_in_the_queue(personas):
    rows = b"".join(b"P%d,Example,p%d@x.test,10001\n" % (n, n) for n in range(2500))
    job = _queued(personas, data=b"First name,Last name,Email,ZIP\n" + rows)
    workers.request_stop()
    try:
        assert tasks.run_import.call(job.pk) == "interrupted"
    finally:
        workers.reset_stop()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED and job.attempts == 0
    assert job.file and default_storage.exists(job.file.name)  # kept for the next worker
    assert not Person.objects.filter(email="p1@x.test").exists()
    queued = QueuedTask.objects.get()
    assert (queued.task_path, queued.args) == ("bloc.people.tasks.run_import", [job.pk])
