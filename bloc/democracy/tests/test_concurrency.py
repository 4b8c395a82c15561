"""One member, one vote, under concurrent requests (PostgreSQL: SQLite serialises writers)."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from bloc.democracy import services
from bloc.democracy.models import Participation, SealedBallot, VoterRollEntry
from bloc.democracy.tests.helpers import YES, in_box, opened
from bloc.people.models import Person

# PostgreSQL allows 100 connections by default and other work shares the server: at most this
# many attempts hold a connection at once; all attempts are released together by the barrier.
CONNECTIONS = 40


def _simultaneous(casts: int, attempt) -> list[str]:
    """Run `attempt` in `casts` threads released at once; each returns "cast" or "refused"."""
    barrier = threading.Barrier(casts)
    gate = threading.BoundedSemaphore(min(casts, CONNECTIONS))

    def run() -> str:
        barrier.wait()
        with gate:
            try:
                attempt()
                return "cast"
            except services.AlreadyVoted:
                return "refused"
            finally:
                connection.close()

    with ThreadPoolExecutor(max_workers=casts) as pool:
        futures = [pool.submit(run) for _ in range(casts)]
        return [future.result(timeout=120) for future in futures]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("casts", [20, 200])
def test_simultaneous_casts_by_one_member_store_exactly_one_ballot(personas, casts):
    ballot, _ = opened()

    outcomes = _simultaneous(
        casts,
        lambda: services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES]),
    )

    assert sorted(outcomes) == ["cast"] + ["refused"] * (casts - 1)
    assert in_box(ballot) == 1
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_hundred_simultaneous_casts_by_code_and_by_account_store_one_ballot(personas):
    """The same member with both credentials at once: still one participation."""
    ballot, _ = opened()
    # Without an email address the member's code is returned for printing instead of emailed.
    Person.objects.filter(pk=personas.person_member_a.pk).update(email="")
    VoterRollEntry._base_manager.filter(person=personas.person_member_a).update(email_at_freeze="")
    codes = dict(
        (entry.person_id, code)
        for entry, code in services.issue_voting_codes(actor=None, ballot=ballot)
    )
    code = codes[personas.person_member_a.pk]
    turn = iter(range(200))
    lock = threading.Lock()

    def attempt() -> None:
        with lock:
            mine = next(turn)
        if mine % 2:
            services.cast_with_code(code=code, ballot=ballot, choice=[YES])
        else:
            services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])

    outcomes = _simultaneous(200, attempt)

    assert sorted(outcomes) == ["cast"] + ["refused"] * 199
    assert in_box(ballot) == 1
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_cast_waiting_on_a_close_in_progress_is_refused_and_the_box_stays_as_closed(personas):
    """Closing holds the ballot row; a cast that arrives meanwhile waits, then sees the ballot
    closed and writes nothing, so the board fixed at closing is the whole box."""
    from django.db import transaction

    from bloc.democracy.models import Ballot

    ballot, _ = opened()
    entered, release = threading.Event(), threading.Event()

    def closing() -> None:
        try:
            with transaction.atomic():
                Ballot.objects.select_for_update().get(pk=ballot.pk)
                entered.set()
                release.wait(timeout=30)
                Ballot.objects.filter(pk=ballot.pk).update(status=Ballot.Status.CLOSED)
        finally:
            connection.close()

    def casting() -> str:
        try:
            services.cast_ballot(actor=personas.member_a, ballot=ballot, choice=[YES])
            return "cast"
        except ValidationError as exc:
            return " ".join(exc.messages)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        closer = pool.submit(closing)
        assert entered.wait(timeout=30)
        cast = pool.submit(casting)
        # The cast is blocked on the row lock while the close is in progress.
        with pytest.raises(TimeoutError):
            cast.result(timeout=0.5)
        release.set()
        closer.result(timeout=30)
        assert cast.result(timeout=30) == "This ballot is not open for voting now."

    assert SealedBallot.objects.filter(ballot=ballot).count() == 0
    assert Participation.objects.filter(roll_entry__ballot=ballot).count() == 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_mixer_racing_a_close_leaves_no_ballot_out_of_the_box(personas):
    """The periodic mixer and a close run at once: the close mixes what is pending and fixes
    the board; the mixer waits for it, finds the ballot closed and moves nothing. Every cast
    ballot is in the box and in the board's fingerprint."""
    from django.db import transaction

    from bloc.democracy import selectors
    from bloc.democracy.models import Ballot, PendingBallot
    from bloc.democracy.tests.helpers import vote

    ballot, _ = opened()
    vote(ballot, personas.person_member_a, [YES])
    vote(ballot, personas.person_member_b, [YES])
    entered, release = threading.Event(), threading.Event()

    def closing() -> None:
        try:
            with transaction.atomic():
                locked = Ballot.objects.select_for_update().get(pk=ballot.pk)
                entered.set()
                release.wait(timeout=30)
                # What close_ballot does under the row lock, minus the clock check.
                services.ballots._mix_locked(
                    locked.pk, locked.public_key, force=True, skip_locked=False
                )
                Ballot.objects.filter(pk=ballot.pk).update(
                    status=Ballot.Status.CLOSED,
                    board_fingerprint=selectors.board_fingerprint(locked),
                )
        finally:
            connection.close()

    def mixing() -> int:
        try:
            return services.mix_pending(ballot=ballot, force=True)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        closer = pool.submit(closing)
        assert entered.wait(timeout=30)
        mixer = pool.submit(mixing)
        with pytest.raises(TimeoutError):
            mixer.result(timeout=0.5)
        release.set()
        closer.result(timeout=30)
        assert mixer.result(timeout=30) == 0

    ballot.refresh_from_db()
    assert not PendingBallot.objects.filter(ballot=ballot).exists()
    assert SealedBallot.objects.filter(ballot=ballot).count() == 2
    assert ballot.board_fingerprint == selectors.board_fingerprint(ballot)
