"""Personal voting codes: by email, or printed and mailed; one vote per member either way."""

import csv
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from bloc.democracy import services
from bloc.democracy.models import SealedBallot, VoterRollEntry, VotingCode
from bloc.democracy.tests.helpers import NO, YES, in_box, opened
from bloc.people.models import Person

CODE = re.compile(r"[0-9A-F]{4}(?:-[0-9A-F]{4}){4}")


def _no_email(person: Person) -> None:
    Person.objects.filter(pk=person.pk).update(email="", address_line1="1 Fictional Way")
    # As if they had no address when the roll was frozen (the roll's own manager refuses).
    VoterRollEntry._base_manager.filter(person=person).update(email_at_freeze="")


def _member_a_code(ballot, personas):
    """Issue the ballot's codes; member A's roll entry and code."""
    ((entry, code),) = [
        pair
        for pair in services.issue_voting_codes(actor=None, ballot=ballot)
        if pair[0].person_id == personas.person_member_a.pk
    ]
    return entry, code


def test_codes_are_emailed_or_printed_and_stored_only_as_hashes(
    client, personas, django_capture_on_commit_callbacks
):
    ballot, _ = opened()
    _no_email(personas.person_member_b)
    mail.outbox.clear()
    client.force_login(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("democracy:ballot-codes", args=[ballot.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows] == ["Theo Marchetti"]
    printed = rows[0]["code"]
    assert CODE.fullmatch(printed)
    assert len(mail.outbox) == ballot.roll_size - 1
    emailed = {m.to[0]: CODE.search(m.body).group() for m in mail.outbox}  # type: ignore[union-attr]
    codes = [printed, *emailed.values()]
    stored = set(VotingCode.objects.values_list("code_sha256", flat=True))
    assert len(stored) == ballot.roll_size
    assert not any(code in h for code in codes for h in stored)
    # Issuing again gives codes only to entries still without one: none.
    assert services.issue_voting_codes(actor=personas.admin, ballot=ballot) == []


def test_a_code_votes_once_and_counts_as_the_members_one_vote(client, personas):
    ballot, _ = opened()
    _no_email(personas.person_member_a)
    entry, code = _member_a_code(ballot, personas)
    url = reverse("democracy:ballot-vote-by-code", args=[ballot.pk])
    receipt = client.post(url, {"code": code.lower(), "choice": str(YES)})
    assert receipt.status_code == 200 and receipt.context["tracker"]
    again = client.post(url, {"code": code, "choice": str(NO)})
    assert "already voted" in again.content.decode()
    client.force_login(personas.member_a)
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[NO])
    assert in_box(ballot) == 1


def test_a_wrong_code_is_refused(client, personas):
    ballot, _ = opened()
    services.issue_voting_codes(actor=None, ballot=ballot)
    with pytest.raises(PermissionDenied):
        services.cast_with_code(code="0000-0000-0000-0000-0000", ballot=ballot, choice=[YES])
    response = client.post(
        reverse("democracy:ballot-vote-by-code", args=[ballot.pk]),
        {"code": "0000-0000-0000-0000-0000", "choice": str(YES)},
    )
    assert "not valid" in response.content.decode()
    assert not SealedBallot.objects.filter(ballot=ballot).exists()


def test_only_those_who_run_the_ballot_issue_codes(personas):
    ballot, _ = opened()
    with pytest.raises(PermissionDenied):
        services.issue_voting_codes(actor=personas.organizer_a, ballot=ballot)
    assert not VotingCode.objects.exists()


def test_the_vote_page_caches_the_open_ballot_but_a_closed_ballot_refuses_the_cast(
    client, personas, settings, django_assert_num_queries
):
    from bloc.democracy.models import Ballot

    settings.BLOC_DEMOCRACY_VOTE_PAGE_CACHE_SECONDS = 5
    ballot, _ = opened()
    _no_email(personas.person_member_a)
    _entry, code = _member_a_code(ballot, personas)
    url = reverse("democracy:ballot-vote-by-code", args=[ballot.pk])
    assert client.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200, "served from the cache"
    Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)

    refused = client.post(url, {"code": code, "choice": str(YES)})

    assert "not open for voting now" in refused.content.decode()
    assert not SealedBallot.objects.filter(ballot=ballot).exists()
