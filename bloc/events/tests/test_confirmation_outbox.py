"""Issue 16, item 6: RSVP confirmations are queued in the RSVP's own transaction (a
transactional outbox row), so a worker that dies right after the commit loses none."""

import pytest
from django.core import mail

from bloc.core import task_outbox
from bloc.core.models import QueuedTask
from bloc.events import services
from bloc.events.models import RSVP, RSVPIntake
from bloc.events.tests import builders

pytestmark = pytest.mark.django_db


def _post(client, event, **fields):
    from django.urls import reverse

    data = {"timeslot": event.timeslots.get().pk, "zip_code": "60602", **fields}
    return client.post(reverse("events:rsvp-create", args=[event.slug]), data)


def test_a_drain_that_dies_right_after_its_commit_loses_no_confirmation(client, personas):
    event, _ = builders.approved_event(personas.admin)
    for n in range(11):
        _post(client, event, first_name=f"Ash{n}", email=f"ash{n}.outbox@example.org")
    mail.outbox.clear()

    # The test's transaction never commits, so nothing registered with on_commit ever runs:
    # just what happens to a worker killed between its commit and its on_commit callbacks.
    assert services.process_rsvp_intake() == 11

    assert RSVP.objects.count() == 11
    assert mail.outbox == []
    queued = QueuedTask.objects.filter(task_path="bloc.events.tasks.send_rsvp_confirmation")
    assert sorted(args[0] for args in queued.values_list("args", flat=True)) == sorted(
        RSVP.objects.values_list("pk", flat=True)
    )

    # The periodic job (or the next commit) puts them on the task queue: all 11 go out.
    assert task_outbox.dispatch() == 11
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        f"ash{n}.outbox@example.org" for n in range(11)
    )
    assert not QueuedTask.objects.exists()
    assert task_outbox.dispatch() == 0  # nothing goes twice
    assert RSVPIntake.objects.filter(state="recorded").count() == 11


def test_a_confirmation_goes_out_once_when_the_commit_runs_its_callbacks(
    personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        rsvp, token = services.rsvp(
            actor=None, timeslot=event.timeslots.first(), email="bo.once@example.org"
        )
    assert [m.to for m in mail.outbox] == [["bo.once@example.org"]]
    assert token in mail.outbox[0].body
    assert not QueuedTask.objects.exists()
    assert task_outbox.dispatch() == 0
    assert len(mail.outbox) == 1


def test_a_rolled_back_rsvp_queues_nothing(personas):
    from django.db import transaction

    event, _ = builders.approved_event(personas.admin)
    with transaction.atomic():
        sid = transaction.savepoint()
        services.rsvp(actor=None, timeslot=event.timeslots.first(), email="cy.gone@example.org")
        transaction.savepoint_rollback(sid)
    assert not QueuedTask.objects.exists()
    assert task_outbox.dispatch() == 0


def test_a_waitlist_promotion_queues_its_confirmation_with_the_cancellation(
    personas, django_capture_on_commit_callbacks
):
    event, _ = builders.approved_event(personas.admin)
    slot = event.timeslots.first()
    slot.capacity = 1
    slot.save()
    first, _ = services.rsvp(actor=None, timeslot=slot, email="dee.first@example.org")
    second, _ = services.rsvp(actor=None, timeslot=slot, email="eli.waiting@example.org")
    assert second.status == RSVP.Status.WAITLISTED
    QueuedTask.objects.all().delete()
    mail.outbox.clear()

    services.cancel_rsvp(actor=None, rsvp=first)

    assert list(QueuedTask.objects.values_list("args", flat=True)) == [[second.pk]]
    task_outbox.dispatch()
    assert [m.to for m in mail.outbox] == [["eli.waiting@example.org"]]
