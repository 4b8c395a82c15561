"""One member, one vote, under concurrent requests (PostgreSQL: SQLite serialises writers)."""

import threading

import pytest
from django.db import connection

from bloc.democracy import services
from bloc.democracy.models import Participation, SealedBallot
from bloc.democracy.tests.helpers import YES, opened

CASTS = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_casts_by_one_member_store_exactly_one_ballot(personas):
    ballot, _ = opened()
    barrier = threading.Barrier(CASTS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def cast() -> None:
        try:
            barrier.wait()
            services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
            outcome = "cast"
        except services.AlreadyVoted:
            outcome = "refused"
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=cast) for _ in range(CASTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == ["cast"] + ["refused"] * (CASTS - 1)
    assert SealedBallot.objects.filter(ballot=ballot).count() == 1
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 1
