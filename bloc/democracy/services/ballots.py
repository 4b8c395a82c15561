"""The only write path for ballots. Keyword-only arguments, `actor=`, one transaction and one
audit event each (casting excepted: see docs/decisions/0201-ballot-secrecy.md)."""

import functools
import hashlib
import logging
import re
import secrets
import smtplib
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import DatabaseError, IntegrityError, connection, transaction

from bloc.accounts import selectors as roles
from bloc.core import db
from bloc.core.navigation import cached_reverse
from bloc.democracy import apportionment, audit, clock, counting, crypto, permissions, selectors
from bloc.democracy.models import (
    Apportionment,
    Ballot,
    BallotResult,
    Option,
    Participation,
    PendingBallot,
    SealedBallot,
    VoterRollEntry,
    VotingCode,
)
from bloc.democracy.signals import result_certified
from bloc.democracy.tally import TallyError
from bloc.people import selectors as people
from bloc.people.models import Chapter

logger = logging.getLogger(__name__)
YES_NO_OPTIONS = ("Yes", "No", "Abstain")
MAX_OPTIONS = 60
#: Roll entries per voting-code email task.
CODE_EMAIL_BATCH = 500


class AlreadyVoted(ValidationError):
    """This member's participation is already recorded."""


def _require_manager(actor: Any, chapter_id: int | None) -> None:
    # actor=None is the system (demo seeds, management commands), which may run any ballot.
    if actor is not None and not permissions.can_manage_ballot_in(actor, chapter_id):
        raise PermissionDenied("You may not run this ballot.")


def _locked(ballot: Ballot, *expected: str) -> Ballot:
    fresh = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if fresh.status not in expected:
        raise ValidationError(
            f"This ballot is {fresh.get_status_display().lower()}; that step is not possible."
        )
    return fresh


def create_ballot(
    *,
    actor: Any,
    title: str,
    kind: str,
    method: str,
    options: Sequence[str],
    cutoff_on: date,
    opens_at: datetime,
    closes_at: datetime,
    chapter: Chapter | None = None,
    description: str = "",
    seats: int = 1,
    threshold: str = Ballot.Threshold.MAJORITY,
    quorum_share: Decimal = Decimal("0"),
    stv_rule: str = Ballot.StvRule.SCOTLAND,
    max_marks: int | None = None,
    grace_days: int = 0,
    subject_type: str = "",
    subject_id: str = "",
    trustee_threshold: int = 2,
    trustee_count: int = 3,
) -> Ballot:
    _require_manager(actor, chapter.pk if chapter else None)
    labels = list(YES_NO_OPTIONS) if method == Ballot.Method.YES_NO else _labels(options)
    if closes_at <= opens_at:
        raise ValidationError("Voting must close after it opens.")
    if not 1 <= trustee_threshold <= trustee_count:
        raise ValidationError("Trustees: the threshold must be between 1 and their number.")
    with transaction.atomic():
        ballot = Ballot.objects.create(
            title=title,
            description=description,
            kind=kind,
            method=method,
            seats=seats,
            threshold=threshold,
            quorum_share=quorum_share,
            stv_rule=stv_rule,
            max_marks=max_marks,
            chapter=chapter,
            cutoff_on=cutoff_on,
            grace_days=grace_days,
            opens_at=opens_at,
            closes_at=closes_at,
            subject_type=subject_type,
            subject_id=subject_id,
            trustee_threshold=trustee_threshold,
            trustee_count=trustee_count,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        Option.objects.bulk_create(
            Option(ballot=ballot, label=label, position=i) for i, label in enumerate(labels)
        )
        audit.ballot_step(actor=actor, ballot=ballot, step="created", options=len(labels))
    return ballot


def _labels(options: Sequence[str]) -> list[str]:
    labels = [o.strip() for o in options if o.strip()]
    if len(set(labels)) != len(labels):
        raise ValidationError("Each option must be listed once.")
    if any('"' in label for label in labels):
        raise ValidationError("Options cannot contain double quotes.")
    if len(labels) > MAX_OPTIONS:
        raise ValidationError(f"At most {MAX_OPTIONS} options.")
    return labels


def preflight(ballot: Ballot, *, now: datetime | None = None) -> list[str]:
    """Human-readable problems that block opening the ballot; empty means ready."""
    now = now or clock.now()
    problems = []
    n_options = ballot.options.count()
    if ballot.status != Ballot.Status.ROLL_FROZEN:
        problems.append("The voter roll must be frozen before the ballot opens.")
    if ballot.status == Ballot.Status.ROLL_FROZEN and not ballot.roll_size:
        problems.append("The voter roll is empty: nobody could vote.")
    if not ballot.public_key and ballot.status == Ballot.Status.ROLL_FROZEN:
        problems.append("The ballot has no encryption key.")
    if n_options < 2:
        problems.append("A ballot needs at least two options.")
    if ballot.method in (Ballot.Method.STV, Ballot.Method.APPROVAL) and ballot.seats >= n_options:
        problems.append(f"{ballot.seats} seat(s) need more than {n_options} candidates.")
    if ballot.max_marks is not None and ballot.max_marks > n_options:
        problems.append("Voters may mark more options than there are.")
    if ballot.closes_at <= now:
        problems.append("The voting window has already ended.")
    if ballot.noticed_at is None:
        problems.append("Members have not been given notice.")
    return problems


def give_notice(*, actor: Any, ballot: Ballot) -> Ballot:
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.DRAFT)
        ballot.status = Ballot.Status.NOTICED
        ballot.noticed_at = clock.now()
        ballot.save(update_fields=["status", "noticed_at"])
        audit.ballot_step(actor=actor, ballot=ballot, step="noticed")
    return ballot


def freeze_roll(*, actor: Any, ballot: Ballot) -> list[str]:
    """Store the roll and its fingerprint, make the key pair, and return the trustees' shares.

    The shares are returned once and never stored: hand one to each trustee."""
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.NOTICED)
        if clock.today() < ballot.cutoff_on:
            raise ValidationError("The roll is frozen on or after the cutoff date.")
        members = people.memberships_in_good_standing(
            as_of=ballot.cutoff_on, grace_days=ballot.grace_days, chapter_id=ballot.chapter_id
        ).values_list("person_id", "person__chapter_id", "person__email")
        VoterRollEntry.objects.bulk_create(
            (
                VoterRollEntry(
                    ballot=ballot, person_id=pid, chapter_id_at_freeze=cid, email_at_freeze=email
                )
                for pid, cid, email in members
            ),
            batch_size=2000,
        )
        key = crypto.generate_key(threshold=ballot.trustee_threshold, count=ballot.trustee_count)
        ballot.roll_size = VoterRollEntry.objects.filter(ballot=ballot).count()
        ballot.roll_fingerprint = selectors.roll_fingerprint(ballot)
        ballot.public_key = key.public_hex
        ballot.status = Ballot.Status.ROLL_FROZEN
        ballot.roll_frozen_at = clock.now()
        ballot.save(
            update_fields=[
                "roll_size",
                "roll_fingerprint",
                "public_key",
                "status",
                "roll_frozen_at",
            ]
        )
        audit.ballot_step(
            actor=actor,
            ballot=ballot,
            step="roll_frozen",
            roll_size=ballot.roll_size,
            fingerprint=ballot.roll_fingerprint,
        )
    return key.shares


def open_ballot(*, actor: Any, ballot: Ballot) -> Ballot:
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.ROLL_FROZEN)
        problems = preflight(ballot)
        if problems:
            raise ValidationError(problems)
        ballot.status = Ballot.Status.OPEN
        ballot.opened_at = clock.now()
        ballot.save(update_fields=["status", "opened_at"])
        audit.ballot_step(actor=actor, ballot=ballot, step="opened")
    return ballot


def _validate_choice(ballot: Ballot, choice: Sequence[int]) -> list[int]:
    n = len(selectors.option_labels(ballot))
    picked = [int(c) for c in choice]
    if not picked:
        raise ValidationError("Choose at least one option.")
    if len(set(picked)) != len(picked) or not all(0 <= c < n for c in picked):
        raise ValidationError("That choice is not valid on this ballot.")
    if ballot.method == Ballot.Method.YES_NO and len(picked) != 1:
        raise ValidationError("Choose exactly one answer.")
    if ballot.method == Ballot.Method.APPROVAL:
        if ballot.max_marks is not None and len(picked) > ballot.max_marks:
            raise ValidationError(f"Mark at most {ballot.max_marks} options.")
        picked.sort()
    return picked


def cast_ballot(*, actor: Any, ballot: Ballot, choice: Sequence[int]) -> str:
    """Record that the signed-in member voted and drop their sealed ballot in the box.

    Both rows are written in one transaction; the one-to-one key on `Participation` makes a
    second vote impossible even under concurrent requests. No audit event names the voter:
    participation is its own record, and a timed event would order the box. Returns the tracker."""
    entry = selectors.roll_entry_for(actor, ballot)
    if entry is None:
        raise PermissionDenied("You are not on this ballot's voter roll.")
    return record_vote(ballot=ballot, entry=entry, choice=choice)


def record_vote(*, ballot: Ballot, entry: VoterRollEntry, choice: Sequence[int]) -> str:
    """Cast for a roll entry whose voter is already identified (signed in, or by a personal
    voting code). Returns the tracker; raises AlreadyVoted on a second attempt."""
    return _cast(ballot=ballot, entry_id=entry.pk, entry_ballot_id=entry.ballot_id, choice=choice)


def voting_secret() -> bytes:
    """What voting codes and the pending box's layer are derived from; never stored."""
    return (settings.BLOC_VOTING_SECRET or settings.SECRET_KEY).encode()


def _cast(*, ballot: Ballot, entry_id: int, entry_ballot_id: int, choice: Sequence[int]) -> str:
    """The casting transaction (the hot path of a referendum: see decision 0006).

    The ballot row is re-read under a key-share lock, so the window and status checked are
    the ones in force when the two rows are written: closing takes the row exclusively and
    waits for casts in flight, and a cast that waits for a close sees the ballot closed.
    The participation and the pending ballot are written together, so a vote is never half
    stored and the one-to-one key on `Participation` makes a second vote impossible under
    concurrent requests. The sealed ballot reaches the box later, mixed with others in a
    transaction of its own (`mix_pending`), so nothing in the box shares this transaction's
    id, time or place in the table. No receipt is sent from here: a stored email task would
    pair the voter's address with their tracker (`send_receipt` sends one on request)."""
    if entry_ballot_id != ballot.pk:
        raise PermissionDenied("You are not on this ballot's voter roll.")
    now = clock.now()
    try:
        with transaction.atomic():
            current = selectors.ballot_window_for_cast(ballot.pk)
            if current is None or not current.accepts_votes_at(now):
                raise ValidationError("This ballot is not open for voting now.")
            picked = _validate_choice(ballot, choice)
            ciphertext = crypto.seal(picked, public_hex=current.public_key)
            tracker = crypto.tracker_for(ciphertext)
            wrapped = crypto.wrap_pending(
                voting_secret(),
                ballot_id=ballot.pk,
                public_hex=current.public_key,
                ciphertext=ciphertext,
            )
            _write_vote(entry_id=entry_id, ballot_pk=ballot.pk, wrapped=wrapped)
    except IntegrityError:
        raise AlreadyVoted("You have already voted on this ballot.") from None
    return tracker


def _write_vote(*, entry_id: int, ballot_pk: int, wrapped: bytes) -> None:
    """The participation and the pending ballot, each one plain INSERT (core.db.insert): on the
    cast's hot path the ORM's save machinery for these two fixed rows cost more CPU than the
    statements. Random UUID keys, no timestamps; a second vote still fails on the
    participation's one-to-one key with IntegrityError."""
    db.insert(Participation(roll_entry_id=entry_id))
    db.insert(PendingBallot(ballot_id=ballot_pk, wrapped=wrapped))


def mix_pending(*, ballot: Ballot, force: bool = False) -> int:
    """Move this open ballot's pending ballots into the box, in random order, in one
    transaction of their own. Only when at least BLOC_BALLOT_MIX_MIN are waiting (each batch is
    a crowd to hide in), or always with `force`. Returns how many went into the box.

    Locks, on PostgreSQL: the ballot row FOR KEY SHARE first (as a cast does), so a close,
    which holds it FOR UPDATE and mixes what is left itself, is never raced: a mixer waits for
    the close and then finds the ballot closed. Concurrent mixers skip each other's rows."""
    with transaction.atomic():
        current = selectors.ballot_window_for_cast(ballot.pk)
        if current is None or current.status != Ballot.Status.OPEN:
            return 0
        return _mix_locked(ballot.pk, current.public_key, force=force, skip_locked=True)


def _mix_locked(ballot_pk: int, public_hex: str, *, force: bool, skip_locked: bool) -> int:
    """The mixing itself, inside a transaction that already holds the ballot row."""
    pending = PendingBallot.objects.filter(ballot_id=ballot_pk)
    if skip_locked and connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True)
    elif connection.features.has_select_for_update:
        pending = pending.select_for_update()
    rows = list(pending.values_list("id", "wrapped"))
    if not rows or (not force and len(rows) < settings.BLOC_BALLOT_MIX_MIN):
        return 0
    secret = voting_secret()
    sealed = [
        crypto.unwrap_pending(secret, ballot_id=ballot_pk, public_hex=public_hex, wrapped=bytes(w))
        for _, w in rows
    ]
    secrets.SystemRandom().shuffle(sealed)
    SealedBallot.objects.bulk_create(
        SealedBallot(ballot_id=ballot_pk, ciphertext=c, tracker=crypto.tracker_for(c))
        for c in sealed
    )
    PendingBallot.objects.filter(pk__in=[pk for pk, _ in rows]).delete()
    return len(rows)


def mix_open_ballots() -> int:
    """The periodic job: mix every open ballot's pending ballots that have reached a batch."""
    ids = (
        PendingBallot.objects.filter(ballot__status=Ballot.Status.OPEN)
        .values_list("ballot_id", flat=True)
        .distinct()
    )
    return sum(mix_pending(ballot=b) for b in Ballot.objects.filter(pk__in=list(ids)))


def send_receipt(*, ballot: Ballot, entry_id: int, tracker: str) -> None:
    """Email a voter the tracker they were shown, now, from this request: nothing is queued or
    stored, so no table pairs their address with their tracker. Only a roll entry that has
    voted gets one, at most BLOC_BALLOT_RECEIPTS_PER_VOTER a ballot. The tracker is the one
    the voter's own page shows; it is public on the board once mixed, so nothing more is
    checked (checking would need the very link this avoids)."""
    if not re.fullmatch(r"[A-Z2-7]{16}", tracker or ""):
        raise ValidationError("That is not a tracker from this site.")
    entry = (
        VoterRollEntry.objects.filter(pk=entry_id, ballot_id=ballot.pk, participation__isnull=False)
        .only("id", "email_at_freeze")
        .first()
    )
    if entry is None:
        raise PermissionDenied("Only a member who has voted on this ballot gets a receipt.")
    if not entry.email_at_freeze:
        raise ValidationError("We have no email address for you on this ballot's roll.")
    key = f"democracy:receipts:{ballot.pk}:{entry.pk}"
    cache.add(key, 0, timeout=60 * 60 * 24 * 60)
    if cache.incr(key) > settings.BLOC_BALLOT_RECEIPTS_PER_VOTER:
        raise ValidationError("Your receipt was already emailed to you several times.")
    message = EmailMessage(
        subject=f"Your vote is recorded: {ballot.title}",
        body=_receipt_body(ballot, tracker),
        to=[entry.email_at_freeze],
    )
    try:
        message.send()
    except (OSError, smtplib.SMTPException):
        raise ValidationError(
            "The email could not be sent just now. Note your tracker down and try again later."
        ) from None


def _receipt_body(ballot: Ballot, tracker: str) -> str:
    board = settings.SITE_URL.rstrip("/") + cached_reverse("democracy:ballot-board", ballot.pk)
    return (
        f"Your ballot in “{ballot.title}” is sealed and recorded. It joins the box on the "
        "bulletin board with a batch of other ballots, and at the latest when voting closes.\n\n"
        f"Your tracker: {tracker}\n\n"
        f"Look it up on the public bulletin board ({board}) at any time. The tracker shows that "
        "your ballot was counted; it does not show how you voted, and nobody can learn that "
        "from it.\n"
    )


def close_ballot(*, actor: Any, ballot: Ballot) -> Ballot:
    """Close at or after the announced time, fix the board's fingerprint, and rewrite the box
    in random order so physical row order no longer follows casting order."""
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.OPEN)
        if clock.now() < ballot.closes_at:
            raise ValidationError("Voting is still open until the announced closing time.")
        # Whatever is still pending joins the box now; a mixer waiting on the ballot row will
        # find it closed. Never skip locked rows here: every cast ballot must be in the box.
        _mix_locked(ballot.pk, ballot.public_key, force=True, skip_locked=False)
        rows = list(SealedBallot.objects.filter(ballot=ballot).values_list("ciphertext", "tracker"))
        secrets.SystemRandom().shuffle(rows)
        SealedBallot.objects.filter(ballot=ballot).delete()
        SealedBallot.objects.bulk_create(
            SealedBallot(ballot=ballot, ciphertext=bytes(c), tracker=t) for c, t in rows
        )
        ballot.board_fingerprint = selectors.board_fingerprint(ballot)
        ballot.status = Ballot.Status.CLOSED
        ballot.closed_at = clock.now()
        ballot.save(update_fields=["board_fingerprint", "status", "closed_at"])
        audit.ballot_step(
            actor=actor,
            ballot=ballot,
            step="closed",
            ballots=len(rows),
            board=ballot.board_fingerprint,
        )
        transaction.on_commit(_vacuum_box)
    return ballot


def _vacuum_box() -> None:
    """After a close, let PostgreSQL drop the dead versions of the box's rows (the batches as
    they were mixed, and the pending rows) from the heap pages, so a physical copy taken later
    no longer shows the mixing batches (bench/democracy/linkage.py). Best effort: a failure is
    logged and changes nothing else. What VACUUM cannot reach is in docs/voting-security.md."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    tables = ", ".join(
        connection.ops.quote_name(m._meta.db_table) for m in (SealedBallot, PendingBallot)
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {tables}")
    except DatabaseError:
        logger.exception("VACUUM of the ballot box after closing failed")


def tally_ballot(*, actor: Any, ballot: Ballot, shares: Sequence[str]) -> BallotResult:
    """The tally ceremony: rebuild the key in memory from k trustee shares, open every sealed
    ballot, shuffle with a cryptographic RNG, count with the tally engine, publish the record.
    The key and the unshuffled plaintexts go out of scope here and are never stored."""
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.CLOSED)
        try:
            private = crypto.combine_shares(
                shares, threshold=ballot.trustee_threshold, public_hex=ballot.public_key
            )
        except crypto.KeyShareError as exc:
            raise ValidationError(str(exc)) from None
        sealed = list(
            SealedBallot.objects.filter(ballot=ballot).values_list("ciphertext", flat=True)
        )
        voted = Participation.objects.filter(roll_entry__ballot=ballot).count()
        if len(sealed) != voted:
            raise ValidationError(
                f"The box holds {len(sealed)} ballots but {voted} members voted: not counted."
            )
        choices = [crypto.unseal(bytes(c), private=private) for c in sealed]
        del private
        secrets.SystemRandom().shuffle(choices)
        labels = list(ballot.options.order_by("position").values_list("label", flat=True))
        try:
            outcome = counting.count(
                title=ballot.title,
                labels=labels,
                choices=choices,
                method=ballot.method,
                seats=ballot.seats,
                stv_rule=ballot.stv_rule,
                threshold=ballot.threshold,
                quorum_share=Fraction(ballot.quorum_share),
                electorate=ballot.roll_size or 0,
                max_marks=ballot.max_marks,
            )
        except TallyError as exc:
            raise ValidationError(f"The count failed: {exc}") from None
        del choices
        result = BallotResult.objects.create(
            ballot=ballot,
            ballots_blt=outcome.blt,
            ballots_sha256=outcome.sha256,
            data=outcome.data,
            round_table=outcome.table,
            recount_command=outcome.command,
            turnout=outcome.turnout,
            quorum_met=outcome.quorum_met,
            winners=outcome.winners,
        )
        ballot.status = Ballot.Status.TALLIED
        ballot.tallied_at = clock.now()
        ballot.save(update_fields=["status", "tallied_at"])
        audit.ballot_step(
            actor=actor,
            ballot=ballot,
            step="tallied",
            ballots=outcome.turnout,
            record_sha256=outcome.sha256,
        )
    return result


def certify_result(*, actor: Any, ballot: Ballot) -> Ballot:
    """Certify the tallied result; other apps hear of it through `result_certified`."""
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.TALLIED)
        ballot.status = Ballot.Status.CERTIFIED
        ballot.certified_at = clock.now()
        ballot.save(update_fields=["status", "certified_at"])
        result = ballot.result
        passed = result.data.get("passed") if ballot.method == Ballot.Method.YES_NO else None
        audit.ballot_step(actor=actor, ballot=ballot, step="certified")
        transaction.on_commit(
            lambda: result_certified.send(
                sender=Ballot,
                ballot=ballot,
                subject_type=ballot.subject_type,
                subject_id=ballot.subject_id,
                winners=list(result.winners),
                passed=passed,
            )
        )
    return ballot


def apportion_delegates(
    *,
    actor: Any,
    title: str,
    as_of_on: date,
    members_per_delegate: int,
    rounding: str = apportionment.Rounding.NEAREST,
    minimum: int = 1,
    grace_days: int = 0,
) -> Apportionment:
    """Count members in good standing per chapter on a date and adopt the delegate numbers.
    National: admins only. At-large members (no chapter) are not apportioned here."""
    if actor is not None and not roles.is_national_admin(actor):
        raise PermissionDenied("Only national admins apportion convention delegates.")
    counts = dict.fromkeys(Chapter.objects.values_list("pk", flat=True), 0)
    for chapter_id in people.memberships_in_good_standing(
        as_of=as_of_on, grace_days=grace_days
    ).values_list("person__chapter_id", flat=True):
        if chapter_id is not None:
            counts[chapter_id] = counts.get(chapter_id, 0) + 1
    seats = apportionment.apportion(
        counts,
        per=members_per_delegate,
        rounding=apportionment.Rounding(rounding),
        minimum=minimum,
    )
    allocations = [
        {"chapter_id": chapter_id, "members": counts[chapter_id], "delegates": seats[chapter_id]}
        for chapter_id in sorted(counts)
    ]
    with transaction.atomic():
        adopted = Apportionment.objects.create(
            title=title,
            as_of_on=as_of_on,
            grace_days=grace_days,
            members_per_delegate=members_per_delegate,
            rounding=str(rounding),
            minimum=minimum,
            allocations=allocations,
            total_delegates=sum(seats.values()),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        audit.delegates_apportioned(actor=actor, apportionment=adopted)
    return adopted


def challenge_result(*, actor: Any, ballot: Ballot, grounds: str) -> Ballot:
    """Record a formal challenge to a certified result (by those who run the ballot, on behalf
    of the challengers); the result stays published, marked as challenged."""
    _require_manager(actor, ballot.chapter_id)
    if not grounds.strip():
        raise ValidationError("State the grounds of the challenge.")
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.CERTIFIED)
        ballot.status = Ballot.Status.CHALLENGED
        ballot.challenged_at = clock.now()
        ballot.challenge = grounds.strip()
        ballot.save(update_fields=["status", "challenged_at", "challenge"])
        audit.ballot_step(actor=actor, ballot=ballot, step="challenged")
    return ballot


def finalize_result(*, actor: Any, ballot: Ballot, outcome: str = "") -> Ballot:
    """Make a certified result final, or close a challenge with its written outcome."""
    _require_manager(actor, ballot.chapter_id)
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.CERTIFIED, Ballot.Status.CHALLENGED)
        if ballot.status == Ballot.Status.CHALLENGED and not outcome.strip():
            raise ValidationError("Record how the challenge was resolved.")
        ballot.status = Ballot.Status.FINAL
        ballot.final_at = clock.now()
        ballot.challenge_outcome = outcome.strip()
        ballot.save(update_fields=["status", "final_at", "challenge_outcome"])
        audit.ballot_step(actor=actor, ballot=ballot, step="final")
    return ballot


def code_hash(code: str) -> str:
    normalized = "".join(ch for ch in code.upper() if ch.isalnum())
    return hashlib.sha256(f"bloc-voting-code-v1:{normalized}".encode()).hexdigest()


def issue_voting_codes(*, actor: Any, ballot: Ballot) -> list[tuple[VoterRollEntry, str]]:
    """Give every roll entry without a code a personal voting code. Members with an address on
    the roll get theirs by email, to the address recorded at freeze; the codes of the others
    are returned, once, for printing and mailing. Codes are derived from the voting secret and
    stored only as hashes: the email task carries roll entry ids, never a code or an address,
    and derives each code again at send time (`democracy.tasks.send_voting_codes`)."""
    _require_manager(actor, ballot.chapter_id)
    printable: list[tuple[VoterRollEntry, str]] = []
    with transaction.atomic():
        ballot = _locked(ballot, Ballot.Status.ROLL_FROZEN, Ballot.Status.OPEN)
        entries = list(
            VoterRollEntry.objects.filter(ballot=ballot, voting_code__isnull=True).select_related(
                "person"
            )
        )
        secret = voting_secret()
        issued = []
        emailed: list[int] = []
        for entry in entries:
            code = crypto.voting_code(
                secret, ballot_id=ballot.pk, entry_id=entry.pk, public_hex=ballot.public_key
            )
            issued.append(VotingCode(roll_entry=entry, code_sha256=code_hash(code)))
            if entry.email_at_freeze:
                emailed.append(entry.pk)
            else:
                printable.append((entry, code))
        VotingCode.objects.bulk_create(issued, batch_size=2000)
        audit.ballot_step(
            actor=actor,
            ballot=ballot,
            step="codes_issued",
            emailed=len(emailed),
            printed=len(printable),
        )
        from bloc.democracy.tasks import send_voting_codes

        for start in range(0, len(emailed), CODE_EMAIL_BATCH):
            batch = emailed[start : start + CODE_EMAIL_BATCH]
            transaction.on_commit(
                functools.partial(send_voting_codes.enqueue, ballot_id=ballot.pk, entry_ids=batch)
            )
    return printable


def voting_code_for(ballot: Ballot, entry_id: int) -> str:
    """Derive a roll entry's code again (the email task, at send time). Never store it."""
    return crypto.voting_code(
        voting_secret(), ballot_id=ballot.pk, entry_id=entry_id, public_hex=ballot.public_key
    )


def cast_with_code(*, code: str, ballot: Ballot, choice: Sequence[int]) -> str:
    """Vote with a personal code (no sign-in). Returns the tracker."""
    found = selectors.roll_entry_for_code(code_hash(code), ballot.pk)
    if found is None:
        raise PermissionDenied("That voting code is not valid for this ballot.")
    entry_id, _email = found
    return _cast(ballot=ballot, entry_id=entry_id, entry_ballot_id=ballot.pk, choice=choice)


def send_receipt_by_code(*, code: str, ballot: Ballot, tracker: str) -> None:
    """A receipt for a member who voted with a personal code (the code proves who they are)."""
    found = selectors.roll_entry_for_code(code_hash(code), ballot.pk)
    if found is None:
        raise PermissionDenied("That voting code is not valid for this ballot.")
    send_receipt(ballot=ballot, entry_id=found[0], tracker=tracker)
