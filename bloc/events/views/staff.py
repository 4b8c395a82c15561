"""Staff pages: days of action, moderation, event management, export, follow-ups. Scoped; 404
outside."""

import csv
import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from bloc.coalition import selectors as coalition_selectors
from bloc.core.csvsafe import safe_cell
from bloc.events import audit, forms, permissions, selectors, services
from bloc.events.models import RSVP, DayOfAction, Event, HostLink


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404("Not found.")


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
            "days": selectors.days_for_staff(request.user)[:20],
            "can_manage_days": permissions.can_manage_days(request.user),
        },
    )


# --- Days of action (national staff) -----------------------------------------------------------


def _day_form_page(
    request: HttpRequest, form: forms.DayOfActionForm, day: DayOfAction | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "events/day_edit.html",
        {
            "form": form,
            "day": day,
            "miles": selectors.conflict_miles(),
            "hours": selectors.conflict_hours(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def day_create(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_manage_days(request.user))
    partners = coalition_selectors.partners_visible_to(request.user)
    data = request.POST if request.method == "POST" else None
    form = forms.DayOfActionForm(data, partners=partners)
    if request.method == "POST":
        if form.is_valid():
            try:
                day = services.create_day_of_action(actor=request.user, **form.service_kwargs())
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                draft = "" if day.is_published else " as a draft: publish it when it is ready"
                messages.success(request, f"Created “{day.name}”{draft}.")
                return redirect("events:day-edit", pk=day.pk)
        return _day_form_page(request, form, None, status=400)
    return _day_form_page(request, form, None)


@login_required
@require_http_methods(["GET", "POST"])
def day_edit(request: HttpRequest, pk: int) -> HttpResponse:
    day = selectors.day_for_staff(request.user, pk)
    partners = coalition_selectors.partners_visible_to(request.user)
    if request.method == "POST":
        form = forms.DayOfActionForm(request.POST, partners=partners)
        if form.is_valid():
            try:
                day = services.update_day_of_action(
                    actor=request.user, day=day, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Saved “{day.name}”.")
                outside = selectors.events_outside_day(day)
                if outside:
                    some = f"{len(outside)} events of this day start"
                    messages.warning(
                        request,
                        f"{some if len(outside) > 1 else '1 event of this day starts'} outside "
                        "its new dates. Events keep their own dates: ask their hosts to move "
                        "them, or leave them as they are.",
                    )
                return redirect("events:day-edit", pk=day.pk)
        return _day_form_page(request, form, day, status=400)
    form = forms.DayOfActionForm(initial=forms.DayOfActionForm.initial_for(day), partners=partners)
    return _day_form_page(request, form, day)


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
