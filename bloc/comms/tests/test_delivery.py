"""The outbox on the default database: consent at send time, retries, modes, leases."""

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from bloc.comms import delivery, services
from bloc.comms.backends.base import Outcome
from bloc.comms.models import Broadcast, DeliveryMode, OutboxMessage, Suppression
from bloc.comms.tests.fakes import fictional_people
from bloc.people.services import set_consent


def _broadcast(personas, entity, audience, **extra):
    fields = dict(
        actor=personas.admin,
        title="Spring drive",
        channel="email",
        audience=audience,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="{{ first_name|Friend }}, the drive starts Saturday",
        body="Hi {{ first_name|friend }} from {{ chapter|your chapter }}.",
    )
    fields.update(extra)
    return services.create_broadcast(**fields)


@pytest.mark.django_db
def test_every_opted_in_person_gets_one_personalised_message(
    mem_backends, personas, entity, everyone, submit
):
    people = fictional_people(30)
    set_consent(actor=None, person=people[0], channel="email", opted_in=False, source="test")
    broadcast = _broadcast(personas, entity, everyone)
    submit(actor=personas.admin, broadcast=broadcast)

    sent = {m.to: m for m in mem_backends.outbox}
    assert people[0].email not in sent
    assert people[1].email in sent and len(mem_backends.outbox) == len(sent)
    assert sent[people[1].email].subject == "Reader1, the drive starts Saturday"
    assert sent[people[0 + 7].email].subject.startswith("Friend,")  # fallback for no first name
    assert "Hi Mina from Riverside Chapter." in sent[personas.member_a.email].body
    headers = sent[people[1].email].headers
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/comms/u/" in headers["List-Unsubscribe"]
    assert "Paid for by Bloc National Organization." in sent[people[1].email].body
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENT
    assert delivery.stats_for(broadcast)["sent"] == len(sent)


@pytest.mark.django_db
def test_consent_is_read_at_send_time_not_when_queued(
    mem_backends, personas, entity, everyone, monkeypatch, submit
):
    people = fictional_people(5)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    broadcast = _broadcast(personas, entity, everyone)
    submit(actor=personas.admin, broadcast=broadcast)
    assert OutboxMessage.objects.filter(person=people[2]).exists()
    set_consent(actor=None, person=people[2], channel="email", opted_in=False, source="test")

    delivery.run_worker()

    row = OutboxMessage.objects.get(person=people[2])
    assert (row.status, row.reason) == ("skipped", "no_consent")
    assert people[2].email not in {m.to for m in mem_backends.outbox}
    assert people[3].email in {m.to for m in mem_backends.outbox}


@pytest.mark.django_db
def test_suppressed_addresses_are_skipped(mem_backends, personas, entity, everyone, submit):
    people = fictional_people(3)
    Suppression.objects.create(channel="email", address=people[1].email, reason="bounce")
    submit(actor=personas.admin, broadcast=_broadcast(personas, entity, everyone))
    assert OutboxMessage.objects.get(person=people[1]).reason == "suppressed"
    assert people[1].email not in {m.to for m in mem_backends.outbox}


@pytest.mark.django_db
def test_temporary_errors_retry_with_backoff_and_permanent_ones_do_not(
    mem_backends, personas, entity, everyone, submit
):
    people = fictional_people(2)
    mem_backends.scripted[people[0].email] = [Outcome.TEMPORARY, Outcome.TEMPORARY]
    mem_backends.scripted[people[1].email] = [Outcome.PERMANENT]
    before = timezone.now()
    submit(actor=personas.admin, broadcast=_broadcast(personas, entity, everyone))

    retrying = OutboxMessage.objects.get(person=people[0])
    assert retrying.status == "pending" and retrying.attempts == 1
    assert (
        before + timedelta(seconds=30)
        <= retrying.next_attempt_at
        <= timezone.now() + timedelta(seconds=60)
    )
    failed = OutboxMessage.objects.get(person=people[1])
    assert failed.status == "failed" and failed.attempts == 1

    for _ in range(2):
        delivery.run_worker()  # not due yet: nothing happens
        OutboxMessage.objects.filter(pk=retrying.pk).update(next_attempt_at=timezone.now())
        delivery.run_worker()
    retrying.refresh_from_db()
    assert retrying.status == "sent" and retrying.attempts == 3
    assert [m.to for m in mem_backends.outbox].count(people[0].email) == 1
    failed.refresh_from_db()
    assert failed.status == "failed" and failed.attempts == 1


@pytest.mark.django_db
def test_an_unknown_outcome_is_retried_only_in_at_least_once_mode(
    mem_backends, personas, entity, everyone, monkeypatch, submit
):
    people = fictional_people(2)
    monkeypatch.setattr(mem_backends, "supports_idempotency", False)
    mem_backends.scripted[people[0].email] = [Outcome.UNKNOWN]
    submit(actor=personas.admin, broadcast=_broadcast(personas, entity, everyone))
    row = OutboxMessage.objects.get(person=people[0])
    assert row.mode == DeliveryMode.AT_MOST_ONCE and row.status == "unknown"

    monkeypatch.setattr(mem_backends, "supports_idempotency", True)
    mem_backends.scripted[people[1].email] = [Outcome.UNKNOWN]
    second = _broadcast(personas, entity, everyone, title="Second")
    submit(actor=personas.admin, broadcast=second)
    row = OutboxMessage.objects.get(broadcast=second, person=people[1])
    assert row.mode == DeliveryMode.AT_LEAST_ONCE and row.status == "pending"


@pytest.mark.django_db
def test_expired_leases_are_retried_or_written_off_by_mode(
    personas, entity, everyone, monkeypatch, submit
):
    fictional_people(8)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    broadcast = _broadcast(personas, entity, everyone)
    submit(actor=personas.admin, broadcast=broadcast)
    ids = delivery.claim(worker="dead-worker", limit=100)
    rows = OutboxMessage.objects.filter(pk__in=ids)
    # Two messages were in flight when the worker died (one per mode); the rest never left.
    in_flight = ids[:2]
    rows.filter(pk__in=in_flight).update(attempted_at=timezone.now())
    rows.filter(pk=ids[0]).update(mode=DeliveryMode.AT_LEAST_ONCE)
    rows.exclude(pk=ids[0]).update(mode=DeliveryMode.AT_MOST_ONCE)

    lease_valid = delivery.recover_expired_leases()
    assert lease_valid == {"released": 0, "retried": 0, "unknown": 0}
    later = timezone.now() + delivery.lease() + timedelta(seconds=1)
    result = delivery.recover_expired_leases(now=later)

    assert result == {"released": len(ids) - 2, "retried": 1, "unknown": 1}
    assert rows.get(pk=ids[0]).status == "pending"
    assert (rows.get(pk=ids[1]).status, rows.get(pk=ids[1]).reason) == ("unknown", "worker_lost")
    never = rows.exclude(pk__in=in_flight)
    assert set(never.values_list("status", "attempts", "claimed_by")) == {("pending", 0, "")}


@pytest.mark.django_db
def test_a_late_worker_does_not_send_rows_reassigned_after_its_lease(
    mem_backends, personas, entity, everyone, monkeypatch, submit
):
    fictional_people(3)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    submit(actor=personas.admin, broadcast=_broadcast(personas, entity, everyone))
    ids = delivery.claim(worker="slow", limit=100)
    OutboxMessage.objects.filter(pk__in=ids).update(status="pending", claimed_by="")
    delivery.send_claimed(ids, worker="slow")
    assert mem_backends.outbox == []


@pytest.mark.django_db
def test_one_row_per_broadcast_and_person(mem_backends, personas, entity, everyone, submit):
    person = fictional_people(1)[0]
    broadcast = _broadcast(personas, entity, everyone)
    submit(actor=personas.admin, broadcast=broadcast)
    with pytest.raises(IntegrityError), transaction.atomic():
        OutboxMessage.objects.create(
            broadcast=broadcast,
            person=person,
            channel="email",
            mode="at_most_once",
            idempotency_key="another-key",
        )


@pytest.mark.django_db
def test_national_sends_wait_for_a_second_admin(
    mem_backends, personas, entity, everyone, submit, django_capture_on_commit_callbacks
):
    from bloc.accounts.models import Role
    from bloc.accounts.services import create_user, grant_role

    fictional_people(2)
    broadcast = _broadcast(personas, entity, everyone, chapter_id=None)
    submit(actor=personas.admin, broadcast=broadcast)
    assert broadcast.status == Broadcast.Status.AWAITING_APPROVAL
    assert mem_backends.outbox == []
    with pytest.raises(Exception, match="other than the author"):
        services.approve_broadcast(actor=personas.admin, broadcast=broadcast)
    second = create_user(email="second.admin@personas.bloc.test", password="x-pass-2026!")
    grant_role(actor=None, user=second, role=Role.NATIONAL_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_broadcast(actor=second, broadcast=broadcast)
    assert len(mem_backends.outbox) >= 2


@pytest.mark.django_db
def test_scheduled_broadcasts_go_out_when_their_time_comes(
    mem_backends, personas, entity, everyone, submit, django_capture_on_commit_callbacks
):
    fictional_people(2)
    when = timezone.now() + timedelta(hours=2)
    broadcast = _broadcast(personas, entity, everyone, scheduled_for=when)
    submit(actor=personas.admin, broadcast=broadcast)
    assert services.release_scheduled() == 0 and mem_backends.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert services.release_scheduled(now=when + timedelta(minutes=1)) == 1
    broadcast.refresh_from_db()
    assert broadcast.status == Broadcast.Status.SENT and len(mem_backends.outbox) >= 2


@pytest.mark.django_db
def test_organizers_cannot_send_for_another_chapter_or_nationally(personas, entity):
    from django.core.exceptions import PermissionDenied

    audience = services.save_audience(
        actor=personas.organizer_a, name="Riverside", chapter_id=personas.chapter_a.pk
    )
    for chapter_id in (personas.chapter_b.pk, None):
        with pytest.raises(PermissionDenied):
            _broadcast(
                personas, entity, audience, actor=personas.organizer_a, chapter_id=chapter_id
            )
    with pytest.raises(PermissionDenied):
        services.save_audience(
            actor=personas.organizer_a, name="B", chapter_id=personas.chapter_b.pk
        )


@pytest.mark.django_db
def test_the_firewall_refuses_a_coordinated_list_for_an_independent_expenditure(personas, entity):
    ie = services.create_legal_entity(
        actor=None,
        name="Independent PAC",
        coordination="independent",
        disclaimer="Paid for by Independent PAC. Not authorized by any candidate.",
        postal_address="2 Example Ave, Springfield, NY 10001",
    )
    campaign = services.create_legal_entity(
        actor=None,
        name="Candidate Committee",
        coordination="coordinated",
        disclaimer="",
        postal_address="3 Example Rd, Springfield, NY 10001",
    )
    audience = services.save_audience(
        actor=personas.admin, name="Campaign list", legal_entity=campaign
    )
    broadcast = _broadcast(personas, entity, audience, legal_entity=ie)
    problems = services.preflight(broadcast)
    assert any("may not use it" in p for p in problems)
    with pytest.raises(Exception, match="may not use it"):
        services.submit_broadcast(actor=personas.admin, broadcast=broadcast)
    assert not OutboxMessage.objects.filter(broadcast=broadcast).exists()
