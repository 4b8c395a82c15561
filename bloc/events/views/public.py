"""Public pages: search and map, day of action, event page, RSVP, iCal, embed, host your own."""

import mimetypes
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import icalendar
import leaflet
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.views.decorators.cache import cache_control
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_POST

from bloc.core import ratelimit
from bloc.core.memo import ProcessMemo
from bloc.core.navigation import is_url_safe
from bloc.events import charts, forms, selectors, services
from bloc.events.models import Event

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


def _partner_param(value: str) -> str:
    """A partner id from a link (``?partner=12``): ASCII digits that fit a database id, else
    "" (``²`` and ``١`` are digits to ``str.isdigit`` but not to ``int``)."""
    return value if value.isascii() and value.isdigit() and len(value) <= 18 else ""


def _markers(found: list[selectors.Found]) -> list[dict[str, Any]]:
    return [
        {
            "lat": f.event.latitude,
            "lng": f.event.longitude,
            "title": f.event.title,
            "url": reverse("events:event-detail", args=[f.event.url_key]),
        }
        for f in found
        if f.event.latitude is not None and not f.event.is_virtual
    ]


#: Events per page of the search list (and pins on its map).
SEARCH_PAGE_SIZE = 50


def event_search(request: HttpRequest) -> HttpResponse:
    form = forms.SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    radius = filters.get("radius") or forms.DEFAULT_RADIUS
    if filters.get("zip"):
        matches, origin = selectors.search_events(
            zip_code=filters["zip"],
            radius_miles=radius,
            event_type=filters.get("type", ""),
            on_date=filters.get("date"),
            limit=None,
        )
        page: Page[Any] = Paginator(matches, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        found = list(page.object_list)
    else:
        origin = None
        events = selectors.public_events_matching(
            event_type=filters.get("type", ""), on_date=filters.get("date")
        )
        page = Paginator(events, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
        found = [selectors.Found(e, None) for e in page.object_list]
    response = render(
        request,
        "events/event_search.html",
        {
            "form": form,
            "found": found,
            "page_obj": page,
            "origin": origin,
            "radius": radius,
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
    form = forms.SearchForm(request.GET or None, default_radius=50)
    filters = form.cleaned_data if form.is_valid() else {}
    found, _ = selectors.search_events(
        zip_code=filters.get("zip", ""),
        radius_miles=filters.get("radius") or 50,
        event_type=filters.get("type", ""),
        day=day,
        limit=50,
    )
    response = render(
        request,
        "events/event_embed.html",
        {"found": found, "partner": _partner_param(request.GET.get("partner", ""))},
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
            "build_up": charts.build_up_chart(
                day, selectors.day_build_up(day, today=timezone.localdate())
            ),
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
        page = reverse("events:event-detail", args=[event.url_key])
        entry.add("url", settings.SITE_URL.rstrip("/") + page)
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
            "partner": _partner_param(request.GET.get("partner", "")),
            "can_rsvp": event.is_open_for_rsvp and bool(open_slots),
            "co_hosts": event.co_hosts.all(),
        },
    )


@require_POST
def rsvp_create(request: HttpRequest, slug: str) -> HttpResponse:
    if ratelimit.over_limit(request, group="events.rsvp", setting="BLOC_RATE_PUBLIC_RSVP"):
        return ratelimit.too_many(request)
    event, slots = selectors.event_for_rsvp_form(slug)
    form = forms.RSVPForm(request.POST, slots=slots)
    if not event.is_open_for_rsvp:
        form.add_error(None, "This event is not taking RSVPs.")
    elif form.is_valid():
        data = form.cleaned_data
        slot = next(s for s in slots if str(s.pk) == data["timeslot"])
        partner_id = _partner_param(request.POST.get("partner", ""))
        partner = None
        if partner_id:
            from bloc.coalition.models import Partner

            partner = Partner.objects.filter(pk=int(partner_id)).first()
        try:
            intake, token = services.receive_rsvp(
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
            # Usually the drain has not run yet (202, the page polls); with tasks run inline
            # (tests, a small install) it has, and the outcome shows at once (201).
            context = _intake_context(intake, token, event=event, first_name=data["first_name"])
            if intake.state == intake.State.PENDING:
                return _received_page(request, context)
            return render(request, "events/rsvp_done.html", context, status=201)
    return render(
        request,
        "events/event_detail.html",
        {"event": event, "slots": slots, "form": form, "can_rsvp": event.is_open_for_rsvp},
        status=400,
    )


_RECEIVED_PAGE_MEMO = ProcessMemo()
# Random per process, letters and digits only: no event title or name can contain them.
_NAME_MARK = "n" + secrets.token_hex(12)
_TOKEN_MARK = "t" + secrets.token_hex(12)


def _received_page(request: HttpRequest, context: dict[str, Any]) -> HttpResponse:
    """The 202 page after the form ("We're saving your spot"). For a visitor who is not
    signed in and has no messages waiting, it is the same page for every RSVP to the event
    but for two values, the visitor's first name and the token in the status link: a spike
    renders it once per event and web process (for ``BLOC_EVENTS_RSVP_FORM_CACHE_SECONDS``,
    like the form's event, decision 0706) with a marker in each place, and puts the escaped
    name and the token in. Anyone else gets the page rendered in full."""
    first_name, token = context["first_name"], context["token_for_status"]
    if (
        request.user.is_authenticated
        or len(messages.get_messages(request))
        or not first_name
        or not is_url_safe(token)
    ):
        return render(request, "events/rsvp_done.html", context, status=202)

    def load() -> str:
        marked = {**context, "first_name": _NAME_MARK, "token_for_status": _TOKEN_MARK}
        return render_to_string("events/rsvp_done.html", marked, request=request)

    page = _RECEIVED_PAGE_MEMO.get(context["event"].pk, selectors.rsvp_form_cache_seconds(), load)
    page = page.replace(_NAME_MARK, escape(first_name)).replace(_TOKEN_MARK, token)
    return HttpResponse(page, status=202)


def rsvp_status(request: HttpRequest, token: str) -> HttpResponse:
    """Where a public RSVP stands (its link is on the page after the form, and it is the
    cancel link's token). HTMX polls it while the RSVP is being recorded."""
    intake = selectors.intake_for_token(token)
    context = _intake_context(intake, token, event=intake.timeslot.event)
    template = "events/_rsvp_outcome.html" if request.htmx else "events/rsvp_done.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _intake_context(
    intake: Any, token: str, *, event: Event, first_name: str = ""
) -> dict[str, Any]:
    record = intake.rsvp
    return {
        "intake": intake,
        "event": event,
        "rsvp": record,
        # The RSVP made from this intake carries its token; an RSVP that already existed
        # has its own (sent by email then), so no cancel link is shown for it here.
        "token": token
        if record is not None and record.cancel_token_hash == selectors.token_hash(token)
        else "",
        "token_for_status": token,
        "first_name": first_name,
    }


def rsvp_cancel(request: HttpRequest, token: str) -> HttpResponse:
    record = selectors.rsvp_for_cancel_token(token)
    if request.method == "POST":
        services.cancel_rsvp(actor=request.user, rsvp=record)
        messages.success(request, "Your RSVP is cancelled. Thank you for letting the host know.")
        return redirect("events:event-detail", slug=record.event.url_key)
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
    if ratelimit.over_limit(request, group="events.submit", setting="BLOC_RATE_EVENT_SUBMISSION"):
        return ratelimit.too_many(request)
    form = forms.SubmitEventForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            event, _token = services.submit_event(actor=request.user, **form.submission_kwargs())
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
