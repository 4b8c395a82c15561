"""Issue 4 "Done means": the voting window to the second, the frozen roll, and receipts."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from bloc.democracy import selectors, services
from bloc.democracy.models import Participation, VoterRollEntry
from bloc.democracy.tests.helpers import CANDIDATES, YES, in_box, opened
from bloc.people.models import Person

SECOND = timedelta(seconds=1)


def _printed_code(ballot, person) -> str:
    Person.objects.filter(pk=person.pk).update(email="")
    # As if they had no address when the roll was frozen (the roll's own manager refuses).
    VoterRollEntry._base_manager.filter(person=person).update(email_at_freeze="")
    codes = dict(services.issue_voting_codes(actor=None, ballot=ballot))
    (code,) = [c for entry, c in codes.items() if entry.person_id == person.pk]
    return code


def _stored(ballot) -> tuple[int, int]:
    return (
        in_box(ballot),
        Participation.objects.filter(roll_entry__ballot=ballot).count(),
    )


@pytest.mark.parametrize("moment", ["one second before opening", "one second after closing"])
def test_casts_are_refused_one_second_outside_the_window(client, personas, time_machine, moment):
    ballot, _ = opened()
    code = _printed_code(ballot, personas.person_member_b)
    at = ballot.opens_at - SECOND if "before" in moment else ballot.closes_at + SECOND
    time_machine.move_to(at, tick=False)

    with pytest.raises(ValidationError):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    with pytest.raises(ValidationError):
        services.cast_with_code(code=code, ballot=ballot, choice=[YES])
    client.force_login(personas.member_a)
    client.post(reverse("democracy:ballot-cast", args=[ballot.pk]), {"choice": str(YES)})
    assert _stored(ballot) == (0, 0)

    # The same casts one second inside the window go through.
    time_machine.move_to(
        ballot.opens_at + SECOND if "before" in moment else ballot.closes_at - SECOND
    )
    services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    services.cast_with_code(code=code, ballot=ballot, choice=[YES])
    assert _stored(ballot) == (2, 2)


def test_a_member_not_on_the_frozen_roll_is_refused_by_account_code_and_page(client, personas):
    ballot, _ = opened(chapter=personas.chapter_a)
    other, _ = opened(chapter=personas.chapter_b)
    assert selectors.roll_entry_for(personas.member_b, ballot) is None
    with pytest.raises(PermissionDenied):
        services.cast_ballot(actor=personas.member_b, ballot=ballot, choice=[YES])
    # A valid code, but for another ballot's roll.
    foreign = _printed_code(other, personas.person_member_b)
    with pytest.raises(PermissionDenied):
        services.cast_with_code(code=foreign, ballot=ballot, choice=[YES])
    client.force_login(personas.member_b)
    response = client.post(reverse("democracy:ballot-cast", args=[ballot.pk]), {"choice": "0"})
    assert response.status_code == 404
    assert _stored(ballot) == (0, 0)


def test_the_roll_fingerprint_recomputes_from_the_stored_roll_and_is_published(client, personas):
    ballot, _ = opened()
    assert selectors.roll_fingerprint(ballot) == ballot.roll_fingerprint
    assert ballot.roll_size == 5
    # A roll with someone else on it would not have the same fingerprint.
    other, _ = opened(chapter=personas.chapter_a)
    assert other.roll_size < ballot.roll_size
    assert selectors.roll_fingerprint(other) != ballot.roll_fingerprint
    client.force_login(personas.admin)
    manage = client.get(reverse("democracy:ballot-manage", args=[ballot.pk]))
    assert manage.context["fingerprint_ok"] is True
    assert ballot.roll_fingerprint in manage.content.decode()


def test_receipts_and_emails_never_contain_a_choice(
    client, personas, django_capture_on_commit_callbacks
):
    ballot, _ = opened(method="stv", seats=2, title="Fictional steering committee")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        code = _printed_code(ballot, personas.person_member_b)
    code_emails = list(mail.outbox)
    assert len(code_emails) == ballot.roll_size - 1

    client.force_login(personas.member_a)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        by_account = client.post(
            reverse("democracy:ballot-cast", args=[ballot.pk]),
            {"rank_3": "1", "rank_1": "2", "rank_0": "3"},
        )
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        by_code = client.post(
            reverse("democracy:ballot-vote-by-code", args=[ballot.pk]),
            {"code": code, "rank_2": "1", "rank_0": "2"},
        )
    receipts = [by_account, by_code]
    assert all(r.status_code == 200 and r.context["tracker"] for r in receipts)
    assert not mail.outbox, "no receipt is queued with a cast"
    client.force_login(personas.member_a)
    asked = client.post(
        reverse("democracy:ballot-receipt", args=[ballot.pk]),
        {"tracker": by_account.context["tracker"]},
    )
    receipts.append(asked)
    (receipt_email,) = mail.outbox
    assert by_account.context["tracker"] in receipt_email.body
    assert _stored(ballot) == (2, 2)

    texts = [r.content.decode() for r in receipts] + [
        f"{m.subject}\n{m.body}" for m in [*code_emails, receipt_email]
    ]
    for text in texts:
        for candidate in CANDIDATES:
            assert candidate not in text
        for ranking in ("[3, 1, 0]", "[3,1,0]", "[2, 0]", "[2,0]"):
            assert ranking not in text
