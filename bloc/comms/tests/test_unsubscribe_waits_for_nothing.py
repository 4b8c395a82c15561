"""Issue 16, item 2: recording an unsubscribe never waits on the batch being sent. Before, a
worker held the person rows of its whole claim while it sent it, so each one-click unsubscribe
waited for the batch (p50 10.8 s in the fault test). Now a message is sent in its own
transaction: an unsubscribe waits at most for the one message in flight. Here the provider is
stuck on the first message of a claim; the unsubscribe of a later recipient of the same claim
must commit anyway, and that recipient is then skipped. PostgreSQL: row locks are the point."""

import threading

import pytest
from django.db import connections

from bloc.comms import delivery, render, services
from bloc.comms.backends.base import EmailSender, Outcome, OutgoingMessage, Result
from bloc.comms.models import OutboxMessage
from bloc.comms.tests.test_crash_postgres import _queue_send
from bloc.people.selectors import can_contact

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class StuckProvider(EmailSender):
    """Accepts messages; the first one hangs until the test lets it go."""

    supports_idempotency = True

    def __init__(self) -> None:
        self.in_first = threading.Event()
        self.release = threading.Event()
        self.sent: list[str] = []

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        if not self.sent:
            self.in_first.set()
            assert self.release.wait(30)
        self.sent.extend(m.key for m in messages)
        return [Result(m.key, Outcome.ACCEPTED, provider_id=m.key) for m in messages]


def test_an_unsubscribe_commits_while_the_batch_it_belongs_to_is_being_sent(personas, entity):
    broadcast = _queue_send(personas, entity, 30)
    rows = OutboxMessage.objects.filter(broadcast=broadcast).order_by("pk")
    later = rows[10]
    provider = StuckProvider()
    render.unsubscribe_path(person_id=1)  # load the URLconf before the threads start

    def work() -> None:
        try:
            delivery.run_worker(limit=30, idle_exit=True, backends={"email": provider})
        finally:
            connections.close_all()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        assert provider.in_first.wait(30), "the worker never reached the provider"
        done = threading.Event()

        def unsubscribe() -> None:
            try:
                token = render.unsubscribe_token(
                    person_id=later.person_id, broadcast_id=broadcast.pk
                )
                services.unsubscribe(token=token)
                done.set()
            finally:
                connections.close_all()

        leaving = threading.Thread(target=unsubscribe)
        leaving.start()
        # The provider is still stuck on the first message of the claim.
        assert done.wait(10), "the unsubscribe waited for the batch being sent"
        assert not provider.release.is_set()
    finally:
        provider.release.set()
        worker.join(60)
        leaving.join(10)
    later.refresh_from_db()
    assert later.status == "skipped" and later.idempotency_key not in provider.sent
    assert not can_contact(later.person, "email")
