"""Races that only a real database shows: run on PostgreSQL (`-m postgres`)."""

import threading

import pytest
from django.db import close_old_connections, connections

from bloc.events import services
from bloc.events.models import RSVP
from bloc.events.tests import builders
from bloc.people.models import Person, PersonEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(count, work):
    barrier = threading.Barrier(count)
    errors = []

    def run(index):
        try:
            barrier.wait(timeout=30)
            work(index)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    return errors


def test_fifty_identical_rsvps_make_one_person_and_one_rsvp(personas):
    event, _ = builders.approved_event(personas.admin, capacity=10)
    slot = event.timeslots.get()

    def work(index):
        services.rsvp(
            actor=None,
            timeslot=slot,
            email="Rowan.Race@example.org" if index % 2 else "rowan.race@example.org ",
            first_name="Rowan",
            zip_code="60601",
            email_opt_in=True,
        )

    assert _race(50, work) == []
    assert PersonEmail.objects.filter(normalized="rowan.race@example.org").count() == 1
    assert Person.objects.filter(email="rowan.race@example.org").count() == 1
    assert RSVP.objects.filter(timeslot=slot).count() == 1


def test_the_same_new_person_racing_into_different_slots_is_still_one_person(personas):
    events = [builders.approved_event(personas.admin, title=f"Shift {i}")[0] for i in range(8)]

    def work(index):
        services.rsvp(
            actor=None,
            timeslot=events[index].timeslots.get(),
            email="sam.spread@example.org",
            zip_code="60601",
        )

    assert _race(8, work) == []
    assert Person.objects.filter(email="sam.spread@example.org").count() == 1
    assert RSVP.objects.filter(person__email="sam.spread@example.org").count() == 8


def test_a_full_slot_waitlists_instead_of_overbooking_under_concurrency(personas):
    event, _ = builders.approved_event(personas.admin, capacity=10)
    slot = event.timeslots.get()

    def work(index):
        services.rsvp(
            actor=None,
            timeslot=slot,
            email=f"crowd.{index}@example.org",
            zip_code="60601",
            guests=index % 2,
        )

    assert _race(40, work) == []
    confirmed = RSVP.objects.filter(timeslot=slot, status="confirmed")
    seats = sum(r.seats for r in confirmed)
    assert seats <= 10
    assert seats >= 9, "the slot fills up: at most one seat is left for want of a party of one"
    assert RSVP.objects.filter(timeslot=slot, status="waitlisted").count() == 40 - confirmed.count()


@pytest.mark.parametrize("drains", ["on each commit", "four at once afterwards"])
def test_fifty_identical_public_rsvps_make_one_person_and_one_rsvp(personas, monkeypatch, drains):
    """Through the intake: 50 simultaneous form posts, drained as each commits (tasks run
    inline here) or by four drains at once afterwards (SKIP LOCKED hands each row to one
    drain): one person, one RSVP, every intake row recorded."""
    from bloc.events.models import RSVPIntake
    from bloc.events.services import rsvps

    if drains != "on each commit":
        monkeypatch.setattr(rsvps, "schedule_intake_drain", lambda: None)
    event, _ = builders.approved_event(personas.admin, capacity=10)
    slot = event.timeslots.get()
    errors = _race(
        50,
        lambda i: services.receive_rsvp(
            timeslot=slot, email="Quinn.Same@Example.org", first_name="Quinn", zip_code="60602"
        ),
    )
    assert errors == []
    assert RSVPIntake.objects.count() == 50
    if drains != "on each commit":
        assert RSVPIntake.objects.filter(state="pending").count() == 50
        assert _race(4, lambda i: services.process_rsvp_intake()) == []

    assert Person.objects.filter(emails__normalized="quinn.same@example.org").count() == 1
    assert RSVP.objects.filter(timeslot=slot).count() == 1
    assert set(RSVPIntake.objects.values_list("state", flat=True)) == {"recorded"}


def test_the_public_form_is_not_held_up_by_an_rsvp_in_progress_on_the_same_shift(
    personas, monkeypatch
):
    """The drain holds a shift while it makes an RSVP; the form's insert (which points at that
    shift) must not wait for it — a spike would otherwise queue behind the drain."""
    from django.db import transaction

    from bloc.events.services import rsvps

    monkeypatch.setattr(rsvps, "schedule_intake_drain", lambda: None)
    event, _ = builders.approved_event(personas.admin, capacity=10)
    slot = event.timeslots.get()
    holding, release = threading.Event(), threading.Event()

    def drain_like() -> None:
        try:
            with transaction.atomic():
                services.rsvp(actor=None, timeslot=slot, email="held.shift@example.org")
                holding.set()
                release.wait(timeout=30)
        finally:
            connections.close_all()

    thread = threading.Thread(target=drain_like)
    thread.start()
    try:
        assert holding.wait(timeout=30)
        finished = threading.Event()

        def form_post() -> None:
            try:
                services.receive_rsvp(timeslot=slot, email="quick.form@example.org")
                finished.set()
            finally:
                connections.close_all()

        poster = threading.Thread(target=form_post)
        poster.start()
        assert finished.wait(timeout=5), "the intake insert waited for the shift lock"
        poster.join(timeout=5)
    finally:
        release.set()
        thread.join(timeout=30)
    close_old_connections()
