"""Issue 16, item 1: a worker that stops, or dies, writes off at most the one message in flight.

Kills are simulated in-process here (the provider raises a BaseException in the middle of a
batch, as SIGKILL would end the process mid-send); `test_stops_postgres.py` does it for real.
"""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bloc.comms import delivery, services
from bloc.comms.backends.base import Outcome, OutgoingMessage, Result
from bloc.comms.backends.locmem import InMemoryEmail
from bloc.comms.models import Broadcast, DeliveryMode, OutboxMessage
from bloc.comms.tests.fakes import fictional_people
from bloc.core import workers


class Killed(BaseException):
    """What SIGKILL looks like from inside: nothing after it runs."""


class DiesOnThird(InMemoryEmail):
    """An at-most-once provider whose worker dies while the third message is in flight."""

    supports_idempotency = False
    calls = 0

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results = []
        for message in messages:
            type(self).calls += 1
            if type(self).calls == 3:
                raise Killed
            results.extend(super().send([message]))
        return results


class StopsOnThird(InMemoryEmail):
    """SIGTERM arrives while the third message is with the provider."""

    supports_idempotency = False
    calls = 0

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results = []
        for message in messages:
            type(self).calls += 1
            if type(self).calls == 3:
                workers.request_stop()
            results.extend(super().send([message]))
        return results


@pytest.fixture
def queued(personas, entity, everyone, monkeypatch, submit):
    """A 20-recipient broadcast, queued, nothing sent yet."""
    fictional_people(20)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="Strike vote",
        channel="email",
        audience=everyone,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="Vote Thursday",
        body="Hi {{ first_name|friend }}.",
    )
    submit(actor=personas.admin, broadcast=broadcast)
    return broadcast


@pytest.fixture
def provider(settings, mem_backends):
    def use(cls):
        cls.calls = 0
        settings.BLOC_COMMS_BACKENDS = {"email": f"{__name__}.{cls.__name__}"}
        return cls

    yield use
    workers.reset_stop()


def _statuses(broadcast):
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    return {s: rows.filter(status=s).count() for s in ("pending", "sending", "sent", "unknown")}


@pytest.mark.django_db
def test_a_crash_mid_batch_writes_off_only_the_message_in_flight(queued, provider):
    provider(DiesOnThird)
    total = OutboxMessage.objects.filter(broadcast=queued).count()
    assert set(OutboxMessage.objects.values_list("mode", flat=True)) == {DeliveryMode.AT_MOST_ONCE}

    with pytest.raises(Killed):
        delivery.run_worker(worker="dies", limit=100)

    assert _statuses(queued)["sent"] == 2
    # Before the lease expires nothing changes hands, and the broadcast is still sending.
    assert delivery.recover_expired_leases()["unknown"] == 0
    delivery.finish_broadcasts()
    queued.refresh_from_db()
    assert queued.status == Broadcast.Status.SENDING

    with time_machine.travel(timezone.now() + delivery.lease() + timedelta(seconds=1)):
        recovered = delivery.recover_expired_leases()
        assert recovered == {"released": total - 3, "retried": 0, "unknown": 1}
        delivery.finish_broadcasts()
        queued.refresh_from_db()
        assert queued.status == Broadcast.Status.SENDING  # rows are waiting again
        delivery.run_worker(worker="next")

    counts = _statuses(queued)
    assert counts == {"pending": 0, "sending": 0, "sent": total - 1, "unknown": 1}
    unknown = OutboxMessage.objects.get(broadcast=queued, status="unknown")
    assert unknown.reason == "worker_lost"
    # Never attempted twice: the released rows did not count an attempt for the dead claim.
    assert set(
        OutboxMessage.objects.filter(broadcast=queued, status="sent").values_list(
            "attempts", flat=True
        )
    ) == {1}
    delivered = [m.to for m in InMemoryEmail.outbox]
    assert len(delivered) == len(set(delivered)) == total - 1  # 0 duplicates
    queued.refresh_from_db()
    assert queued.status == Broadcast.Status.SENT


@pytest.mark.django_db
def test_a_stop_request_finishes_the_message_in_flight_and_releases_the_rest(queued, provider):
    provider(StopsOnThird)
    total = OutboxMessage.objects.filter(broadcast=queued).count()

    totals = delivery.run_worker(worker="stopping", limit=5)

    assert totals.get("sent") == 3  # the one in flight when the stop came was finished
    counts = _statuses(queued)
    assert counts == {"pending": total - 3, "sending": 0, "sent": 3, "unknown": 0}
    released = OutboxMessage.objects.filter(broadcast=queued, status="pending")
    assert set(released.values_list("attempts", "claimed_by")) == {(0, "")}
    queued.refresh_from_db()
    assert queued.status == Broadcast.Status.SENDING

    workers.reset_stop()
    delivery.run_worker(worker="after-restart")
    assert _statuses(queued)["sent"] == total
    assert len(InMemoryEmail.outbox) == total


@pytest.mark.django_db
def test_a_worker_that_is_asked_to_stop_claims_nothing(queued, provider):
    provider(StopsOnThird)
    workers.request_stop()
    assert delivery.run_worker(worker="stopped") == {}
    assert _statuses(queued)["pending"] == OutboxMessage.objects.count()


@pytest.mark.django_db
def test_the_next_claimer_takes_back_expired_leases(queued, provider):
    provider(DiesOnThird)
    with pytest.raises(Killed):
        delivery.run_worker(worker="dies", limit=100)
    with time_machine.travel(timezone.now() + delivery.lease() + timedelta(seconds=1)):
        ids = delivery.claim(worker="next", limit=100)
    # The 17 never attempted are claimed again at once; the one in flight is not.
    assert len(ids) == OutboxMessage.objects.count() - 3


@pytest.mark.django_db
def test_one_failing_message_does_not_fail_the_batch(queued, provider, monkeypatch):
    provider(InMemoryEmail)
    real = delivery.build_message
    victim = OutboxMessage.objects.filter(broadcast=queued).order_by("id")[4]

    def build(broadcast, person, key, variant="a", *, preview=False):
        if person.pk == victim.person_id:
            raise ValueError("bad data in one record")
        return real(broadcast, person, key, variant, preview=preview)

    monkeypatch.setattr(delivery, "build_message", build)
    delivery.run_worker()
    victim.refresh_from_db()
    assert (victim.status, victim.reason) == ("failed", "error:ValueError")
    assert _statuses(queued)["sent"] == OutboxMessage.objects.count() - 1


def test_an_unknown_provider_answer_is_still_unknown_in_at_most_once_mode():
    row = OutboxMessage(mode=DeliveryMode.AT_MOST_ONCE, attempts=1)
    delivery._settle(row, Result("k", Outcome.UNKNOWN, detail="timeout"), timezone.now())
    assert row.status == "unknown"


def test_the_email_provider_keeps_one_connection_for_a_run_of_single_sends(settings):
    from django.core import mail

    from bloc.comms.backends.email_anymail import AnymailEmailBackend

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    backend = AnymailEmailBackend()
    backend.open()
    kept = []
    for n in range(3):
        message = OutgoingMessage(key=f"k{n}", to=f"r{n}@example.org", subject="S", body="B")
        assert [r.outcome for r in backend.send([message])] == [Outcome.ACCEPTED]
        kept.append(backend._kept)
    backend.close()
    assert kept[0] is not None and kept[0] is kept[1] is kept[2]
    assert backend._kept is None
    assert [m.to for m in mail.outbox] == [
        ["r0@example.org"],
        ["r1@example.org"],
        ["r2@example.org"],
    ]


def _with_unknown(queued):
    """Two rows of the broadcast were in flight when their workers died; the rest arrived."""
    delivery.run_worker()
    rows = OutboxMessage.objects.filter(broadcast=queued).order_by("id")
    lost = list(rows.values_list("pk", flat=True)[:2])
    rows.filter(pk__in=lost).update(status="unknown", reason="worker_lost")
    Broadcast.objects.filter(pk=queued.pk).update(status=Broadcast.Status.SENT)
    queued.refresh_from_db()
    return lost


@pytest.mark.django_db
def test_staff_review_unknowns_on_the_broadcast_page(client, queued, provider, personas):
    provider(InMemoryEmail)
    lost = _with_unknown(queued)
    client.force_login(personas.admin)

    page = client.get(f"/comms/broadcasts/{queued.pk}/")

    assert page.status_code == 200
    assert b"Outcome unknown" in page.content
    for row in OutboxMessage.objects.filter(pk__in=lost).select_related("person"):
        assert row.person.email.encode() in page.content
    assert b"resend-unknown" in page.content


@pytest.mark.django_db
def test_re_sending_unknowns_needs_a_confirmation_and_is_audited(
    client, queued, provider, personas, django_capture_on_commit_callbacks, monkeypatch
):
    from bloc.core.models import AuditEvent

    provider(InMemoryEmail)
    lost = _with_unknown(queued)
    InMemoryEmail.reset()
    started = []
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: started.append(kw))
    client.force_login(personas.admin)
    url = f"/comms/broadcasts/{queued.pk}/resend-unknown/"

    client.post(url)  # not confirmed: nothing happens
    assert OutboxMessage.objects.filter(broadcast=queued, status="unknown").count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"confirm": "yes"})

    assert response.status_code == 302
    assert started == [{"recipients": 2}]
    queued.refresh_from_db()
    assert queued.status == Broadcast.Status.SENDING  # not "sent" while rows wait again
    delivery.run_worker()
    assert OutboxMessage.objects.filter(pk__in=lost, status="sent").count() == 2
    assert len(InMemoryEmail.outbox) == 2  # only the unknowns went again
    queued.refresh_from_db()
    assert queued.status == Broadcast.Status.SENT
    event = AuditEvent.objects.get(action="comms.unknown_resent")
    assert event.data["count"] == 2 and event.actor_id == personas.admin.pk


@pytest.mark.django_db
def test_re_sending_unknowns_re_checks_consent(queued, provider, personas):
    from bloc.people.models import Person
    from bloc.people.services import set_consent

    provider(InMemoryEmail)
    lost = _with_unknown(queued)
    InMemoryEmail.reset()
    gone = OutboxMessage.objects.get(pk=lost[0])
    set_consent(
        actor=None,
        person=Person.objects.get(pk=gone.person_id),
        channel="email",
        opted_in=False,
        source="test",
    )
    assert services.resend_unknown(actor=personas.admin, broadcast=queued, confirmed=True) == 2
    delivery.run_worker()
    gone.refresh_from_db()
    assert (gone.status, gone.reason) == ("skipped", "no_consent")
    assert len(InMemoryEmail.outbox) == 1


@pytest.mark.django_db
def test_an_organizer_cannot_re_send_another_chapters_unknowns(client, queued, provider, personas):
    from django.core.exceptions import PermissionDenied

    provider(InMemoryEmail)
    _with_unknown(queued)  # a chapter A broadcast
    with pytest.raises(PermissionDenied):
        services.resend_unknown(actor=personas.organizer_b, broadcast=queued, confirmed=True)
    client.force_login(personas.organizer_b)
    response = client.post(f"/comms/broadcasts/{queued.pk}/resend-unknown/", {"confirm": "yes"})
    assert response.status_code == 404
    assert OutboxMessage.objects.filter(broadcast=queued, status="unknown").count() == 2
