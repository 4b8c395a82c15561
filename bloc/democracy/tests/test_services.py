"""The ballot lifecycle through the real services."""

import contextlib
import io
import json
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from bloc.core.models import AuditEvent
from bloc.democracy import selectors, services
from bloc.democracy.models import (
    Ballot,
    FrozenRowError,
    Participation,
    SealedBallot,
    VoterRollEntry,
)
from bloc.democracy.signals import result_certified
from bloc.democracy.tally import count_scottish, from_rankings
from bloc.democracy.tally.cli import main as tally_cli
from bloc.democracy.tests.helpers import ABSTAIN, NO, YES, counted, draft, in_box, opened, vote
from bloc.people.models import Membership
from bloc.people.services import create_person, record_membership


def test_a_referendum_runs_from_draft_to_certified(personas, django_capture_on_commit_callbacks):
    ballot, shares = opened(actor=personas.admin, quorum_share="0.5")
    assert ballot.roll_size == 5  # the five personas with memberships
    vote(ballot, personas.person_member_a, [YES])
    vote(ballot, personas.person_member_b, [NO])
    tracker = services.cast_ballot(actor=personas.admin, ballot=ballot, choice=[YES])
    assert len(tracker) == 16

    heard = []
    result_certified.connect(lambda **kw: heard.append(kw), weak=False, dispatch_uid="t")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            ballot = counted(ballot, shares)
    finally:
        result_certified.disconnect(dispatch_uid="t")

    assert ballot.status == Ballot.Status.CERTIFIED
    assert ballot.noticed_at and ballot.roll_frozen_at and ballot.opened_at
    assert ballot.closed_at and ballot.tallied_at and ballot.certified_at
    data = ballot.result.data
    assert (data["yes"], data["no"], data["abstain"]) == (2, 1, 0)
    assert data["passed"] is True and data["quorum_met"] is True
    assert heard and heard[0]["passed"] is True and heard[0]["winners"] == ["Yes"]
    steps = set(
        AuditEvent.objects.filter(target_id=str(ballot.pk)).values_list("action", flat=True)
    )
    assert {
        "democracy.ballot_created",
        "democracy.ballot_noticed",
        "democracy.ballot_roll_frozen",
        "democracy.ballot_opened",
        "democracy.ballot_closed",
        "democracy.ballot_tallied",
        "democracy.ballot_certified",
    } <= steps


def test_a_quorum_not_met_fails_the_referendum(personas):
    ballot, shares = opened(quorum_share="0.5")
    vote(ballot, personas.person_member_a, [YES])
    ballot = counted(ballot, shares)
    assert ballot.result.data["quorum_met"] is False
    assert ballot.result.data["passed"] is False


def test_a_member_votes_once(personas):
    ballot, _ = opened()
    services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    with pytest.raises(services.AlreadyVoted):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[NO])
    assert in_box(ballot) == 1
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 1


def test_casting_is_refused_outside_the_voting_window(personas):
    ballot, _ = opened()
    before = time_machine.travel(ballot.opens_at - timedelta(seconds=1), tick=False)
    with before, pytest.raises(ValidationError):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    with time_machine.travel(ballot.closes_at, tick=False), pytest.raises(ValidationError):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    with time_machine.travel(ballot.closes_at - timedelta(seconds=1), tick=False):
        services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
    assert in_box(ballot) == 1


def test_only_members_on_the_frozen_roll_vote(personas):
    ballot, _ = opened(chapter=personas.chapter_a)
    with pytest.raises(PermissionDenied):
        services.cast_ballot(actor=personas.member_b, ballot=ballot, choice=[YES])
    with pytest.raises(PermissionDenied):
        services.cast_ballot(actor=personas.outsider, ballot=ballot, choice=[YES])
    # Someone who joins after the freeze is not added: the roll cannot change.
    late = create_person(actor=None, email="late@example.test", first_name="Lu", zip_code="10001")
    record_membership(actor=None, person=late, joined_on=ballot.cutoff_on)
    assert not VoterRollEntry.objects.filter(ballot=ballot, person=late).exists()
    assert SealedBallot.objects.filter(ballot=ballot).count() == 0


def test_the_roll_uses_good_standing_at_the_cutoff_with_grace(personas):
    membership = Membership.objects.get(person=personas.person_member_b)
    membership.paid_through_on = timezone.localdate() - timedelta(days=10)
    membership.save()
    strict, _ = opened()
    lenient, _ = opened(grace_days=30)
    assert not VoterRollEntry.objects.filter(
        ballot=strict, person=personas.person_member_b
    ).exists()
    assert VoterRollEntry.objects.filter(ballot=lenient, person=personas.person_member_b).exists()


def test_the_roll_fingerprint_recomputes_and_the_roll_is_frozen(personas):
    ballot, _ = opened()
    assert len(ballot.roll_fingerprint) == 64
    assert selectors.roll_fingerprint(ballot) == ballot.roll_fingerprint
    entries = VoterRollEntry.objects.filter(ballot=ballot)
    with pytest.raises(FrozenRowError):
        entries.delete()
    with pytest.raises(FrozenRowError):
        entries.update(chapter_id_at_freeze=None)
    entry = entries.first()
    assert entry is not None
    with pytest.raises(FrozenRowError):
        entry.save()


def test_preflight_lists_problems_and_blocks_opening(personas):
    ballot = draft(method="stv", options=["Ana Rivers", "Bo Lindqvist"], seats=2)
    problems = services.preflight(ballot)
    assert "The voter roll must be frozen before the ballot opens." in problems
    assert "2 seat(s) need more than 2 candidates." in problems
    services.give_notice(actor=None, ballot=ballot)
    services.freeze_roll(actor=None, ballot=ballot)
    with pytest.raises(ValidationError) as refused:
        services.open_ballot(actor=None, ballot=ballot)
    assert "2 seat(s) need more than 2 candidates." in refused.value.messages
    ballot.refresh_from_db()
    assert ballot.status == Ballot.Status.ROLL_FROZEN


def test_an_organizer_cannot_run_another_chapters_ballot(personas):
    with pytest.raises(PermissionDenied):
        draft(actor=personas.organizer_a, chapter=personas.chapter_b)
    with pytest.raises(PermissionDenied):
        draft(actor=personas.organizer_a)  # national
    ballot = draft(actor=personas.organizer_b, chapter=personas.chapter_b)
    with pytest.raises(PermissionDenied):
        services.give_notice(actor=personas.organizer_a, ballot=ballot)


def test_voting_stays_open_until_the_announced_close(personas):
    ballot, _ = opened()
    with pytest.raises(ValidationError):
        services.close_ballot(actor=None, ballot=ballot)


def test_the_tally_needs_enough_right_shares(personas):
    ballot, shares = opened(trustee_threshold=3, trustee_count=5)
    vote(ballot, personas.person_member_a, [ABSTAIN])
    other, other_shares = opened()
    with time_machine.travel(ballot.closes_at + timedelta(minutes=1), tick=False):
        services.close_ballot(actor=None, ballot=ballot)
        with pytest.raises(ValidationError):
            services.tally_ballot(actor=None, ballot=ballot, shares=shares[:2])
        with pytest.raises(ValidationError):
            services.tally_ballot(actor=None, ballot=ballot, shares=other_shares)
        ballot.refresh_from_db()
        assert ballot.status == Ballot.Status.CLOSED
        services.tally_ballot(actor=None, ballot=ballot, shares=[shares[4], shares[0], shares[2]])
    ballot.refresh_from_db()
    assert ballot.result.data["abstain"] == 1


def test_stv_result_equals_the_engine_and_the_published_record_recounts(personas, tmp_path):
    ballot, shares = opened(method="stv", seats=2)
    rankings = [[0, 1], [0, 1], [0, 3], [2, 3, 0], [2]]
    people = [
        personas.person_member_a,
        personas.person_member_b,
        *[
            e.person
            for e in VoterRollEntry.objects.filter(ballot=ballot).exclude(
                person__in=[personas.person_member_a, personas.person_member_b]
            )
        ],
    ]
    for person, ranking in zip(people, rankings, strict=True):
        vote(ballot, person, ranking)
    ballot = counted(ballot, shares)
    result = ballot.result
    direct = count_scottish(from_rankings(ballot_labels(ballot), [(r, 1) for r in rankings]), 2)
    assert result.winners == direct.winners == ["Ana Rivers", "Cy Okonkwo"]

    record = tmp_path / "ballots.blt"
    record.write_text(result.ballots_blt)
    # header, one line per ballot, the end marker, then candidate names and the title
    lines = result.ballots_blt.strip().splitlines()
    assert len(lines) == 1 + len(rankings) + 1 + len(ballot_labels(ballot)) + 1
    argv = result.recount_command.split()[2:]
    argv[argv.index("ballots.blt")] = str(record)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert tally_cli([*argv, "--json"]) == 0
    assert json.loads(out.getvalue()) == result.data


def ballot_labels(ballot):
    return list(ballot.options.values_list("label", flat=True))


def test_the_receipt_email_carries_the_tracker_and_never_a_choice(
    personas, django_capture_on_commit_callbacks
):
    ballot, _ = opened(method="irv")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        tracker = services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[2, 0])
    assert not mail.outbox, "no receipt is queued with the cast (it would be stored)"
    entry = selectors.roll_entry_for(personas.member_a, ballot)
    services.send_receipt(ballot=ballot, entry_id=entry.pk, tracker=tracker)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [personas.member_a.email]
    assert tracker in message.body
    for label in ballot_labels(ballot):
        assert label not in message.body and label not in message.subject


def test_turnout_counts_participation_per_chapter_never_choices(personas):
    ballot, _ = opened(quorum_share="0.4")
    vote(ballot, personas.person_member_a, [NO])
    turnout = selectors.turnout(ballot)
    assert (turnout.voted, turnout.eligible, turnout.quorum_needed) == (1, 5, 2)
    by_name = {c.name: (c.voted, c.eligible) for c in turnout.chapters}
    assert by_name == {"Riverside Chapter": (1, 3), "Lakeshore Chapter": (0, 2)}


def test_a_challenge_is_recorded_then_resolved_and_the_result_stays_public(client, personas):
    from django.urls import reverse

    ballot, shares = opened()
    vote(ballot, personas.person_member_a, [YES])
    ballot = counted(ballot, shares)
    with pytest.raises(ValidationError):
        services.challenge_result(actor=personas.admin, ballot=ballot, grounds=" ")
    with pytest.raises(PermissionDenied):
        services.challenge_result(actor=personas.organizer_a, ballot=ballot, grounds="Late roll")
    services.challenge_result(actor=personas.admin, ballot=ballot, grounds="Fictional grounds")
    page = client.get(reverse("democracy:ballot-results", args=[ballot.pk]))
    assert page.status_code == 200 and "Fictional grounds" in page.content.decode()
    with pytest.raises(ValidationError):
        services.finalize_result(actor=personas.admin, ballot=ballot)
    ballot = services.finalize_result(
        actor=personas.admin, ballot=ballot, outcome="Rejected after review of the roll"
    )
    assert ballot.status == Ballot.Status.FINAL and ballot.challenged_at and ballot.final_at
    assert client.get(reverse("democracy:ballot-results", args=[ballot.pk])).status_code == 200
    actions = set(
        AuditEvent.objects.filter(target_id=str(ballot.pk)).values_list("action", flat=True)
    )
    assert {"democracy.ballot_challenged", "democracy.ballot_final"} <= actions
