"""Days of action, host-your-own submissions, moderation, shifts and host links."""

import zoneinfo
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
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
    HostLink,
    Timeslot,
    TrustedHost,
)
from bloc.events.services._common import SlotSpec, _new_token
from bloc.people import selectors as people_selectors
from bloc.people.normalize import normalize_email

# --- Days of action --------------------------------------------------------------------------


def _check_day(*, name: str, starts_on: date, ends_on: date, toolkit_url: str) -> None:
    if not name.strip():
        raise ValidationError({"name": "Give the day of action a name."})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": "A day of action cannot end before it starts."})
    if toolkit_url and not toolkit_url.startswith(("https://", "http://")):
        raise ValidationError({"toolkit_url": "The toolkit link must start with https://."})


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
    is_published: bool = True,
) -> DayOfAction:
    if actor is not None and not permissions.can_create_day(actor):
        raise PermissionDenied("Only a national admin can call a day of action.")
    _check_day(name=name, starts_on=starts_on, ends_on=ends_on, toolkit_url=toolkit_url)
    with transaction.atomic():
        day = DayOfAction.objects.create(
            name=name.strip(),
            slug=_unique_slug(DayOfAction, name, 120),
            starts_on=starts_on,
            ends_on=ends_on,
            description=description,
            demands=demands,
            toolkit_url=toolkit_url,
            is_published=is_published,
        )
        if partners:
            day.partners.set(partners)
        audit.day_created(actor=actor, day=day)
    return day


def update_day_of_action(
    *,
    actor: Any,
    day: DayOfAction,
    name: str,
    starts_on: date,
    ends_on: date,
    description: str = "",
    demands: str = "",
    toolkit_url: str = "",
    partners: list[Any] | None = None,
    is_published: bool = True,
) -> DayOfAction:
    """Edit a day of action. Its address (slug) stays, so links already shared keep working;
    its events keep their own dates and hosts (see `selectors.events_outside_day`)."""
    if actor is not None and not permissions.can_manage_days(actor):
        raise PermissionDenied("Only a national admin can change a day of action.")
    _check_day(name=name, starts_on=starts_on, ends_on=ends_on, toolkit_url=toolkit_url)
    values = {
        "name": name.strip(),
        "starts_on": starts_on,
        "ends_on": ends_on,
        "description": description,
        "demands": demands,
        "toolkit_url": toolkit_url,
        "is_published": is_published,
    }
    with transaction.atomic():
        day = DayOfAction.objects.select_for_update().get(pk=day.pk)
        changed = [field for field, value in values.items() if getattr(day, field) != value]
        for field in changed:
            setattr(day, field, values[field])
        before = set(day.partners.values_list("pk", flat=True))
        after = {p.pk for p in partners or []}
        if not changed and before == after:
            return day
        if changed:
            day.save(update_fields=[*changed, "updated_at"])
        if before != after:
            day.partners.set(partners or [])
        audit.day_updated(
            actor=actor,
            day=day,
            changed=changed,
            partners_added=sorted(after - before),
            partners_removed=sorted(before - after),
        )
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
    co_hosts = _check_partners(
        actor=actor, day=day, host_partner=host_partner, co_hosts=co_hosts or []
    )
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


def _check_partners(
    *, actor: Any, day: DayOfAction | None, host_partner: Any, co_hosts: list[Any]
) -> list[Any]:
    """An event of a day of action is hosted only by that day's coalition partners. Without a
    day, only event staff may name partners (the public form offers them per day). Returns the
    co-hosts without the hosting partner."""
    co_hosts = [p for p in dict.fromkeys(co_hosts) if p != host_partner]
    named = ([host_partner] if host_partner else []) + co_hosts
    if not named:
        return co_hosts
    if day is None:
        if not permissions.is_event_staff(actor):
            raise ValidationError(
                {"host_partner": "Choose the day of action: its coalition's partners may host."}
            )
        return co_hosts
    allowed = set(day.partners.values_list("pk", flat=True))
    strays = [p.name for p in named if p.pk not in allowed]
    if strays:
        raise ValidationError(
            {"host_partner": f"Not coalition partners of {day.name}: {', '.join(strays)}."}
        )
    return co_hosts


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
