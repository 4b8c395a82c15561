"""People's background work: messages to a person check consent when they are *sent*."""

from django_tasks import task

from bloc.core.tasks import retrying, send_email
from bloc.people import selectors
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


@task()
def run_import(job_id: int) -> str:
    """Check and write one queued import, saving progress as rows are checked."""
    from django.utils import timezone

    from bloc.people.importer import ImportRefused, import_people
    from bloc.people.models import ImportJob

    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    if job.status != ImportJob.Status.QUEUED:
        return f"skipped: {job.status}"
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, started_at=timezone.now()
    )
    checked = 0

    def progress(n: int) -> None:
        nonlocal checked
        checked += n
        ImportJob.objects.filter(pk=job.pk).update(rows_checked=checked)

    status, message, report = ImportJob.Status.DONE, "", None
    try:
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
    except ImportRefused as exc:
        status, message = ImportJob.Status.REFUSED, str(exc)
    except Exception as exc:  # the job must end in a state the organizer can see
        status, message = ImportJob.Status.FAILED, f"The import failed ({type(exc).__name__})."
    finally:
        # The uploaded file holds personal data: keep it no longer than the import.
        job.file.delete(save=False)
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        message=message,
        report=report,
        rows_checked=checked,
        finished_at=timezone.now(),
        file="",
    )
    return status
