"""Fifty texters over one 10,000-contact list at once (PostgreSQL: SQLite serialises writers).

Every contact is assigned exactly once, no contact gets its initial text twice, and nobody who
opted out — before the run, or by a STOP while it runs — gets a text after their opt-out
committed."""

import random
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import time_machine
from django.db import connection

from bloc.accounts.services import create_user
from bloc.contact import selectors, services
from bloc.contact.models import Contact, Message, OptOut
from bloc.contact.tests import builders as b
from bloc.contact.tests.fakes import RecordingSms

# PostgreSQL allows 100 connections by default and other work shares the server.
CONNECTIONS = 40


def run_textbank(campaign, texters, *, stop_numbers=(), stops_every=0.01):
    """Each texter takes batches and clicks "send" on each contact until none are left, while
    one more thread texts STOP from `stop_numbers`. Returns (assigned ids per texter, stop
    commit times by number, seconds)."""
    barrier = threading.Barrier(len(texters) + 1)
    gate = threading.BoundedSemaphore(CONNECTIONS)
    stopped: dict[str, float] = {}

    def texter(user) -> list[int]:
        taken: list[int] = []
        barrier.wait()
        try:
            while True:
                with gate:
                    batch = services.request_batch(actor=user, campaign=campaign)
                    if batch is None:
                        return taken
                    contacts = list(selectors.batch_contacts(user, campaign))
                    taken.extend(c.pk for c in contacts)
                    for contact in contacts:
                        services.send_initial(actor=user, contact=contact)
        finally:
            connection.close()

    def stopper() -> None:
        barrier.wait()
        try:
            for i, number in enumerate(stop_numbers):
                time.sleep(stops_every)
                services.receive_reply(from_number=number, body="STOP", message_id=f"SM-stop-{i}")
                stopped[number] = time.monotonic()
        finally:
            connection.close()

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=len(texters) + 1) as pool:
        futures = [pool.submit(texter, user) for user in texters]
        stop_future = pool.submit(stopper)
        assigned = [f.result(timeout=900) for f in futures]
        stop_future.result(timeout=900)
    return assigned, stopped, time.monotonic() - started


def setup_textbank(admin, *, contacts=10_000, texters=50, opted_out_before=200, batch_size=50):
    campaign = b.campaign(admin, batch_size=batch_size, name="Concurrency bank")
    b.bulk_contacts(campaign, contacts)
    numbers = list(Contact.objects.filter(campaign=campaign).values_list("phone", flat=True))
    rng = random.Random(2026)
    before = rng.sample(numbers, opted_out_before)
    for number in before:
        services.opt_out_number(actor=None, phone=number, source="SMS STOP")
    users = []
    for i in range(texters):
        user = create_user(email=f"texter{i}@volunteers.bloc.test", display_name=f"Texter {i}")
        services.add_volunteer(actor=admin, campaign=campaign, user=user)
        users.append(user)
    rest = sorted(set(numbers) - set(before))
    return campaign, users, before, rng.sample(rest, 200)


def check(campaign, assigned, before, stopped):
    flat = [pk for taken in assigned for pk in taken]
    total = Contact.objects.filter(campaign=campaign).count()
    per_number = Counter(to for to, _ in RecordingSms.handed)
    late = [to for to, at in RecordingSms.handed if to in stopped and at > stopped[to]]
    return {
        "contacts": total,
        "assigned": len(flat),
        "assigned_twice": len(flat) - len(set(flat)),
        "never_assigned": Contact.objects.filter(
            campaign=campaign, assigned_at__isnull=True
        ).count(),
        "initial_texts": Message.objects.filter(
            contact__campaign=campaign, direction="out"
        ).count(),
        "numbers_texted_twice": sum(1 for n in per_number.values() if n > 1),
        "texts_to_opted_out_before": sum(per_number[n] for n in before),
        "texts_after_a_stop": len(late),
        "stops": len(stopped),
        "opt_outs": OptOut.objects.count(),
    }


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_fifty_texters_over_ten_thousand_contacts(personas):
    campaign, users, before, stop_numbers = setup_textbank(personas.admin)
    with time_machine.travel(b.MORNING, tick=True):
        assigned, stopped, _ = run_textbank(campaign, users, stop_numbers=stop_numbers)

    figures = check(campaign, assigned, before, stopped)
    assert figures["assigned_twice"] == 0
    assert figures["texts_to_opted_out_before"] == 0
    assert figures["numbers_texted_twice"] == 0
    assert figures["texts_after_a_stop"] == 0
    assert figures["stops"] == 200
    # Every contact was handed out exactly once, except numbers that had opted out by the time
    # the pool reached them (never taken).
    assert figures["assigned"] + figures["never_assigned"] == 10_000
    never = Contact.objects.filter(campaign=campaign, assigned_at__isnull=True)
    assert not never.exclude(phone__in=OptOut.objects.values("phone")).exists()
    sent = Message.objects.filter(contact__campaign=campaign, direction="out").count()
    assert sent == len(RecordingSms.handed) == figures["initial_texts"]
    assert 10_000 - 400 <= sent <= 10_000 - figures["never_assigned"]
    print(figures)
