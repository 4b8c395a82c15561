"""Host tools through a private, revocable link: no account needed."""

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.messages import constants as message_levels
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from bloc.events import forms, selectors, services
from bloc.events.models import RSVP, Event, HostLink
from bloc.events.services.check_in import CodeCheckIn

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


# --- Scan mode: check in by the code or its QR code ------------------------------------------


def _scan_outcome(result: CodeCheckIn, tz_name: str) -> tuple[int, str]:
    rsvp = result.rsvp
    name = rsvp.person.full_name or "This person"
    if result.was_already_checked_in:
        assert rsvp.checked_in_at is not None
        at = rsvp.checked_in_at.astimezone(zoneinfo.ZoneInfo(tz_name))
        return message_levels.WARNING, f"{name} was already checked in at {at:%-I:%M %p}."
    text = f"Checked in: {name}"
    if rsvp.guests:
        text += f" with {rsvp.guests} guest{'s' if rsvp.guests > 1 else ''}"
    if rsvp.status == RSVP.Status.WAITLISTED:
        text += " (they were on the waitlist)"
    return message_levels.SUCCESS, text + "."


def _scan(request: HttpRequest, link: HostLink) -> tuple[int, str]:
    form = forms.CheckInCodeForm(request.POST)
    if not form.is_valid():
        return message_levels.ERROR, " ".join(str(e) for e in form.errors["code"])
    try:
        result = services.check_in_by_code(
            actor=request.user, link=link, code=form.cleaned_data["code"]
        )
    except ValidationError as exc:
        return message_levels.ERROR, " ".join(exc.messages)
    return _scan_outcome(result, link.event.timezone)


@require_http_methods(["GET", "POST"])
def host_scan(request: HttpRequest, token: str) -> HttpResponse:
    """Scan mode for the door: one field that a hardware scanner, a camera or a person fills.

    Without JavaScript every scan is a POST and a redirect back with the outcome; with HTMX only
    the outcome and the totals are swapped in, and the field is emptied for the next scan.
    """
    link = selectors.host_link_for(token)
    if request.method == "POST":
        level, text = _scan(request, link)
        if request.htmx:  # type: ignore[attr-defined]
            return render(
                request,
                "events/_host_scan_result.html",
                {
                    "level": message_levels.DEFAULT_TAGS[level],
                    "text": text,
                    "counts": selectors.check_in_counts(link.event),
                    "recent": selectors.recent_check_ins(link.event),
                    "event": link.event,
                    "oob": True,
                },
            )
        messages.add_message(request, level, text)
        return redirect("events:host-scan", token=token)
    if link.event.status != Event.Status.APPROVED:
        return redirect("events:host-tools", token=token)
    return render(
        request,
        "events/host_scan.html",
        {
            "event": link.event,
            "token": token,
            "form": forms.CheckInCodeForm(),
            "counts": selectors.check_in_counts(link.event),
            "recent": selectors.recent_check_ins(link.event),
        },
    )
