"""One member, one vote, one secret: the holes a hostile test of the running app found (issue 15).

Each test here failed on the code before the fix: votes through a merge, voting codes and
receipts resting in the task table, codes re-addressed by an organizer, and a participation
sharing its transaction id with its sealed ballot."""

import re
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from bloc.democracy import services
from bloc.democracy.models import Participation, SealedBallot, VoterRollEntry
from bloc.democracy.tests.helpers import YES, counted, opened, vote
from bloc.democracy.tests.test_secrecy import _dump
from bloc.people import services as people
from bloc.people.models import Person

CODE = re.compile(r"[0-9A-F]{4}(?:-[0-9A-F]{4}){4}")


def _member_without_account(chapter, email: str, zip_code: str = "10001") -> Person:
    person = people.create_person(
        actor=None,
        email=email,
        first_name="Noa",
        last_name="Quietwater",
        zip_code=zip_code,
        consents={"email": "opted_in"},
        consent_source="test",
    )
    people.record_membership(
        actor=None,
        person=person,
        joined_on=date(2021, 3, 1),
        paid_through_on=timezone.localdate() + timedelta(days=100),
    )
    return person


def _organizer_person(p) -> Person:
    return Person.objects.get(user=p.organizer_a)


# 1. Votes through a merge ------------------------------------------------------------------


def test_an_organizer_cannot_merge_themself_into_a_member_on_a_live_roll(personas, client):
    p = personas
    quiet = _member_without_account(p.chapter_a, "noa.quietwater@example.test")
    ballot, _ = opened()
    vote(ballot, _organizer_person(p), [YES])
    client.force_login(p.organizer_a)
    response = client.post(
        reverse("people:person-merge"),
        {"survivor": quiet.pk, "merged": _organizer_person(p).pk},
    )
    assert response.status_code == 200
    assert "voter roll" in response.content.decode()
    quiet.refresh_from_db()
    assert quiet.user_id is None
    assert Person.objects.get(pk=_organizer_person(p).pk).merged_into_id is None


def test_a_national_admin_cannot_merge_people_on_a_live_roll_either(personas):
    p = personas
    quiet = _member_without_account(p.chapter_a, "noa.quietwater@example.test")
    ballot, _ = opened()
    with pytest.raises(ValidationError, match="voter roll"):
        people.merge_people(actor=p.admin, survivor=quiet, merged=_organizer_person(p))
    # Once the ballot is final, the same merge goes through.
    ballot = counted(ballot, _)
    services.finalize_result(actor=None, ballot=ballot)
    organizer = _organizer_person(p)
    people.merge_people(actor=p.admin, survivor=quiet, merged=organizer)
    quiet.refresh_from_db()
    assert quiet.user_id == p.organizer_a.pk


# 3. Codes re-addressed ---------------------------------------------------------------------


def test_an_organizer_cannot_change_the_email_of_a_member_on_a_live_roll(personas):
    p = personas
    ballot, _ = opened()
    with pytest.raises(ValidationError, match="voter roll"):
        people.update_person(
            actor=p.organizer_a, person=p.person_member_a, email="attacker@example.test"
        )
    with pytest.raises(ValidationError, match="voter roll"):
        people.update_person(actor=p.organizer_a, person=p.person_member_a, phone="2125550199")
    with pytest.raises(ValidationError, match="voter roll"):
        people.update_person(actor=p.admin, person=p.person_member_a, zip_code="60601")
    p.person_member_a.refresh_from_db()
    assert p.person_member_a.email != "attacker@example.test"
    assert ballot.status == "open"


def test_codes_go_to_the_address_recorded_on_the_roll(personas, django_capture_on_commit_callbacks):
    p = personas
    ballot, _ = opened()
    entry = VoterRollEntry.objects.get(ballot=ballot, person=p.person_member_a)
    assert entry.email_at_freeze == p.person_member_a.email
    # Even a write that bypasses the services cannot re-address the code.
    p.person_member_a.emails.update(address="attacker@example.test", normalized="attacker@x.test")
    Person.objects.filter(pk=p.person_member_a.pk).update(email="attacker@example.test")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_voting_codes(actor=None, ballot=ballot)
    recipients = {r for m in mail.outbox for r in m.to}
    assert "attacker@example.test" not in recipients
    assert entry.email_at_freeze in recipients


# 2 and 4. Codes and receipts never rest in the database ------------------------------------


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_voting_codes_are_not_in_the_task_table(personas, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    ballot, _ = opened()
    with django_capture_on_commit_callbacks(execute=True):
        services.issue_voting_codes(actor=None, ballot=ballot)
    assert DBTaskResult.objects.exists(), "the codes go out through the task queue"
    rows = " ".join(str(r.args_kwargs) for r in DBTaskResult.objects.all())
    assert not CODE.search(rows)
    for entry in VoterRollEntry.objects.filter(ballot=ballot):
        assert entry.person.email not in rows


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)
def test_a_cast_stores_no_receipt_linking_the_voter_to_their_tracker(personas):
    ballot, _ = opened()
    tracker = vote(ballot, personas.person_member_a, [YES])
    services.mix_pending(ballot=ballot, force=True)
    outside_the_box = [
        line for line in _dump().splitlines() if not line.startswith("democracy_sealedballot")
    ]
    assert not [line for line in outside_the_box if tracker in line]


def test_a_voter_can_ask_for_their_receipt_by_email_and_nothing_is_stored(personas, client):
    ballot, _ = opened()
    client.force_login(personas.member_a)
    response = client.post(reverse("democracy:ballot-cast", args=[ballot.pk]), {"choice": str(YES)})
    tracker = response.context["tracker"]
    mail.outbox.clear()
    response = client.post(
        reverse("democracy:ballot-receipt", args=[ballot.pk]), {"tracker": tracker}
    )
    assert response.status_code == 200
    assert len(mail.outbox) == 1 and tracker in mail.outbox[0].body
    assert mail.outbox[0].to == [personas.person_member_a.email]
    assert tracker not in "".join(
        line for line in _dump().splitlines() if not line.startswith("democracy_sealedballot")
    )


def test_someone_who_has_not_voted_cannot_send_receipts(personas, client):
    ballot, _ = opened()
    client.force_login(personas.member_a)
    mail.outbox.clear()
    response = client.post(
        reverse("democracy:ballot-receipt", args=[ballot.pk]), {"tracker": "0" * 16}
    )
    assert response.status_code == 404
    assert not mail.outbox


# 5. Unlinkable writes --------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_participation_never_shares_a_transaction_id_with_a_sealed_ballot():
    from bloc.core.testing import personas as make

    p = make()
    ballot, shares = opened()
    for person in (p.person_member_a, _organizer_person(p)):
        vote(ballot, person, [YES])
    services.mix_pending(ballot=ballot, force=True)

    def xmins(table: str) -> set[str]:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT xmin::text FROM {table}")  # noqa: S608 - fixed names
            return {row[0] for row in cursor.fetchall()}

    assert SealedBallot.objects.filter(ballot=ballot).count() == 2
    assert not xmins("democracy_participation") & xmins("democracy_sealedballot")
    assert Participation.objects.count() == 2


def test_a_voter_by_code_gets_the_receipt_at_the_roll_address_by_giving_the_code(personas, client):
    ballot, _ = opened()
    entry = VoterRollEntry.objects.get(ballot=ballot, person=personas.person_member_a)
    code = services.voting_code_for(ballot, entry.pk)
    from bloc.democracy.models import VotingCode

    VotingCode.objects.create(roll_entry=entry, code_sha256=services.code_hash(code))
    tracker = services.cast_with_code(code=code, ballot=ballot, choice=[YES])
    mail.outbox.clear()
    url = reverse("democracy:ballot-receipt", args=[ballot.pk])
    response = client.post(url, {"tracker": tracker, "code": code})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [[entry.email_at_freeze]]


@override_settings(BLOC_RATE_WRONG_CODE_CLIENT="3/h")
def test_the_receipt_page_is_no_oracle_for_guessing_codes(personas, client):
    ballot, _ = opened()
    url = reverse("democracy:ballot-receipt", args=[ballot.pk])
    statuses = [
        client.post(url, {"tracker": "A" * 16, "code": f"0000-0000-0000-0000-000{i}"}).status_code
        for i in range(5)
    ]
    assert statuses[:3] == [404, 404, 404]
    assert statuses[-1] == 429
