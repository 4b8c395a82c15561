"""Races that only PostgreSQL shows: the database, not Python, keeps people unique."""

import threading

import pytest
from django.db import connection

from bloc.people import services
from bloc.people.models import Person, PersonEmail

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_twenty_simultaneous_sign_ups_with_one_email_make_one_person():
    barrier = threading.Barrier(20)
    outcomes: list[str] = []

    def sign_up(n: int) -> None:
        barrier.wait()
        try:
            services.create_person(actor=None, email="Same@Example.test", first_name=f"Try{n}")
            outcomes.append("created")
        except services.DuplicatePerson:
            outcomes.append("duplicate")
        finally:
            connection.close()

    threads = [threading.Thread(target=sign_up, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["created"] + ["duplicate"] * 19
    assert PersonEmail.objects.filter(normalized="same@example.test").count() == 1
    assert Person.objects.count() == 1
