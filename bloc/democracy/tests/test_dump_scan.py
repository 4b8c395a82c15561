"""The generic guard (issue 15): after a whole ballot's life — codes emailed through the task
queue and printed, votes by account and by code, receipts emailed, close, tally, certification —
no table of the database holds a voting code, a tracker beside anything but its sealed ballot, or
a choice outside the published (shuffled, voterless) record."""

import json
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from bloc.democracy import crypto, services
from bloc.democracy.models import VoterRollEntry
from bloc.democracy.tests.helpers import after_close, opened
from bloc.democracy.tests.test_secrecy import _dump
from bloc.people.models import Person

CODE = re.compile(r"[0-9A-F]{4}(?:-[0-9A-F]{4}){4}")
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def _run_worker() -> None:
    call_command("db_worker", batch=True, no_startup_delay=True, reload=False, verbosity=0)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_after_a_whole_ballot_no_table_holds_a_code_a_voter_tracker_pair_or_a_choice():
    from bloc.core.testing import personas as make

    p = make()
    # Member B has no address on file: their code is printed and mailed.
    Person.objects.filter(pk=p.person_member_b.pk).update(email="")
    ballot, shares = opened(method="irv", title="Fictional scan ballot")
    mail.outbox.clear()
    printed = dict(services.issue_voting_codes(actor=None, ballot=ballot))
    _run_worker()
    emailed = {m.to[0]: CODE.search(m.body).group() for m in mail.outbox}  # type: ignore[union-attr]
    assert len(emailed) == ballot.roll_size - 1 and len(printed) == 1
    codes = [*emailed.values(), *printed.values()]

    rankings = {
        p.person_member_a.pk: [3, 1, 0, 2],
        p.person_member_b.pk: [2, 0, 3, 1],
    }
    organizer = Person.objects.get(user=p.organizer_a)
    rankings[organizer.pk] = [1, 3, 2, 0]
    trackers = {}
    trackers[p.person_member_a.pk] = services.cast_ballot(
        actor=p.member_a, ballot=ballot, choice=rankings[p.person_member_a.pk]
    )
    (code_b,) = printed.values()
    trackers[p.person_member_b.pk] = services.cast_with_code(
        code=code_b, ballot=ballot, choice=rankings[p.person_member_b.pk]
    )
    trackers[organizer.pk] = services.cast_with_code(
        code=emailed[organizer.email], ballot=ballot, choice=rankings[organizer.pk]
    )
    # Receipts by email, both ways.
    mail.outbox.clear()
    entry_a = VoterRollEntry.objects.get(ballot=ballot, person=p.person_member_a)
    services.send_receipt(ballot=ballot, entry_id=entry_a.pk, tracker=trackers[entry_a.person_id])
    services.send_receipt_by_code(
        code=emailed[organizer.email], ballot=ballot, tracker=trackers[organizer.pk]
    )
    assert len(mail.outbox) == 2

    dump_while_open = _dump()
    with after_close(ballot):
        services.close_ballot(actor=None, ballot=ballot)
        services.tally_ballot(actor=None, ballot=ballot, shares=shares[:2])
        services.certify_result(actor=None, ballot=ballot)
        services.finalize_result(actor=None, ballot=ballot)
    _run_worker()
    dump_after = _dump()

    for dump in (dump_while_open, dump_after):
        lines = dump.splitlines()
        for code in codes:
            bare = code.replace("-", "")
            assert not [x for x in lines if code in x or bare in x or code.lower() in x]
        for tracker in trackers.values():
            holders = {x.split(":", 1)[0] for x in lines if tracker in x}
            assert holders <= {"democracy_sealedballot"}, holders
        for ranking in rankings.values():
            plain = crypto.encode_choice(ranking).hex()
            for text in (json.dumps(ranking), json.dumps(ranking, separators=(",", ":")), plain):
                holders = {x.split(":", 1)[0] for x in lines if text in x}
                assert holders <= {"democracy_ballotresult"}, (text, holders)
    # The published record does hold the (shuffled) choices, and nothing else about voters.
    assert "democracy_ballotresult" in dump_after
