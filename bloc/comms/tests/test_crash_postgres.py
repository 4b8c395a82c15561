"""Workers are killed (SIGKILL) at random moments during a 2,000-message send; real processes,
real row locks, a fake provider over HTTP. Runs on PostgreSQL only."""

import multiprocessing
import os
import random
import signal
import time

import pytest
from django.db import connections

from bloc.comms import delivery, render, services
from bloc.comms.models import DeliveryMode, OutboxMessage
from bloc.comms.tests.fakes import FakeProvider, fictional_people

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
FORK = multiprocessing.get_context("fork")


def _worker(seed: int) -> None:
    random.seed(seed)
    delivery.run_worker(limit=random.choice([10, 25, 50]), idle_exit=True)
    connections.close_all()


def _open_rows() -> int:
    return OutboxMessage.objects.filter(status__in=["pending", "sending"]).count()


def _run_with_kills(*, workers: int, kills: int, deadline_seconds: float = 240) -> int:
    """Keep `workers` processes sending; SIGKILL one at a random moment until `kills` are done."""
    rng = random.Random(8)
    render.unsubscribe_path(person_id=1)  # load the URLconf once, as a long-lived worker has
    connections.close_all()
    live: list = []
    killed = 0
    seed = 0
    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        failed = [p.exitcode for p in live if p.exitcode not in (None, 0, -signal.SIGKILL)]
        assert not failed, f"a worker failed on its own: {failed}"
        live = [p for p in live if p.is_alive()]
        remaining = _open_rows()
        connections.close_all()
        if remaining == 0 and not live:
            return killed
        while len(live) < workers and remaining:
            seed += 1
            process = FORK.Process(target=_worker, args=(seed,))
            process.start()
            live.append(process)
        time.sleep(rng.uniform(0.02, 0.25))
        if killed < kills and live:
            victim = rng.choice(live)
            if victim.is_alive():
                os.kill(victim.pid, signal.SIGKILL)
                victim.join()
                killed += 1
        if killed >= kills and remaining and not live:
            time.sleep(0.5)  # let leases of killed workers expire
    raise AssertionError("the send did not finish in time")


def _queue_send(personas, entity, count):
    fictional_people(count)
    audience = services.save_audience(actor=personas.admin, name="Crash test readers")
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="Crash test",
        channel="email",
        audience=audience,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="Hello {{ first_name|friend }}",
        body="We are many.",
    )
    # Queue without sending: the forked workers do all of the work.
    from unittest import mock

    with mock.patch("bloc.comms.tasks.start_delivery"):
        services.submit_broadcast(actor=personas.admin, broadcast=broadcast)
    return broadcast


@pytest.fixture
def crash_settings(settings):
    settings.BLOC_COMMS_BACKENDS = {"email": "bloc.comms.tests.fakes.HttpFakeEmail"}
    settings.BLOC_COMMS_LEASE_SECONDS = 1
    return settings


def test_killed_workers_with_an_idempotent_provider_lose_nothing_and_repeat_nothing(
    crash_settings, personas, entity
):
    with FakeProvider(idempotent=True, delay_seconds=0.01) as provider:
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_URL = provider.url
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_IDEMPOTENT = True
        broadcast = _queue_send(personas, entity, 2000)
        rows = OutboxMessage.objects.filter(broadcast=broadcast)
        total = rows.count()
        assert total >= 2000
        assert set(rows.values_list("mode", flat=True)) == {DeliveryMode.AT_LEAST_ONCE}

        killed = _run_with_kills(workers=4, kills=12)

        assert killed == 12
        keys = set(rows.values_list("idempotency_key", flat=True))
        assert rows.filter(status="sent").count() == total  # 0 lost
        assert set(provider.deliveries) == keys
        assert provider.duplicates == 0  # 0 duplicate deliveries
        # The kills did land mid-send: workers repeated requests, and the key kept them single.
        assert sum(provider.requests.values()) > total


def test_killed_workers_at_most_once_never_repeat_and_account_for_every_loss(
    crash_settings, personas, entity
):
    with FakeProvider(idempotent=False, delay_seconds=0.01) as provider:
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_URL = provider.url
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_IDEMPOTENT = False
        broadcast = _queue_send(personas, entity, 2000)
        rows = OutboxMessage.objects.filter(broadcast=broadcast)
        total = rows.count()
        assert set(rows.values_list("mode", flat=True)) == {DeliveryMode.AT_MOST_ONCE}

        killed = _run_with_kills(workers=4, kills=12)

        assert killed == 12
        assert provider.duplicates == 0  # every request the provider saw was a first
        statuses = dict(rows.values_list("idempotency_key", "status"))
        assert set(statuses.values()) <= {"sent", "unknown"}
        sent = {k for k, s in statuses.items() if s == "sent"}
        unknown = {k for k, s in statuses.items() if s == "unknown"}
        assert sent <= set(provider.deliveries)  # what we call sent was delivered
        lost = set(statuses) - set(provider.deliveries)
        assert lost <= unknown  # every loss is a row marked unknown, none silent
        assert len(sent) + len(unknown) == total
        assert rows.filter(status="unknown").exclude(reason="worker_lost").count() == 0
        assert unknown  # the kills did land mid-send
        # Only the message in flight can be lost: at most one per kill, the rest delivered.
        assert len(unknown) <= killed
        assert len(lost) <= killed


def test_two_hundred_unsubscribes_during_a_send_get_nothing_after_they_commit(
    crash_settings, personas, entity
):
    with FakeProvider(idempotent=True, delay_seconds=0.004) as provider:
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_URL = provider.url
        crash_settings.BLOC_COMMS_FAKE_PROVIDER_IDEMPOTENT = True
        crash_settings.BLOC_COMMS_LEASE_SECONDS = 60
        broadcast = _queue_send(personas, entity, 1200)
        rows = OutboxMessage.objects.filter(broadcast=broadcast)
        people = list(rows.values_list("person_id", "idempotency_key"))
        leaving = random.Random(3).sample(people, 200)
        render.unsubscribe_path(person_id=1)
        connections.close_all()
        workers = [FORK.Process(target=_worker, args=(n,)) for n in range(3)]
        for process in workers:
            process.start()
        committed: dict[str, float] = {}
        time.sleep(0.2)
        for person_id, key in leaving:
            token = render.unsubscribe_token(person_id=person_id, broadcast_id=broadcast.pk)
            services.unsubscribe(token=token)
            committed[key] = time.time()  # taken after the commit returned
            time.sleep(0.004)
        for process in workers:
            process.join(120)
        assert not any(p.is_alive() for p in workers)
        late = [
            key
            for key, at in committed.items()
            if key in provider.delivered_at and provider.delivered_at[key] > at
        ]
        assert late == []
        skipped = rows.filter(idempotency_key__in=committed, status="skipped").count()
        delivered_before = sum(1 for key in committed if key in provider.delivered_at)
        assert skipped + delivered_before == 200
        assert skipped > 0  # the unsubscribes really did land during the send
        assert rows.filter(status__in=["pending", "sending"]).count() == 0
