"""RSVPs with dedupe and waitlist, check-in, walk-ins, outcomes, the hand-off, reminders."""

import functools
import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from bloc.core import db, task_outbox
from bloc.events import audit, permissions, selectors, tasks
from bloc.events.models import (
    RSVP,
    Event,
    FollowUp,
    HostLink,
    RSVPIntake,
    Timeslot,
)
from bloc.events.services._common import _check_in_code, _follow_up_days, _new_token
from bloc.people import selectors as people_selectors
from bloc.people import services as people_services
from bloc.people.models import Channel, ConsentEvent, LadderEvent, LadderStage, Person
from bloc.people.normalize import normalize_email, normalize_phone

logger = logging.getLogger(__name__)

# --- RSVPs -----------------------------------------------------------------------------------


def _match_or_create_person(
    *, email: str, phone: str, first_name: str, last_name: str, zip_code: str, consents: dict
) -> tuple[Person, bool]:
    """The people app's match for public forms: the email decides, a phone that is someone
    else's is never a match (an organizer reviews it), and consent goes only on new records."""
    return people_services.match_public_submission(
        email=email,
        phone=phone,
        zip_code=zip_code,
        first_name=first_name,
        last_name=last_name,
        source="event RSVP form",
        consents=consents,
    )


def _seats_taken(slot: Timeslot) -> int:
    confirmed = RSVP.objects.filter(timeslot=slot, status=RSVP.Status.CONFIRMED)
    totals = confirmed.aggregate(guests=Sum("guests"))
    return confirmed.count() + (totals["guests"] or 0)


def rsvp(
    *,
    actor: Any,
    timeslot: Timeslot,
    email: str,
    first_name: str = "",
    last_name: str = "",
    zip_code: str = "",
    phone: str = "",
    guests: int = 0,
    email_opt_in: bool = False,
    sms_opt_in: bool = False,
    referring_partner: Any = None,
    token: str = "",
) -> tuple[RSVP, str]:
    """Create or match a Person and RSVP them for one timeslot.

    The timeslot row is locked for the whole write, so concurrent RSVPs for one slot are serial:
    the same person is matched rather than created twice, and a full slot waitlists instead of
    overbooking. Returns the RSVP and its cancellation token ("" when the RSVP already existed).
    """
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone)
    if not email_key:
        raise ValidationError({"email": "Enter your email address."})
    if not 0 <= guests <= 10:
        raise ValidationError({"guests": "Bring up to ten guests."})
    consents = {}
    if email_opt_in:
        consents[Channel.EMAIL.value] = ConsentEvent.Status.OPTED_IN.value
    if sms_opt_in and phone_key:
        consents[Channel.SMS.value] = ConsentEvent.Status.OPTED_IN.value
    with transaction.atomic():
        # NO KEY UPDATE, and the shift row only: RSVPs for one shift queue behind each other,
        # but inserts that merely point at the shift or the event (the public intake, RSVPs
        # for its other shifts) are not held up.
        slot = (
            Timeslot.objects.select_for_update(no_key=True, of=("self",))
            .select_related("event")
            .get(pk=timeslot.pk)
        )
        event = slot.event
        if event.status != Event.Status.APPROVED or slot.ends_at <= timezone.now():
            raise ValidationError("This event is not taking RSVPs.")
        person, created = _match_or_create_person(
            email=email_key,
            phone=phone_key,
            first_name=first_name,
            last_name=last_name,
            zip_code=zip_code,
            consents=consents,
        )
        if not created and consents:
            # An unverified form never raises consent on an existing record: ask by email.
            people_services.ask_to_confirm_consent(
                person=person, wanted=list(consents), source="event RSVP form", email=email_key
            )
        existing = RSVP.objects.filter(timeslot=slot, person=person).first()
        if existing is not None and existing.status != RSVP.Status.CANCELLED:
            return existing, ""
        seats = 1 + guests
        fits = slot.capacity is None or _seats_taken(slot) + seats <= slot.capacity
        status = RSVP.Status.CONFIRMED if fits else RSVP.Status.WAITLISTED
        token = token or _new_token()
        if existing is not None:
            existing.status = status
            existing.guests = guests
            existing.cancelled_at = None
            existing.cancel_token_hash = selectors.token_hash(token)
            existing.save()
            record = existing
        else:
            record = RSVP.objects.create(
                event=event,
                timeslot=slot,
                person=person,
                status=status,
                guests=guests,
                referring_partner=referring_partner,
                cancel_token_hash=selectors.token_hash(token),
                check_in_code=_check_in_code(),
            )
        # Queued in this transaction (an outbox row), not after it: a worker that dies right
        # after the commit loses no confirmation (core.task_outbox).
        task_outbox.enqueue(tasks.send_rsvp_confirmation, record.pk, token)
        audit.rsvp_recorded(actor=actor, rsvp=record, person_created=created)
    return record, token


# --- The public intake (decision 0706) -------------------------------------------------------

#: Cache key held while a drain is scheduled or running, so a spike schedules a drain every
#: couple of seconds, not one per request. Short-lived: without a shared cache each web process
#: holds its own key, and a long drain meets fresh ones beside it (SKIP LOCKED shares the rows).
DRAIN_KEY = "events:rsvp-intake-drain"
DRAIN_KEY_SECONDS = 2
DRAIN_BATCH = 25  #: rows a drain transaction claims (and whose shifts it holds) at once
INTAKE_KEEP = timedelta(days=7)


def receive_rsvp(
    *,
    timeslot: Timeslot,
    email: str,
    first_name: str = "",
    last_name: str = "",
    zip_code: str = "",
    phone: str = "",
    guests: int = 0,
    email_opt_in: bool = False,
    sms_opt_in: bool = False,
    referring_partner: Any = None,
) -> tuple[RSVPIntake, str]:
    """Take a public RSVP in one insert and schedule the drain. Returns the intake row and its
    token: the visitor's status link, and the RSVP's cancellation link once it is made (the
    drain passes it on, then blanks it; only its hash stays). The RSVP itself (person matched
    or created, consent, confirmed or waitlisted, confirmation email) is made by
    :func:`process_rsvp_intake`."""
    email_key = normalize_email(email)
    if not email_key:
        raise ValidationError({"email": "Enter your email address."})
    if not 0 <= guests <= 10:
        raise ValidationError({"guests": "Bring up to ten guests."})
    token = _new_token()
    # One INSERT, which is its own transaction: no BEGIN/COMMIT round trips on the hot path,
    # and no ORM save machinery either (nothing listens to intake saves).
    intake = db.insert(
        RSVPIntake(
            timeslot=timeslot,
            email=email_key,
            phone=phone.strip()[:30],
            first_name=first_name.strip()[:100],
            last_name=last_name.strip()[:100],
            zip_code=zip_code.strip()[:10],
            guests=guests,
            email_opt_in=email_opt_in,
            sms_opt_in=sms_opt_in,
            referring_partner=referring_partner,
            token=token,
            token_hash=selectors.token_hash(token),
        )
    )
    _inline.drained = False
    transaction.on_commit(schedule_intake_drain)
    if _inline.drained:  # tasks run inline (tests, small installs): the RSVP is made already
        intake.refresh_from_db(fields=["state", "refusal", "rsvp"])
    return intake, token


_inline = threading.local()


_clock = time.monotonic  # tests replace it
_key_seen_held_until = 0.0


def schedule_intake_drain() -> None:
    """Enqueue a drain unless one is already scheduled or running.

    A web process that found the drain key held does not ask the cache again for
    ``BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS``: in a spike that is one cache round trip fewer for
    almost every RSVP. Nothing is left behind: a finishing drain lets go of its key, then
    waits longer than that before its last look for pending rows
    (:func:`process_rsvp_intake`), so a row whose process did not ask is still seen then,
    and any row after it asks and finds the key free."""
    global _key_seen_held_until
    memo = _key_memo_seconds()
    now = _clock()
    if memo > 0 and now < _key_seen_held_until:
        return
    if not _enqueue_drain() and memo > 0:
        _key_seen_held_until = now + memo


def _key_memo_seconds() -> float:
    return float(getattr(settings, "BLOC_EVENTS_DRAIN_KEY_MEMO_SECONDS", 0))


def _enqueue_drain() -> bool:
    """Take the drain key and enqueue a drain; False if the key was held already."""
    if not cache.add(DRAIN_KEY, 1, timeout=DRAIN_KEY_SECONDS):
        return False
    result = tasks.drain_rsvp_intake.enqueue()
    _inline.drained = result.is_finished
    return True


def process_rsvp_intake() -> int:
    """Turn pending intake rows into RSVPs, oldest first, until none is left.

    Rows are claimed with SKIP LOCKED, so several drains can run side by side. Each row is its
    own savepoint: a refused row (event cancelled, shift over, bad phone number) records why and
    the rest go on. Returns how many rows were processed."""
    done = 0
    # A drain scheduled by the first RSVPs of a spike waits it out before its first batch too.
    _yield_to_the_form()
    while True:
        with transaction.atomic():
            batch = list(
                RSVPIntake.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(state=RSVPIntake.State.PENDING)
                .select_related("timeslot")
                .order_by("pk")[:DRAIN_BATCH]
            )
            for intake in batch:
                _process_one(intake)
        done += len(batch)
        if len(batch) == DRAIN_BATCH:
            _yield_to_the_form()
        else:
            cache.delete(DRAIN_KEY)
            # Rows that arrived while the key was held scheduled nothing: look again, once web
            # processes have stopped relying on having seen the key (schedule_intake_drain).
            memo = _key_memo_seconds()
            if memo > 0:
                _sleep(2 * memo)
            if not RSVPIntake.objects.filter(state=RSVPIntake.State.PENDING).exists():
                break
            if memo > 0:
                # RSVPs arrived while it waited. A new drain makes them, queued behind the
                # tasks waiting now (confirmation emails): a steady trickle of RSVPs must not
                # keep one drain looping while the rest of the queue waits. If the key is
                # held, a web process has just queued that drain.
                _enqueue_drain()
                break
            cache.add(DRAIN_KEY, 1, timeout=DRAIN_KEY_SECONDS)
    return done


_sleep = time.sleep  # tests replace it


def _yield_to_the_form() -> None:
    """Between two full batches: while a spike is arriving (at least
    ``BLOC_EVENTS_DRAIN_YIELD_RATE`` RSVPs received in the last second), wait, looking again
    every ``BLOC_EVENTS_DRAIN_YIELD_SECONDS``, so that web processes on the same machine answer
    the spike first; the rows are safe in the intake and are made right after. The drain
    stops waiting once the oldest waiting RSVP has waited ``BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT``
    seconds, so a spike delays a confirmation by that much at most. Nothing is locked while it
    waits."""
    pause = float(getattr(settings, "BLOC_EVENTS_DRAIN_YIELD_SECONDS", 0))
    rate = int(getattr(settings, "BLOC_EVENTS_DRAIN_YIELD_RATE", 0))
    if pause <= 0 or rate <= 0:
        return
    pending = RSVPIntake.objects.filter(state=RSVPIntake.State.PENDING)
    oldest = pending.order_by("pk").values_list("received_at", flat=True).first()
    if oldest is None:
        return
    max_wait = timedelta(seconds=int(getattr(settings, "BLOC_EVENTS_DRAIN_YIELD_MAX_WAIT", 120)))
    while (now := timezone.now()) - oldest < max_wait:
        if pending.filter(received_at__gte=now - timedelta(seconds=1)).count() < rate:
            return
        # Waiting drains would only wait beside this one: hold the key while this one waits.
        cache.set(DRAIN_KEY, 1, timeout=DRAIN_KEY_SECONDS)
        _sleep(pause)


def _process_one(intake: RSVPIntake) -> None:
    try:
        with transaction.atomic():
            record, _token = rsvp(
                actor=None,
                timeslot=intake.timeslot,
                email=intake.email,
                phone=intake.phone,
                first_name=intake.first_name,
                last_name=intake.last_name,
                zip_code=intake.zip_code,
                guests=intake.guests,
                email_opt_in=intake.email_opt_in,
                sms_opt_in=intake.sms_opt_in,
                referring_partner=intake.referring_partner,
                token=intake.token,
            )
    except ValidationError as exc:
        intake.state = RSVPIntake.State.REFUSED
        intake.refusal = " ".join(exc.messages)[:200]
    except Exception as exc:  # one bad row must not hold up the queue behind it
        # Only the row id and the error's class: messages can quote personal data.
        logger.error("RSVP intake #%s failed: %s", intake.pk, type(exc).__name__)
        intake.state = RSVPIntake.State.REFUSED
        intake.refusal = "Something went wrong recording this RSVP. Please sign up again."
    else:
        intake.state = RSVPIntake.State.RECORDED
        intake.rsvp = record
    intake.processed_at = timezone.now()
    intake.email = intake.phone = intake.first_name = intake.last_name = intake.zip_code = ""
    intake.token = ""
    intake.save()


def purge_processed_intake(*, older_than: timedelta = INTAKE_KEEP) -> int:
    """Processed intake rows hold no personal data; after a week their status links end too."""
    cutoff = timezone.now() - older_than
    deleted, _ = RSVPIntake.objects.filter(processed_at__lt=cutoff).delete()
    return deleted


def cancel_rsvp(*, actor: Any, rsvp: RSVP) -> RSVP:
    """Free the seats and move the earliest waitlisted RSVPs up while they fit."""
    with transaction.atomic():
        slot = Timeslot.objects.select_for_update(no_key=True).get(pk=rsvp.timeslot_id)
        rsvp = RSVP.objects.select_related("event").get(pk=rsvp.pk)
        if rsvp.status == RSVP.Status.CANCELLED:
            return rsvp
        rsvp.status = RSVP.Status.CANCELLED
        rsvp.cancelled_at = timezone.now()
        rsvp.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_waitlist(slot)
        for rsvp_id in promoted:
            task_outbox.enqueue(tasks.send_rsvp_confirmation, rsvp_id)
        audit.rsvp_cancelled(actor=actor, rsvp=rsvp, promoted=len(promoted))
    return rsvp


def _promote_waitlist(slot: Timeslot) -> list[int]:
    promoted = []
    taken = _seats_taken(slot)
    for waiting in RSVP.objects.filter(timeslot=slot, status=RSVP.Status.WAITLISTED).order_by(
        "created_at", "pk"
    ):
        if slot.capacity is not None and taken + waiting.seats > slot.capacity:
            break
        waiting.status = RSVP.Status.CONFIRMED
        waiting.save(update_fields=["status"])
        taken += waiting.seats
        promoted.append(waiting.pk)
    return promoted


# --- Host tools: check-in, walk-ins, outcomes, hand-off -------------------------------------


def _hand_off(person: Person, event: Event, at: datetime) -> FollowUp | None:
    """Record attendance on the ladder; a first-time volunteer who is not a member yet goes to
    their chapter (by ZIP) with a follow-up due in a few days."""
    earlier = LadderEvent.objects.filter(
        person=person,
        stage__in=[LadderStage.VOLUNTEERED, LadderStage.REPEAT_VOLUNTEER],
    ).exists()
    chapter = people_selectors.chapter_for_zip(person.zip_code) or person.chapter or event.chapter
    people_services.record_ladder_step(
        person=person,
        stage=LadderStage.REPEAT_VOLUNTEER if earlier else LadderStage.VOLUNTEERED,
        chapter=chapter,
        attribution_type="event",
        attribution_id=str(event.pk),
        attribution_label=event.title,
        occurred_at=at,
    )
    is_member = hasattr(person, "membership")
    if earlier or is_member or chapter is None:
        return None
    follow_up, _ = FollowUp.objects.get_or_create(
        person=person,
        defaults={
            "chapter": chapter,
            "event": event,
            "due_on": timezone.localdate(at) + timedelta(days=_follow_up_days()),
        },
    )
    return follow_up


def check_in(*, actor: Any, rsvp: RSVP, link: HostLink | None = None) -> RSVP:
    with transaction.atomic():
        rsvp = RSVP.objects.select_for_update().select_related("event", "person").get(pk=rsvp.pk)
        if link is not None and rsvp.event_id != link.event_id:
            raise PermissionDenied("Not this host's event.")
        if link is None and not permissions.can_manage_event(actor, rsvp.event.chapter_id):
            raise PermissionDenied("You cannot manage this event.")
        if rsvp.checked_in_at is not None:
            return rsvp
        if rsvp.status == RSVP.Status.CANCELLED:
            raise ValidationError("This RSVP was cancelled.")
        rsvp.checked_in_at = timezone.now()
        rsvp.save(update_fields=["checked_in_at"])
        _hand_off(rsvp.person, rsvp.event, rsvp.checked_in_at)
        audit.host_action(link=link, actor=actor, event=rsvp.event, action="checked_in")
    return rsvp


def add_walk_in(
    *,
    actor: Any,
    event: Event,
    link: HostLink | None = None,
    email: str = "",
    phone: str = "",
    first_name: str = "",
    last_name: str = "",
    zip_code: str = "",
    email_opt_in: bool = False,
    sms_opt_in: bool = False,
) -> RSVP:
    """Someone who came without an RSVP: they are here, so capacity does not apply."""
    if link is not None and event.pk != link.event_id:
        raise PermissionDenied("Not this host's event.")
    if link is None and not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot manage this event.")
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone)
    if not (email_key or phone_key):
        raise ValidationError("An email address or phone number is needed to follow up.")
    consents = {}
    if email_opt_in and email_key:
        consents[Channel.EMAIL.value] = ConsentEvent.Status.OPTED_IN.value
    if sms_opt_in and phone_key:
        consents[Channel.SMS.value] = ConsentEvent.Status.OPTED_IN.value
    with transaction.atomic():
        slot = (
            Timeslot.objects.select_for_update().filter(event=event).order_by("starts_at").first()
        )
        if slot is None:
            raise ValidationError("This event has no shifts.")
        person, created = _match_or_create_person(
            email=email_key,
            phone=phone_key,
            first_name=first_name,
            last_name=last_name,
            zip_code=zip_code,
            consents=consents,
        )
        now = timezone.now()
        record, _ = RSVP.objects.update_or_create(
            timeslot=slot,
            person=person,
            defaults={"event": event, "status": RSVP.Status.CONFIRMED, "cancelled_at": None},
            create_defaults={
                "event": event,
                "status": RSVP.Status.CONFIRMED,
                "is_walk_in": True,
                "cancel_token_hash": selectors.token_hash(_new_token()),
            },
        )
        if record.checked_in_at is None:
            record.checked_in_at = now
            record.save(update_fields=["checked_in_at"])
            _hand_off(person, event, now)
        audit.host_action(
            link=link, actor=actor, event=event, action="walk_in_added", person_created=created
        )
    return record


OUTCOME_FIELDS = ("attendance_reported", "doors_knocked", "calls_made", "pledges", "signups")


def record_outcomes(
    *, actor: Any, event: Event, link: HostLink | None = None, **outcomes: int | None
) -> Event:
    unknown = set(outcomes) - set(OUTCOME_FIELDS)
    if unknown:
        raise TypeError(f"Unknown outcomes: {', '.join(sorted(unknown))}")
    if link is not None and event.pk != link.event_id:
        raise PermissionDenied("Not this host's event.")
    if link is None and not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot manage this event.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        for name, value in outcomes.items():
            if value is not None and value < 0:
                raise ValidationError({name: "Counts cannot be negative."})
            setattr(event, name, value)
        event.outcomes_recorded_at = timezone.now()
        event.save(update_fields=[*outcomes, "outcomes_recorded_at", "updated_at"])
        audit.host_action(
            link=link, actor=actor, event=event, action="outcomes_recorded", fields=sorted(outcomes)
        )
    return event


def complete_follow_up(
    *, actor: Any, follow_up: FollowUp, outcome: str, notes: str = ""
) -> FollowUp:
    """The organizer logs the one-on-one; joining is a ladder step attributed to the event."""
    outcome = FollowUp.Outcome(outcome)
    if not permissions.can_manage_event(actor, follow_up.chapter_id):
        raise PermissionDenied("Not your chapter's follow-up.")
    with transaction.atomic():
        follow_up = (
            FollowUp.objects.select_for_update()
            .select_related("event", "person")
            .get(pk=follow_up.pk)
        )
        follow_up.status = FollowUp.Status.DONE
        follow_up.outcome = outcome
        follow_up.notes = notes
        follow_up.completed_at = timezone.now()
        follow_up.completed_by = actor
        follow_up.save()
        if outcome == FollowUp.Outcome.JOINED:
            people_services.record_ladder_step(
                person=follow_up.person,
                stage=LadderStage.JOINED,
                chapter=follow_up.chapter,
                attribution_type="event",
                attribution_id=str(follow_up.event_id),
                attribution_label=follow_up.event.title,
            )
        audit.follow_up_completed(actor=actor, follow_up=follow_up)
    return follow_up


# --- Reminders -------------------------------------------------------------------------------


def queue_due_reminders(*, now: datetime | None = None) -> dict[str, int]:
    """Mark and enqueue the day-before and hour-before reminders that are due, in batches.

    Marking happens in the same transaction as the enqueue (on commit), so a reminder is queued
    once even when two schedulers overlap; the task re-checks cancellation and consent at send
    time.
    """
    now = now or timezone.now()
    sent = {}
    windows = (
        ("day_before", "day_before_sent_at", timedelta(hours=24)),
        ("hour_before", "hour_before_sent_at", timedelta(hours=1)),
    )
    for kind, field, lead in windows:
        with transaction.atomic():
            due = (
                RSVP.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    status=RSVP.Status.CONFIRMED,
                    event__status=Event.Status.APPROVED,
                    timeslot__starts_at__gt=now,
                    timeslot__starts_at__lte=now + lead,
                    **{f"{field}__isnull": True},
                )
                .values_list("pk", flat=True)
            )
            ids = list(due[:5000])
            RSVP.objects.filter(pk__in=ids).update(**{field: now})
            for start in range(0, len(ids), 500):
                batch = ids[start : start + 500]
                transaction.on_commit(functools.partial(tasks.send_reminders.enqueue, batch, kind))
        sent[kind] = len(ids)
    return sent
