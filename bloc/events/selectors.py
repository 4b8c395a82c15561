"""Reads of events. Public reads show approved events only; staff reads are scoped by chapter."""

import hashlib
import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.core import geo
from bloc.core.memo import ProcessMemo
from bloc.events import permissions
from bloc.events.models import (
    RSVP,
    ConflictFlag,
    DayOfAction,
    Event,
    FollowUp,
    HostLink,
    RSVPIntake,
    Timeslot,
)

EARTH_MILES = 3958.8


def conflict_miles() -> float:
    return float(getattr(settings, "BLOC_EVENTS_CONFLICT_MILES", 1.0))


def conflict_hours() -> float:
    return float(getattr(settings, "BLOC_EVENTS_CONFLICT_HOURS", 3.0))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def miles_between(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, q1, p2, q2 = map(math.radians, (lat1, lon1, lat2, lon2))
    h = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin((q2 - q1) / 2) ** 2
    return EARTH_MILES * 2 * math.asin(min(1.0, math.sqrt(h)))


def _bounding_box(lat: float, lon: float, miles: float) -> Q:
    dlat = miles / 69.0
    dlon = miles / max(1.0, 69.0 * math.cos(math.radians(lat)))
    return Q(
        latitude__gte=lat - dlat,
        latitude__lte=lat + dlat,
        longitude__gte=lon - dlon,
        longitude__lte=lon + dlon,
    )


# --- Public reads ----------------------------------------------------------------------------


def upcoming_public_events(now: datetime | None = None) -> QuerySet[Event]:
    return Event.objects.filter(
        status=Event.Status.APPROVED,
        visibility=Event.Visibility.PUBLIC,
        ends_at__gte=now or timezone.now(),
    ).select_related("day")


@dataclass(frozen=True)
class Found:
    event: Event
    miles: float | None


def public_events_matching(
    *, event_type: str = "", on_date: date | None = None, day: DayOfAction | None = None
) -> QuerySet[Event]:
    """Upcoming public events of a type, on a date, of a day of action (each if given)."""
    events = upcoming_public_events()
    if event_type:
        events = events.filter(event_type=event_type)
    if day is not None:
        events = events.filter(day=day)
    if on_date is not None:
        start = timezone.make_aware(datetime.combine(on_date, datetime.min.time()))
        events = events.filter(starts_at__lt=start + timedelta(days=1), ends_at__gt=start)
    return events


def search_events(
    *,
    zip_code: str = "",
    radius_miles: float = 25,
    event_type: str = "",
    on_date: date | None = None,
    day: DayOfAction | None = None,
    limit: int | None = 200,
) -> tuple[list[Found], geo.ZipInfo | None]:
    """Upcoming public events, nearest first when a ZIP is given (virtual events after).
    ``limit=None`` returns every match (the search page paginates them)."""
    events = public_events_matching(event_type=event_type, on_date=on_date, day=day)
    origin = geo.lookup(zip_code) if zip_code else None
    if origin is None:
        return [Found(e, None) for e in events[:limit]], None
    near = events.filter(_bounding_box(origin.latitude, origin.longitude, radius_miles))
    found = []
    for event in near:
        assert event.latitude is not None and event.longitude is not None
        miles = miles_between(origin.latitude, origin.longitude, event.latitude, event.longitude)
        if miles <= radius_miles:
            found.append(Found(event, round(miles, 1)))
    found.sort(key=lambda f: (f.miles, f.event.starts_at))
    virtual = events.filter(is_virtual=True)
    if limit is not None:
        virtual = virtual[: max(0, limit - len(found))]
    found.extend(Found(e, None) for e in virtual)
    return found[:limit], origin


def published_days() -> QuerySet[DayOfAction]:
    return DayOfAction.objects.filter(is_published=True)


def partners_by_day(days: QuerySet[DayOfAction]) -> list[tuple[DayOfAction, list[Any]]]:
    """The coalition partners of each of these days of action, in one query: what a host may
    name as hosting or co-hosting partner of an event for that day. Days without partners are
    left out."""
    through = DayOfAction.partners.through
    links = (
        through.objects.filter(dayofaction__in=days)
        .select_related("dayofaction", "partner")
        .order_by("-dayofaction__starts_on", "dayofaction__name", "dayofaction_id", "partner__name")
    )
    groups: dict[int, tuple[DayOfAction, list[Any]]] = {}
    for link in links:
        day = link.dayofaction  # type: ignore[attr-defined]
        groups.setdefault(day.pk, (day, []))[1].append(link.partner)  # type: ignore[attr-defined]
    return list(groups.values())


def day_for_public(slug: str) -> DayOfAction:
    day = published_days().filter(slug=slug).first()
    if day is None:
        raise Http404("No such day of action.")
    return day


def event_for_public(key: str) -> Event:
    """Approved (or cancelled) events by the key of their address (Event.url_key): a public
    event by its slug, a private one by its random link token only (its slug, made from the
    title, is guessable)."""
    event = (
        Event.objects.filter(status__in=[Event.Status.APPROVED, Event.Status.CANCELLED])
        .filter(
            Q(slug=key, visibility=Event.Visibility.PUBLIC)
            | Q(link_token=key, visibility=Event.Visibility.PRIVATE)
        )
        .select_related("day", "chapter", "host_partner")
        .first()
    )
    if event is None:
        raise Http404("No such event.")
    return event


_RSVP_FORM_MEMO = ProcessMemo()


def rsvp_form_cache_seconds() -> int:
    """How long a web process keeps what the public RSVP form's POST reads and shows."""
    return int(getattr(settings, "BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS", 10))


def event_for_rsvp_form(key: str) -> tuple[Event, list[Timeslot]]:
    """The event and its open shifts, for the public RSVP form's POST: kept in the web
    process for a few seconds (``BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS``, core.memo), because a
    spike posts to the same events again and again. A change in those seconds is caught by
    the drain, which re-reads the event and the shift under lock before it makes the RSVP
    (decision 0706). The event and shifts are shared by the process's requests: read-only."""

    def load() -> tuple[Event, list[Timeslot]]:
        event = event_for_public(key)
        return event, list(event.timeslots.all())

    event, slots = _RSVP_FORM_MEMO.get(key, rsvp_form_cache_seconds(), load)
    now = timezone.now()
    return event, [slot for slot in slots if slot.ends_at > now]


def intake_for_token(token: str) -> RSVPIntake:
    """A public RSVP's status, by the token of its status link (also its cancel link)."""
    intake = (
        RSVPIntake.objects.select_related("timeslot__event", "rsvp")
        .filter(token_hash=token_hash(token))
        .first()
    )
    if intake is None:
        raise Http404("No such RSVP.")
    return intake


def slots_with_counts(event: Event) -> list[Timeslot]:
    slots: list[Timeslot] = list(
        event.timeslots.annotate(
            confirmed_rsvps=Count("rsvps", filter=Q(rsvps__status=RSVP.Status.CONFIRMED)),
            confirmed_guests=Sum("rsvps__guests", filter=Q(rsvps__status=RSVP.Status.CONFIRMED)),
        )
    )
    for slot in slots:
        taken = slot.confirmed_rsvps + (slot.confirmed_guests or 0)  # type: ignore[attr-defined]
        slot.seats_taken = taken  # type: ignore[attr-defined]
        slot.is_full = slot.capacity is not None and taken >= slot.capacity  # type: ignore[attr-defined]
    return slots


def rsvp_for_cancel_token(token: str) -> RSVP:
    rsvp = (
        RSVP.objects.select_related("event", "timeslot")
        .filter(cancel_token_hash=token_hash(token))
        .first()
    )
    if rsvp is None:
        raise Http404("No such RSVP.")
    return rsvp


def day_totals(day: DayOfAction) -> dict[str, int]:
    """Live totals for a day of action: approved events, places, RSVPs, attendance, newcomers."""
    events = Event.objects.filter(day=day, status=Event.Status.APPROVED)
    places = events.filter(is_virtual=False).aggregate(
        cities=Count("city", distinct=True), states=Count("state", distinct=True)
    )
    rsvps = RSVP.objects.filter(event__day=day, event__status=Event.Status.APPROVED)
    people = rsvps.exclude(status=RSVP.Status.CANCELLED).aggregate(
        rsvps=Count("id"), attended=Count("id", filter=Q(checked_in_at__isnull=False))
    )
    return {
        "events": events.count(),
        "cities": places["cities"],
        "states": places["states"],
        "rsvps": people["rsvps"],
        "attendance": people["attended"],
        "new_volunteers": FollowUp.objects.filter(event__day=day).count(),
    }


# --- Host link -------------------------------------------------------------------------------


def host_link_for(token: str) -> HostLink:
    """The live host link with this token; revoked or unknown links are a 404."""
    link = (
        HostLink.objects.select_related("event", "event__day")
        .filter(token_hash=token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if link is None:
        raise Http404("This host link does not work any more.")
    return link


def rsvps_for_host(event: Event, *, query: str = "") -> QuerySet[RSVP]:
    rsvps = (
        RSVP.objects.filter(event=event)
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("person", "timeslot")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    code = query.strip().upper()
    if len(code) == 6 and code.isalnum() and rsvps.filter(check_in_code=code).exists():
        return rsvps.filter(check_in_code=code)
    if query:
        terms = Q()
        for word in query.split()[:3]:
            terms &= (
                Q(person__first_name__icontains=word)
                | Q(person__last_name__icontains=word)
                | Q(person__email__icontains=word)
            )
        rsvps = rsvps.filter(terms)
    return rsvps


def check_in_counts(event: Event) -> dict[str, int]:
    """RSVPs (not cancelled) and how many of them are checked in, in one query."""
    counts = (
        RSVP.objects.filter(event=event)
        .exclude(status=RSVP.Status.CANCELLED)
        .aggregate(rsvps=Count("id"), checked_in=Count("id", filter=Q(checked_in_at__isnull=False)))
    )
    return {"rsvps": counts["rsvps"], "checked_in": counts["checked_in"]}


def recent_check_ins(event: Event, *, limit: int = 5) -> list[RSVP]:
    """The last people checked in at the door, newest first."""
    return list(
        RSVP.objects.filter(event=event, checked_in_at__isnull=False)
        .exclude(status=RSVP.Status.CANCELLED)
        .select_related("person")
        .order_by("-checked_in_at", "-pk")[:limit]
    )


# --- Staff reads -----------------------------------------------------------------------------


def events_managed_by(actor: Any) -> QuerySet[Event]:
    if roles.is_national_admin(actor):
        return Event.objects.all()
    chapter_ids = roles.organized_chapter_ids(actor)
    if not chapter_ids:
        return Event.objects.none()
    return Event.objects.filter(chapter_id__in=chapter_ids)


def moderation_queue(actor: Any) -> QuerySet[Event]:
    return (
        events_managed_by(actor)
        .filter(status__in=[Event.Status.PENDING, Event.Status.CHANGES_REQUESTED])
        .select_related("day", "chapter")
        .annotate(flag_count=Count("conflict_flags"))
        .order_by("starts_at", "pk")
    )


def event_for_staff(actor: Any, pk: Any) -> Event:
    try:
        return (
            events_managed_by(actor)
            .select_related("day", "chapter", "host_partner")
            .get(pk=int(pk))
        )
    except (Event.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event.") from None


def days_for_staff(actor: Any) -> QuerySet[DayOfAction]:
    """Days of action on the staff list: every day for national staff, published ones for
    chapter organizers; each with its count of approved events."""
    days = DayOfAction.objects.all()
    if not permissions.can_manage_days(actor):
        days = days.filter(is_published=True)
    return days.annotate(
        approved_events=Count("events", filter=Q(events__status=Event.Status.APPROVED))
    ).order_by("-starts_on", "name")


def day_for_staff(actor: Any, pk: Any) -> DayOfAction:
    """A day of action to edit; a 404 for anyone who may not manage days."""
    if not permissions.can_manage_days(actor):
        raise Http404("No such day of action.")
    try:
        return DayOfAction.objects.get(pk=int(pk))
    except (DayOfAction.DoesNotExist, ValueError, TypeError):
        raise Http404("No such day of action.") from None


def events_outside_day(day: DayOfAction) -> list[Event]:
    """Live events of a day of action whose local start date falls outside the day's dates
    (after its dates changed): their hosts may need to hear about it."""
    live = [Event.Status.PENDING, Event.Status.CHANGES_REQUESTED, Event.Status.APPROVED]
    outside = []
    for event in Event.objects.filter(day=day, status__in=live).only(
        "pk", "title", "starts_at", "timezone", "status"
    ):
        local = event.starts_at.astimezone(ZoneInfo(event.timezone)).date()
        if not day.starts_on <= local <= day.ends_on:
            outside.append(event)
    return outside


def conflicts_for(event: Event) -> QuerySet[ConflictFlag]:
    return ConflictFlag.objects.filter(event=event).select_related("other", "other__day")


def nearby_approved(event: Event) -> list[tuple[Event, float, float]]:
    """Approved in-person events within the configured distance and time of `event`.

    Times are compared as instants (stored in UTC), so events in different time zones compare
    correctly; the gap is 0 when the two events overlap.
    """
    if event.is_virtual or event.latitude is None or event.longitude is None:
        return []
    window = timedelta(hours=conflict_hours())
    miles = conflict_miles()
    candidates = (
        Event.objects.filter(status=Event.Status.APPROVED, is_virtual=False)
        .exclude(pk=event.pk)
        .filter(starts_at__lt=event.ends_at + window, ends_at__gt=event.starts_at - window)
        .filter(_bounding_box(event.latitude, event.longitude, miles))
    )
    found = []
    for other in candidates:
        assert other.latitude is not None and other.longitude is not None
        distance = miles_between(event.latitude, event.longitude, other.latitude, other.longitude)
        gap = max(
            timedelta(0), other.starts_at - event.ends_at, event.starts_at - other.ends_at
        ).total_seconds()
        if distance < miles and gap < window.total_seconds():
            found.append((other, round(distance, 2), round(gap / 3600, 2)))
    return sorted(found, key=lambda item: item[1])


def pending_near(event: Event) -> list[tuple[Event, float, float]]:
    """Pending submissions that an approval of `event` puts in conflict."""
    if event.is_virtual or event.latitude is None or event.longitude is None:
        return []
    found = []
    pending = Event.objects.filter(
        status__in=[Event.Status.PENDING, Event.Status.CHANGES_REQUESTED], is_virtual=False
    ).exclude(pk=event.pk)
    window = timedelta(hours=conflict_hours())
    pending = pending.filter(
        starts_at__lt=event.ends_at + window, ends_at__gt=event.starts_at - window
    ).filter(_bounding_box(event.latitude, event.longitude, conflict_miles()))
    for other in pending:
        for approved, distance, gap in nearby_approved(other):
            if approved.pk == event.pk:
                found.append((other, distance, gap))
    return found


def follow_ups_for(actor: Any, *, status: str = FollowUp.Status.OPEN) -> QuerySet[FollowUp]:
    follow_ups = FollowUp.objects.select_related("person", "chapter", "event").filter(
        person__merged_into__isnull=True
    )
    if status:
        follow_ups = follow_ups.filter(status=status)
    if roles.is_national_admin(actor):
        return follow_ups
    return follow_ups.filter(chapter_id__in=roles.organized_chapter_ids(actor))


def follow_up_for(actor: Any, pk: Any) -> FollowUp:
    try:
        return follow_ups_for(actor, status="").get(pk=int(pk))
    except (FollowUp.DoesNotExist, ValueError, TypeError):
        raise Http404("No such follow-up.") from None


def conversion_by_event(actor: Any) -> list[Any]:
    """New volunteers and how many joined, per event, within the reader's scope."""
    return list(
        follow_ups_for(actor, status="")
        .values("event__title", "event__day__name", "chapter__name")
        .annotate(
            volunteers=Count("id"),
            joined=Count("id", filter=Q(outcome=FollowUp.Outcome.JOINED)),
        )
        .order_by("-volunteers")[:50]
    )


def rsvps_by_partner(event: Event) -> list[Any]:
    """Which partner's link brought how many RSVPs (partner attribution)."""
    return list(
        RSVP.objects.filter(event=event, referring_partner__isnull=False)
        .exclude(status=RSVP.Status.CANCELLED)
        .values("referring_partner__name")
        .annotate(rsvps=Count("id"))
        .order_by("-rsvps")
    )


@dataclass(frozen=True)
class BuildUpDay:
    on: date
    #: RSVPs made that day (cancelled ones included: they were made), and events approved.
    rsvps: int
    events: int
    rsvps_total: int
    events_total: int


def day_build_up(day: DayOfAction, *, today: date, days: int = 42) -> list[BuildUpDay]:
    """RSVPs and approved events per day over the `days` before a day of action (to today, or
    to its last day once past). Two queries."""
    last = min(today, day.ends_on)
    first = last - timedelta(days=days - 1)
    zone = timezone.get_current_timezone()
    rsvps = dict(
        RSVP.objects.filter(event__day=day, event__status=Event.Status.APPROVED)
        .annotate(on=TruncDate("created_at", tzinfo=zone))
        .values("on")
        .annotate(n=Count("id"))
        .values_list("on", "n")
        .order_by()
    )
    events = dict(
        Event.objects.filter(day=day, status=Event.Status.APPROVED)
        .annotate(on=TruncDate(Coalesce("approved_at", "created_at"), tzinfo=zone))
        .values("on")
        .annotate(n=Count("id"))
        .values_list("on", "n")
        .order_by()
    )
    rsvps_total = sum(n for on, n in rsvps.items() if on < first)
    events_total = sum(n for on, n in events.items() if on < first)
    result = []
    for i in range(days):
        on = first + timedelta(days=i)
        rsvps_total += rsvps.get(on, 0)
        events_total += events.get(on, 0)
        result.append(
            BuildUpDay(on, rsvps.get(on, 0), events.get(on, 0), rsvps_total, events_total)
        )
    return result
