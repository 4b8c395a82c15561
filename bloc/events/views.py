"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""

import csv
import io
import mimetypes
import zoneinfo
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import leaflet
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from bloc.core.csvsafe import safe_cell
from bloc.events import audit, forms, permissions, selectors, services
from bloc.events.models import RSVP, DayOfAction, Event, HostLink

LEAFLET_DIR = Path(leaflet.__file__).resolve().parent / "static" / "leaflet"
LEAFLET_FILES = {
    "leaflet.js",
    "leaflet.css",
    "images/marker-icon.png",
    "images/marker-icon-2x.png",
    "images/marker-shadow.png",
    "images/layers.png",
    "images/layers-2x.png",
}


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404("Not found.")


def _tiles() -> dict[str, str]:
    return {
        "url": getattr(settings, "BLOC_MAP_TILES_URL", ""),
        "attribution": getattr(settings, "BLOC_MAP_TILES_ATTRIBUTION", ""),
    }


def _tile_origin() -> str:
    parts = urlsplit(_tiles()["url"].replace("{s}", "a"))
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def _with_tile_csp(response: HttpResponse) -> HttpResponse:
    """Tiles come from the configured server only; the list works when they cannot load."""
    origin = _tile_origin()
    if origin:
        response._csp_update = {"img-src": [origin.replace("//a.", "//*.")]}  # type: ignore[attr-defined]
    return response


# --- Public: search, map, day page, event page, iCal, embed -----------------------------------


def _markers(found: list[selectors.Found]) -> list[dict[str, Any]]:
    return [
        {
            "lat": f.event.latitude,
            "lng": f.event.longitude,
            "title": f.event.title,
            "url": reverse("events:event-detail", args=[f.event.slug]),
        }
        for f in found
        if f.event.latitude is not None and not f.event.is_virtual
    ]


def event_search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found, origin = selectors.search_events(
        zip_code=filters.get("zip", ""),
        radius_miles=filters.get("radius") or 25,
        event_type=filters.get("type", ""),
        on_date=filters.get("date"),
    )
    response = render(
        request,
        "events/event_search.html",
        {
            "form": form,
            "found": found,
            "origin": origin,
            "markers": _markers(found),
            "tiles": _tiles(),
            "days": selectors.published_days()[:5],
        },
    )
    return _with_tile_csp(response)


@xframe_options_exempt
def event_embed(request: HttpRequest) -> HttpResponse:
    """A list partners can put on their own sites in an iframe; `?partner=<id>` attributes RSVPs."""
    day = None
    if request.GET.get("day"):
        day = selectors.day_for_public(request.GET["day"])
    form = forms.SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    found, _ = selectors.search_events(
        zip_code=filters.get("zip", ""),
        radius_miles=filters.get("radius") or 50,
        event_type=filters.get("type", ""),
        day=day,
        limit=50,
    )
    partner = request.GET.get("partner", "")
    response = render(
        request,
        "events/event_embed.html",
        {"found": found, "partner": partner if partner.isdigit() else ""},
    )
    response._csp_replace = {"frame-ancestors": ["*"]}  # type: ignore[attr-defined]
    return response


def day_detail(request: HttpRequest, slug: str) -> HttpResponse:
    day = selectors.day_for_public(slug)
    found, _ = selectors.search_events(day=day, limit=500)
    response = render(
        request,
        "events/day_detail.html",
        {
            "day": day,
            "totals": selectors.day_totals(day),
            "found": found,
            "markers": _markers(found),
            "tiles": _tiles(),
            "partners": day.partners.all(),
        },
    )
    return _with_tile_csp(response)


def _ical(events: list[Event], name: str) -> HttpResponse:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Bloc//events//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for event in events:
        entry = icalendar.Event()
        entry.add("uid", f"event-{event.pk}@bloc")
        entry.add("summary", event.title)
        entry.add("dtstart", event.starts_at)
        entry.add("dtend", event.ends_at)
        entry.add("dtstamp", timezone.now())
        entry.add(
            "url", settings.SITE_URL.rstrip("/") + reverse("events:event-detail", args=[event.slug])
        )
        entry.add("status", "CANCELLED" if event.status == Event.Status.CANCELLED else "CONFIRMED")
        if event.is_virtual:
            entry.add("location", event.virtual_url)
        else:
            entry.add(
                "location",
                ", ".join(p for p in (event.venue_name, event.address_line1, event.place) if p),
            )
        if event.description:
            entry.add("description", event.description)
        calendar.add_component(entry)
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="events.ics"'
    return response


def day_ical(request: HttpRequest, slug: str) -> HttpResponse:
    day = selectors.day_for_public(slug)
    return _ical(list(selectors.upcoming_public_events().filter(day=day)[:2000]), day.name)


def event_ical(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_for_public(slug)
    return _ical([event], event.title)


def event_detail(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_for_public(slug)
    slots = selectors.slots_with_counts(event)
    open_slots = [s for s in slots if s.ends_at > timezone.now()]
    form = forms.RSVPForm(slots=open_slots, initial={"zip_code": request.GET.get("zip", "")})
    return render(
        request,
        "events/event_detail.html",
        {
            "event": event,
            "slots": slots,
            "form": form,
            "partner": request.GET.get("partner", ""),
            "can_rsvp": event.is_open_for_rsvp and bool(open_slots),
            "co_hosts": event.co_hosts.all(),
        },
    )


@require_POST
def rsvp_create(request: HttpRequest, slug: str) -> HttpResponse:
    event = selectors.event_for_public(slug)
    slots = list(event.timeslots.filter(ends_at__gt=timezone.now()))
    form = forms.RSVPForm(request.POST, slots=slots)
    if form.is_valid():
        data = form.cleaned_data
        slot = next(s for s in slots if str(s.pk) == data["timeslot"])
        partner_id = request.POST.get("partner", "")
        partner = None
        if partner_id.isdigit():
            from bloc.coalition.models import Partner

            partner = Partner.objects.filter(pk=int(partner_id)).first()
        try:
            record, token = services.rsvp(
                actor=request.user,
                timeslot=slot,
                email=data["email"],
                phone=data["phone"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                zip_code=data["zip_code"],
                guests=data["guests"] or 0,
                email_opt_in=data["email_opt_in"],
                sms_opt_in=data["sms_opt_in"],
                referring_partner=partner,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(
                request,
                "events/rsvp_done.html",
                {"event": event, "rsvp": record, "token": token},
                status=201,
            )
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "slots": slots, "form": form, "can_rsvp": event.is_open_for_rsvp},
        status=400,
    )


def rsvp_cancel(request: HttpRequest, token: str) -> HttpResponse:
    record = selectors.rsvp_for_cancel_token(token)
    if request.method == "POST":
        services.cancel_rsvp(actor=request.user, rsvp=record)
        messages.success(request, "Your RSVP is cancelled. Thank you for letting the host know.")
        return redirect("events:event-detail", slug=record.event.slug)
    return render(request, "events/rsvp_cancel.html", {"rsvp": record, "event": record.event})


@cache_control(max_age=86400, public=True)
def leaflet_asset(request: HttpRequest, name: str) -> FileResponse:
    """Leaflet from the django-leaflet wheel, served from our own origin (CSP: 'self')."""
    if name not in LEAFLET_FILES:
        raise Http404("No such file.")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse((LEAFLET_DIR / name).open("rb"), content_type=content_type)


# --- Host your own ---------------------------------------------------------------------------


def event_submit(request: HttpRequest) -> HttpResponse:
    initial = {"day": request.GET.get("day")} if request.GET.get("day") else None
    form = forms.SubmitEventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            event, _token = services.submit_event(
                actor=request.user,
                day=data["day"],
                title=data["title"],
                event_type=data["event_type"],
                description=data["description"],
                visibility=data["visibility"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                tz=data["tz"],
                capacity=data["capacity"],
                is_virtual=data["is_virtual"],
                virtual_url=data["virtual_url"],
                venue_name=data["venue_name"],
                address_line1=data["address_line1"],
                zip_code=data["zip_code"],
                host_name=data["host_name"],
                host_email=data["host_email"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return render(request, "events/event_submitted.html", {"event": event}, status=201)
    return render(request, "events/event_submit.html", {"form": form})


def submission_verify(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return render(request, "events/submission_verify.html", {"token": token})
    try:
        event = services.verify_submission(token=token)
    except ValidationError:
        raise Http404("This confirmation link has already been used or is unknown.") from None
    return render(request, "events/event_submitted.html", {"event": event, "verified": True})


# --- Host tools (private link, no account) ---------------------------------------------------


def _host_context(link: HostLink, request: HttpRequest, **extra: Any) -> dict[str, Any]:
    query = request.GET.get("q", "")[:100]
    rsvps = list(selectors.rsvps_for_host(link.event, query=query))
    return {
        "link": link,
        "token": request.resolver_match.kwargs["token"] if request.resolver_match else "",
        "event": link.event,
        "rsvps": rsvps,
        "query": query,
        "checked_in": sum(1 for r in rsvps if r.checked_in_at),
        "walk_in_form": extra.pop("walk_in_form", forms.WalkInForm()),
        "outcomes_form": extra.pop(
            "outcomes_form",
            forms.OutcomesForm(
                initial={f: getattr(link.event, f) for f in services.OUTCOME_FIELDS}
            ),
        ),
        **extra,
    }


def _resubmit_initial(event: Event) -> dict[str, Any]:
    tz = zoneinfo.ZoneInfo(event.timezone)
    start, end = event.starts_at.astimezone(tz), event.ends_at.astimezone(tz)
    return {
        "title": event.title,
        "event_type": event.event_type,
        "description": event.description,
        "date": start.date(),
        "start_time": start.time(),
        "end_time": end.time(),
        "timezone": event.timezone,
        "is_virtual": event.is_virtual,
        "virtual_url": event.virtual_url,
        "venue_name": event.venue_name,
        "address_line1": event.address_line1,
        "zip_code": event.zip_code,
    }


def host_tools(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.host_link_for(token)
    if link.event.status != Event.Status.APPROVED:
        form = forms.ResubmitEventForm(initial=_resubmit_initial(link.event))
        return render(
            request,
            "events/host_resubmit.html",
            {"event": link.event, "form": form, "token": token},
        )
    context = _host_context(link, request)
    template = "events/_host_rsvps.html" if request.htmx else "events/host_tools.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@require_POST
def host_resubmit(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.host_link_for(token)
    form = forms.ResubmitEventForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.resubmit_event(
                link=link,
                title=data["title"],
                event_type=data["event_type"],
                description=data["description"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                tz=data["tz"],
                is_virtual=data["is_virtual"],
                virtual_url=data["virtual_url"],
                venue_name=data["venue_name"],
                address_line1=data["address_line1"],
                zip_code=data["zip_code"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Thank you: your event is back in the review queue.")
            return redirect("events:host-tools", token=token)
    return render(
        request,
        "events/host_resubmit.html",
        {"event": link.event, "form": form, "token": token},
        status=400,
    )


@require_POST
def host_check_in(request: HttpRequest, token: str, pk: int) -> HttpResponse:
    link = selectors.host_link_for(token)
    record = RSVP.objects.filter(event=link.event, pk=pk).first()
    if record is None:
        raise Http404("No such RSVP.")
    try:
        services.check_in(actor=request.user, rsvp=record, link=link)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    if request.htmx:  # type: ignore[attr-defined]
        record.refresh_from_db()
        return render(request, "events/_host_rsvp_row.html", {"r": record, "token": token})
    return redirect("events:host-tools", token=token)


@require_POST
def host_walk_in(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.host_link_for(token)
    form = forms.WalkInForm(request.POST)
    if form.is_valid():
        try:
            services.add_walk_in(
                actor=request.user, event=link.event, link=link, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, "Walk-in added and checked in.")
            return redirect("events:host-tools", token=token)
    return render(
        request,
        "events/host_tools.html",
        _host_context(link, request, walk_in_form=form),
        status=400,
    )


@require_POST
def host_outcomes(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.host_link_for(token)
    form = forms.OutcomesForm(request.POST)
    if form.is_valid():
        services.record_outcomes(
            actor=request.user, event=link.event, link=link, **form.cleaned_data
        )
        messages.success(request, "Outcomes saved. Thank you!")
        return redirect("events:host-tools", token=token)
    return render(
        request,
        "events/host_tools.html",
        _host_context(link, request, outcomes_form=form),
        status=400,
    )


# --- Staff: moderation, management, export, follow-ups ---------------------------------------


@login_required
def moderation_queue(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_event_staff(request.user))
    queue = list(selectors.moderation_queue(request.user)[:200])
    managed = selectors.events_managed_by(request.user).filter(
        status=Event.Status.APPROVED, ends_at__gte=timezone.now()
    )
    return render(
        request,
        "events/moderation_queue.html",
        {
            "queue": queue,
            "upcoming": managed.select_related("day")[:50],
            "days": DayOfAction.objects.all()[:10],
        },
    )


@login_required
def moderation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    return render(
        request,
        "events/moderation_detail.html",
        {
            "event": event,
            "flags": selectors.conflicts_for(event),
            "nearby": selectors.nearby_approved(event),
            "form": forms.DecisionForm(),
            "miles": selectors.conflict_miles(),
            "hours": selectors.conflict_hours(),
            "slots": event.timeslots.all(),
        },
    )


@login_required
@require_POST
def moderation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a decision.")
        return redirect("events:moderation-detail", pk=event.pk)
    decision, note = form.cleaned_data["decision"], form.cleaned_data["note"]
    try:
        if decision == "approve":
            services.approve_event(
                actor=request.user, event=event, trust_host=form.cleaned_data["trust_host"]
            )
            messages.success(request, f"Approved “{event.title}”; the host has their link.")
        elif decision == "changes":
            services.request_changes(actor=request.user, event=event, note=note)
            messages.success(request, "Changes requested.")
        else:
            services.reject_event(actor=request.user, event=event, reason=note)
            messages.success(request, "Rejected; the host has the reason.")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("events:moderation-detail", pk=event.pk)
    return redirect("events:moderation-queue")


@login_required
def event_manage(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    return render(
        request,
        "events/event_manage.html",
        {
            "event": event,
            "links": event.host_links.order_by("-created_at"),
            "slots": selectors.slots_with_counts(event),
            "new_token": request.session.pop("events_new_host_token", ""),
            "by_partner": selectors.rsvps_by_partner(event),
            "shift_form": forms.ShiftForm(),
        },
    )


@login_required
@require_POST
def shift_add(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    form = forms.ShiftForm(request.POST)
    if form.is_valid():
        starts_at, ends_at = form.times(event.timezone)
        try:
            services.add_timeslot(
                actor=request.user,
                event=event,
                starts_at=starts_at,
                ends_at=ends_at,
                role=form.cleaned_data["role"],
                capacity=form.cleaned_data["capacity"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Shift added.")
    else:
        messages.error(request, "Give the shift a date, a start and an end.")
    return redirect("events:event-manage", pk=event.pk)


@login_required
@require_POST
def host_link_create(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    _, token = services.create_host_link(actor=request.user, event=event)
    # Shown once on the next page; only the hash is stored.
    request.session["events_new_host_token"] = token
    return redirect("events:event-manage", pk=event.pk)


@login_required
@require_POST
def host_link_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    link = (
        HostLink.objects.filter(pk=pk, event__in=selectors.events_managed_by(request.user))
        .select_related("event")
        .first()
    )
    if link is None:
        raise Http404("No such link.")
    services.revoke_host_link(actor=request.user, link=link)
    messages.success(request, "Host link revoked: it no longer works.")
    return redirect("events:event-manage", pk=link.event_id)


@login_required
@require_POST
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.event_for_staff(request.user, pk)
    try:
        services.cancel_event(actor=request.user, event=event)
    except PermissionDenied:
        raise Http404("No such event.") from None
    messages.success(request, "Event cancelled; people who RSVPed are told.")
    return redirect("events:event-manage", pk=event.pk)


@login_required
def rsvp_export(request: HttpRequest, pk: int) -> HttpResponse:
    """RSVPs and attendance for one event in the reader's scope; exporting is audited."""
    event = selectors.event_for_staff(request.user, pk)
    rsvps = list(RSVP.objects.filter(event=event).select_related("person", "timeslot"))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            "first_name",
            "last_name",
            "email",
            "phone",
            "zip",
            "shift",
            "status",
            "guests",
            "walk_in",
            "checked_in_at",
        ]
    )
    for r in rsvps:
        writer.writerow(
            [
                safe_cell(v)
                for v in (
                    r.person.first_name,
                    r.person.last_name,
                    r.person.email,
                    r.person.phone,
                    r.person.zip_code,
                    r.timeslot.starts_at.isoformat(),
                    r.status,
                    r.guests,
                    "yes" if r.is_walk_in else "",
                    r.checked_in_at.isoformat() if r.checked_in_at else "",
                )
            ]
        )
    audit.rsvps_exported(actor=request.user, event=event, count=len(rsvps))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="rsvps-{event.pk}.csv"'
    return response


@login_required
def follow_up_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_event_staff(request.user))
    follow_ups = list(selectors.follow_ups_for(request.user)[:200])
    return render(
        request,
        "events/follow_up_list.html",
        {
            "follow_ups": follow_ups,
            "form": forms.FollowUpForm(),
            "conversion": selectors.conversion_by_event(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def follow_up_complete(request: HttpRequest, pk: int) -> HttpResponse:
    follow_up = selectors.follow_up_for(request.user, pk)
    form = forms.FollowUpForm(request.POST)
    if form.is_valid():
        services.complete_follow_up(actor=request.user, follow_up=follow_up, **form.cleaned_data)
        messages.success(request, "One-on-one logged.")
    else:
        messages.error(request, "Choose an outcome.")
    return redirect("events:follow-up-list")
