"""The only write path for days of action, events, RSVPs, check-in and the volunteer hand-off."""

import functools
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify

from bloc.core import geo
from bloc.events import audit, permissions, selectors, tasks
from bloc.events.models import (
    RSVP,
    ConflictFlag,
    DayOfAction,
    Event,
    FollowUp,
    HostLink,
    Timeslot,
    TrustedHost,
)
from bloc.people import selectors as people_selectors
from bloc.people import services as people_services
from bloc.people.models import Channel, ConsentEvent, LadderEvent, LadderStage, Person
from bloc.people.normalize import normalize_email, normalize_phone


@dataclass(frozen=True)
class SlotSpec:
    starts_at: datetime
    ends_at: datetime
    capacity: int | None = None
    role: str = ""


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def _check_in_code() -> str:
    return get_random_string(6, "ABCDEFGHJKLMNPQRSTUVWXYZ23456789")


def _follow_up_days() -> int:
    return int(getattr(settings, "BLOC_EVENTS_FOLLOW_UP_DAYS", 7))


# --- Days of action --------------------------------------------------------------------------


def create_day_of_action(
    *,
    actor: Any,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    demands: str = "",
    toolkit_url: str = "",
    partners: list[Any] | None = None,
) -> DayOfAction:
    if actor is not None and not permissions.can_create_day(actor):
        raise PermissionDenied("Only a national admin can call a day of action.")
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "A day of action cannot end before it starts."})
    with transaction.atomic():
        day = DayOfAction.objects.create(
            name=name,
            slug=_unique_slug(DayOfAction, name, 120),
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            demands=demands,
            toolkit_url=toolkit_url,
        )
        if partners:
            day.partners.set(partners)
        audit.day_created(actor=actor, day=day)
    return day


def _unique_slug(model: Any, text: str, length: int) -> str:
    base = (slugify(text) or "event")[: length - 7].strip("-")
    slug = base
    while model.objects.filter(slug=slug).exists():
        slug = f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"
    return slug


# --- Submission and moderation ---------------------------------------------------------------


def _locate(
    *, zip_code: str, latitude: float | None, longitude: float | None, is_virtual: bool
) -> tuple[str, float | None, float | None, bool, geo.ZipInfo | None]:
    """Coordinates when the host gave them, else the ZIP's centroid (offline dataset)."""
    zip5 = geo.normalize_zip(zip_code)
    info = geo.lookup(zip5) if zip5 else None
    if latitude is not None and longitude is not None:
        return zip5, latitude, longitude, True, info
    if info is not None:
        return zip5, info.latitude, info.longitude, False, info
    if not is_virtual:
        raise ValidationError({"zip_code": "Give a US ZIP code so supporters can find the event."})
    return zip5, None, None, False, None


def submit_event(
    *,
    actor: Any,
    title: str,
    event_type: str,
    starts_at: datetime,
    ends_at: datetime,
    tz: str,
    slots: list[SlotSpec] | None = None,
    day: DayOfAction | None = None,
    description: str = "",
    visibility: str = Event.Visibility.PUBLIC,
    is_virtual: bool = False,
    virtual_url: str = "",
    venue_name: str = "",
    address_line1: str = "",
    zip_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    host_name: str = "",
    host_email: str = "",
    host_partner: Any = None,
    co_hosts: list[Any] | None = None,
    legal_entity: str = Event.LegalEntity.C4,
    coordination: str = Event.Coordination.DISTRIBUTED,
    capacity: int | None = None,
) -> tuple[Event, str]:
    """Host your own. Returns the event and a one-time token: the host link when the event is
    approved straight away (trusted hosts, staff), else the email verification token for
    anonymous hosts, else "".
    """
    if tz not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": "Unknown time zone."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "An event must end after it starts."})
    if is_virtual and not virtual_url:
        raise ValidationError({"virtual_url": "A virtual event needs a link."})
    signed_in = getattr(actor, "is_authenticated", False)
    email_key = normalize_email(host_email or (actor.email if signed_in else ""))
    if not email_key:
        raise ValidationError({"host_email": "We need an email address to reach the host."})
    zip5, lat, lon, precise, info = _locate(
        zip_code=zip_code, latitude=latitude, longitude=longitude, is_virtual=is_virtual
    )
    now = timezone.now()
    trusted = (signed_in and permissions.skips_moderation(actor)) or TrustedHost.objects.filter(
        email=email_key
    ).exists()
    if trusted:
        status = Event.Status.APPROVED
    elif signed_in:
        status = Event.Status.PENDING
    else:
        status = Event.Status.UNVERIFIED
    token = ""
    with transaction.atomic():
        event = Event.objects.create(
            day=day,
            title=title,
            slug=_unique_slug(Event, title, 40),
            description=description,
            event_type=event_type,
            visibility=visibility,
            status=status,
            timezone=tz,
            starts_at=starts_at,
            ends_at=ends_at,
            is_virtual=is_virtual,
            virtual_url=virtual_url,
            venue_name=venue_name,
            address_line1=address_line1,
            city=info.city if info else "",
            state=info.state if info else "",
            zip_code=zip5,
            latitude=lat,
            longitude=lon,
            is_location_precise=precise,
            chapter=people_selectors.chapter_for_zip(zip5),
            host_partner=host_partner,
            legal_entity=legal_entity,
            coordination=coordination,
            host_name=host_name,
            host_email=email_key,
            host_user=actor if signed_in else None,
            submitted_at=now,
            verified_at=now if signed_in or trusted else None,
            approved_at=now if trusted else None,
        )
        if co_hosts:
            event.co_hosts.set(co_hosts)
        for spec in slots or [SlotSpec(starts_at, ends_at, capacity)]:
            if spec.ends_at <= spec.starts_at:
                raise ValidationError({"slots": "Each shift must end after it starts."})
            Timeslot.objects.create(
                event=event,
                starts_at=spec.starts_at,
                ends_at=spec.ends_at,
                capacity=spec.capacity,
                role=spec.role,
            )
        flags = _flag_conflicts(event)
        if status == Event.Status.APPROVED:
            link, token = _create_host_link(event=event, actor=actor, label="Submitted")
            _flag_pending_near(event)
            _mail_host_link(event, token)
        elif status == Event.Status.UNVERIFIED:
            token = _new_token()
            event.verify_token_hash = selectors.token_hash(token)
            event.save(update_fields=["verify_token_hash"])
            tasks.mail_on_commit(
                to=email_key,
                template="verify",
                context={"event_title": event.title, "token": token},
            )
        audit.event_submitted(actor=actor, event=event, flags=flags)
    return event, token


def _flag_conflicts(event: Event) -> int:
    """Flag `event` against every approved event within the distance and time limits."""
    count = 0
    for other, miles, hours in selectors.nearby_approved(event):
        _, created = ConflictFlag.objects.get_or_create(
            event=event, other=other, defaults={"distance_miles": miles, "hours_apart": hours}
        )
        count += int(created)
    return count


def _flag_pending_near(event: Event) -> None:
    for pending, miles, hours in selectors.pending_near(event):
        ConflictFlag.objects.get_or_create(
            event=pending, other=event, defaults={"distance_miles": miles, "hours_apart": hours}
        )


def verify_submission(*, token: str) -> Event:
    """The anonymous host clicked the link we emailed: the event joins the moderation queue."""
    with transaction.atomic():
        event = (
            Event.objects.select_for_update()
            .filter(verify_token_hash=selectors.token_hash(token), status=Event.Status.UNVERIFIED)
            .first()
        )
        if event is None:
            raise ValidationError("This confirmation link has already been used or is unknown.")
        event.status = Event.Status.PENDING
        event.verified_at = timezone.now()
        event.verify_token_hash = ""
        event.save(update_fields=["status", "verified_at", "verify_token_hash", "updated_at"])
        audit.event_moderated(actor=None, event=event, decision="verified")
    return event


def _moderate(actor: Any, event: Event) -> Event:
    if not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot moderate this event.")
    locked = Event.objects.select_for_update().get(pk=event.pk)
    if locked.status not in (Event.Status.PENDING, Event.Status.CHANGES_REQUESTED):
        raise ValidationError("This event is not waiting for moderation.")
    return locked


def approve_event(*, actor: Any, event: Event, trust_host: bool = False) -> tuple[Event, str]:
    """Approve; the host gets a private link to their tools. Returns the event and that link's
    token."""
    with transaction.atomic():
        event = _moderate(actor, event)
        event.status = Event.Status.APPROVED
        event.approved_at = timezone.now()
        event.moderated_by = actor
        event.save(update_fields=["status", "approved_at", "moderated_by", "updated_at"])
        if trust_host and event.host_email:
            TrustedHost.objects.get_or_create(
                email=event.host_email, defaults={"granted_by": actor}
            )
        _flag_pending_near(event)
        _, token = _create_host_link(event=event, actor=actor, label="Approval")
        _mail_host_link(event, token)
        audit.event_moderated(actor=actor, event=event, decision="approved")
    return event, token


def request_changes(*, actor: Any, event: Event, note: str) -> Event:
    if not note.strip():
        raise ValidationError({"note": "Tell the host what to change."})
    with transaction.atomic():
        event = _moderate(actor, event)
        event.status = Event.Status.CHANGES_REQUESTED
        event.changes_requested_at = timezone.now()
        event.moderation_note = note
        event.moderated_by = actor
        event.save()
        _, token = _create_host_link(event=event, actor=actor, label="Changes requested")
        tasks.mail_on_commit(
            to=event.host_email,
            template="changes",
            context={"event_title": event.title, "note": note, "token": token},
        )
        audit.event_moderated(actor=actor, event=event, decision="changes_requested")
    return event


def resubmit_event(
    *,
    link: HostLink,
    title: str,
    event_type: str,
    starts_at: datetime,
    ends_at: datetime,
    tz: str,
    description: str = "",
    is_virtual: bool = False,
    virtual_url: str = "",
    venue_name: str = "",
    address_line1: str = "",
    zip_code: str = "",
) -> Event:
    """The host answers a request for changes through their link; the event rejoins the queue
    and its conflict flags are computed afresh. Shifts move with the event."""
    if tz not in zoneinfo.available_timezones():
        raise ValidationError({"timezone": "Unknown time zone."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "An event must end after it starts."})
    zip5, lat, lon, precise, info = _locate(
        zip_code=zip_code, latitude=None, longitude=None, is_virtual=is_virtual
    )
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=link.event_id)
        if event.status != Event.Status.CHANGES_REQUESTED:
            raise ValidationError("This event is not waiting for changes.")
        shift = starts_at - event.starts_at
        for slot in event.timeslots.all():
            slot.starts_at += shift
            slot.ends_at = min(slot.ends_at + shift, ends_at)
            if slot.ends_at <= slot.starts_at:
                slot.ends_at = ends_at
            slot.save(update_fields=["starts_at", "ends_at"])
        event.title = title
        event.event_type = event_type
        event.description = description
        event.starts_at, event.ends_at, event.timezone = starts_at, ends_at, tz
        event.is_virtual, event.virtual_url = is_virtual, virtual_url
        event.venue_name, event.address_line1, event.zip_code = venue_name, address_line1, zip5
        event.latitude, event.longitude, event.is_location_precise = lat, lon, precise
        event.city = info.city if info else ""
        event.state = info.state if info else ""
        event.chapter = people_selectors.chapter_for_zip(zip5)
        event.status = Event.Status.PENDING
        event.submitted_at = timezone.now()
        event.save()
        ConflictFlag.objects.filter(event=event).delete()
        flags = _flag_conflicts(event)
        audit.host_action(
            link=link, actor=None, event=event, action="event_resubmitted", conflict_flags=flags
        )
    return event


def reject_event(*, actor: Any, event: Event, reason: str) -> Event:
    if not reason.strip():
        raise ValidationError({"note": "Give the host a reason."})
    with transaction.atomic():
        event = _moderate(actor, event)
        event.status = Event.Status.REJECTED
        event.rejected_at = timezone.now()
        event.moderation_note = reason
        event.moderated_by = actor
        event.save()
        tasks.mail_on_commit(
            to=event.host_email,
            template="rejected",
            context={"event_title": event.title, "note": reason},
        )
        audit.event_moderated(actor=actor, event=event, decision="rejected")
    return event


def cancel_event(*, actor: Any, event: Event, link: HostLink | None = None) -> Event:
    """Cancelled events send no more reminders; people who RSVPed are told once."""
    if link is None and not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot cancel this event.")
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        if event.status == Event.Status.CANCELLED:
            return event
        event.status = Event.Status.CANCELLED
        event.cancelled_at = timezone.now()
        event.save(update_fields=["status", "cancelled_at", "updated_at"])
        ids = list(
            event.rsvps.exclude(status=RSVP.Status.CANCELLED).values_list("person_id", flat=True)
        )
        event_id = event.pk
        transaction.on_commit(lambda: tasks.send_cancellation_notices.enqueue(event_id, ids))
        audit.host_action(
            link=link, actor=actor, event=event, action="event_cancelled", rsvps=len(ids)
        )
    return event


def add_timeslot(
    *,
    actor: Any,
    event: Event,
    starts_at: datetime,
    ends_at: datetime,
    role: str = "",
    capacity: int | None = None,
) -> Timeslot:
    """Another shift (or a role with its own capacity) for an event."""
    if not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot manage this event.")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A shift must end after it starts."})
    if capacity is not None and capacity < 1:
        raise ValidationError({"capacity": "Capacity must be at least one."})
    with transaction.atomic():
        slot = Timeslot.objects.create(
            event=event, starts_at=starts_at, ends_at=ends_at, role=role[:100], capacity=capacity
        )
        audit.host_action(link=None, actor=actor, event=event, action="shift_added")
    return slot


# --- Host links ------------------------------------------------------------------------------


def _create_host_link(*, event: Event, actor: Any, label: str) -> tuple[HostLink, str]:
    token = _new_token()
    link = HostLink.objects.create(
        event=event,
        token_hash=selectors.token_hash(token),
        label=label[:100],
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    return link, token


def _mail_host_link(event: Event, token: str) -> None:
    if event.host_email:
        tasks.mail_on_commit(
            to=event.host_email,
            template="host_link",
            context={"event_title": event.title, "token": token},
        )


def create_host_link(*, actor: Any, event: Event, label: str = "") -> tuple[HostLink, str]:
    if not permissions.can_manage_event(actor, event.chapter_id):
        raise PermissionDenied("You cannot manage this event.")
    with transaction.atomic():
        link, token = _create_host_link(event=event, actor=actor, label=label or "Organizer")
        audit.host_link_changed(actor=actor, link=link, change="created")
    return link, token


def revoke_host_link(*, actor: Any, link: HostLink) -> HostLink:
    if not permissions.can_manage_event(actor, link.event.chapter_id):
        raise PermissionDenied("You cannot manage this event.")
    with transaction.atomic():
        if link.revoked_at is None:
            link.revoked_at = timezone.now()
            link.save(update_fields=["revoked_at"])
        audit.host_link_changed(actor=actor, link=link, change="revoked")
    return link


# --- RSVPs -----------------------------------------------------------------------------------


def _match_or_create_person(
    *, email: str, phone: str, first_name: str, last_name: str, zip_code: str, consents: dict
) -> tuple[Person, bool]:
    """Dedupe by email first, then phone. Two requests racing to create the same person: the
    unique email index lets one win; the other rolls back its savepoint and matches."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                person = people_services.create_person(
                    actor=None,
                    email=email,
                    phone=phone,
                    zip_code=zip_code,
                    first_name=first_name[:100],
                    last_name=last_name[:100],
                    source="event RSVP",
                    consents=consents,
                    consent_source="event RSVP form",
                )
            return person, True
        except people_services.DuplicatePerson as known:
            by_email = [p for p in known.matches if p.email == email]
            return (by_email or known.matches)[0], False
        except IntegrityError:
            continue
    raise ValidationError("Please try again in a moment.")


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
        slot = Timeslot.objects.select_for_update().select_related("event").get(pk=timeslot.pk)
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
            current = people_selectors.current_consent(person)
            for channel, status in consents.items():
                if current.get(channel) != status:
                    ConsentEvent.objects.create(
                        person=person, channel=channel, status=status, source="event RSVP form"
                    )
        existing = RSVP.objects.filter(timeslot=slot, person=person).first()
        if existing is not None and existing.status != RSVP.Status.CANCELLED:
            return existing, ""
        seats = 1 + guests
        fits = slot.capacity is None or _seats_taken(slot) + seats <= slot.capacity
        status = RSVP.Status.CONFIRMED if fits else RSVP.Status.WAITLISTED
        token = _new_token()
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
        rsvp_id = record.pk
        transaction.on_commit(lambda: tasks.send_rsvp_confirmation.enqueue(rsvp_id, token))
        audit.rsvp_recorded(actor=actor, rsvp=record, person_created=created)
    return record, token


def cancel_rsvp(*, actor: Any, rsvp: RSVP) -> RSVP:
    """Free the seats and move the earliest waitlisted RSVPs up while they fit."""
    with transaction.atomic():
        slot = Timeslot.objects.select_for_update().get(pk=rsvp.timeslot_id)
        rsvp = RSVP.objects.select_related("event").get(pk=rsvp.pk)
        if rsvp.status == RSVP.Status.CANCELLED:
            return rsvp
        rsvp.status = RSVP.Status.CANCELLED
        rsvp.cancelled_at = timezone.now()
        rsvp.save(update_fields=["status", "cancelled_at"])
        promoted = _promote_waitlist(slot)
        for rsvp_id in promoted:
            transaction.on_commit(functools.partial(tasks.send_rsvp_confirmation.enqueue, rsvp_id))
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
                RSVP.objects.select_for_update(skip_locked=True)
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


def trust_host(*, actor: Any, email: str) -> TrustedHost:
    """From now on this host's submissions skip the moderation queue."""
    if actor is not None and not permissions.can_create_day(actor):
        raise PermissionDenied("Only a national admin can trust hosts.")
    email_key = normalize_email(email)
    with transaction.atomic():
        host, _ = TrustedHost.objects.get_or_create(email=email_key, defaults={"granted_by": actor})
        from bloc.core.audit import record

        record("events.host_trusted", actor=actor, target=host)
    return host
