"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""

import hashlib
import hmac
import json
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from bloc.comms import audit, delivery, permissions, selectors, services
from bloc.comms.forms import AudienceForm, BroadcastForm, PledgeSignForm
from bloc.comms.render import previewing
from bloc.core import ratelimit
from bloc.people.models import Person

SAMPLE_SIZE = 10
UNKNOWN_SHOWN = 200


def _require_comms(request: HttpRequest) -> None:
    if not permissions.can_use_comms(request.user):
        raise Http404("Not found.")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_comms(request)
    return render(
        request,
        "comms/home.html",
        {
            "broadcasts": selectors.broadcasts_for(request.user)[:50],
            "audiences": selectors.audiences_for(request.user)[:50],
            "pledges": selectors.pledges_for(request.user)[:50],
        },
    )


@login_required
def audience_create(request: HttpRequest) -> HttpResponse:
    _require_comms(request)
    form = AudienceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            audience = services.save_audience(
                actor=request.user,
                name=data["name"],
                chapter_id=int(data["chapter"]) if data["chapter"] else None,
                member_status=data["member_status"],
                ladder_stage=data["ladder_stage"],
                near_zip=data["near_zip"],
                radius_miles=data["radius_miles"],
                registered_key=data["registered_key"],
                legal_entity=data["legal_entity"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("comms:audience-detail", pk=audience.pk)
    return render(request, "comms/audience_create.html", {"form": form})


@login_required
def audience_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_comms(request)
    audience = selectors.audience_for(request.user, pk)
    people = selectors.audience_people(audience, request.user)
    count = people.count()
    from bloc.people.selectors import contactable

    sample = list(people.select_related("chapter").order_by("?")[:SAMPLE_SIZE])
    audit.audience_viewed(actor=request.user, audience=audience, count=count)
    return render(
        request,
        "comms/audience_detail.html",
        {
            "audience": audience,
            "clauses": selectors.explain(audience),
            "count": count,
            "email_count": contactable(people, "email").exclude(email="").count(),
            "sms_count": contactable(people, "sms").exclude(phone="").count(),
            "sample": sample,
        },
    )


@login_required
def broadcast_create(request: HttpRequest) -> HttpResponse:
    _require_comms(request)
    form = BroadcastForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            broadcast = services.create_broadcast(
                actor=request.user,
                title=data["title"],
                channel=data["channel"],
                audience=data["audience"],
                legal_entity=data["legal_entity"],
                chapter_id=int(data["chapter"]) if data["chapter"] else None,
                body=data["body"],
                subject=data["subject"],
                from_name=data["from_name"],
                scheduled_for=data["scheduled_for"],
                subject_b=data["subject_b"],
                body_b=data["body_b"],
                test_percent=data["test_percent"] or 0,
                test_hours=data["test_hours"] or 4,
                winner_metric=data["winner_metric"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("comms:broadcast-detail", pk=broadcast.pk)
    return render(request, "comms/broadcast_create.html", {"form": form})


@login_required
def broadcast_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _require_comms(request)
    broadcast = selectors.broadcast_for(request.user, pk)
    people = selectors.audience_people(broadcast.audience, request.user)
    sample = list(people.select_related("chapter")[:SAMPLE_SIZE])
    preview = None
    preview_id = request.GET.get("preview")
    if preview_id:
        try:
            person = people.select_related("chapter").get(pk=int(preview_id))
        except (Person.DoesNotExist, ValueError):
            raise Http404("Not in this audience.") from None
    elif sample:
        person = sample[0]
    else:
        person = None
    if person is not None:
        with previewing():  # never a real sign-in link on a staff screen
            preview = delivery.build_message(broadcast, person, key="preview", preview=True)
    unknown = selectors.unknown_messages(broadcast, request.user)
    unknown_count = unknown.count()
    unknown_shown = list(unknown[:UNKNOWN_SHOWN])
    if unknown_shown:
        audit.unknown_viewed(actor=request.user, broadcast=broadcast, count=unknown_count)
    return render(
        request,
        "comms/broadcast_detail.html",
        {
            "broadcast": broadcast,
            "problems": services.preflight(broadcast),
            "stats": delivery.stats_for(broadcast),
            "rates": delivery.variant_rates(broadcast) if broadcast.is_ab_test else None,
            "sample": sample,
            "preview": preview,
            "preview_person": person,
            "can_approve": permissions.can_approve(request.user, broadcast),
            "unknown_count": unknown_count,
            "unknown_shown": unknown_shown,
            "can_resend": permissions.can_send_for(request.user, broadcast.chapter_id)
            and broadcast.status != broadcast.Status.CANCELLED,
        },
    )


def _act(request: HttpRequest, pk: int, action: Any, done: str) -> HttpResponse:
    _require_comms(request)
    broadcast = selectors.broadcast_for(request.user, pk)
    try:
        action(actor=request.user, broadcast=broadcast)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        if done:
            messages.success(request, done)
    return redirect("comms:broadcast-detail", pk=broadcast.pk)


@login_required
@require_POST
def broadcast_submit(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.submit_broadcast, "Submitted.")


@login_required
@require_POST
def broadcast_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.approve_broadcast, "Approved.")


@login_required
@require_POST
def broadcast_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, services.cancel_broadcast, "Cancelled.")


@login_required
@require_POST
def broadcast_resend_unknown(request: HttpRequest, pk: int) -> HttpResponse:
    confirmed = request.POST.get("confirm") == "yes"

    def resend(*, actor: Any, broadcast: Any) -> None:
        count = services.resend_unknown(actor=actor, broadcast=broadcast, confirmed=confirmed)
        messages.success(request, f"{count} messages of unknown outcome queued again.")

    return _act(request, pk, resend, "")


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" with no session or token
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks (link scanners must not unsubscribe anyone); POST unsubscribes, in one click."""
    try:
        from bloc.comms.render import read_unsubscribe_token

        read_unsubscribe_token(token)
    except signing.BadSignature:
        raise Http404("This link is not valid.") from None
    if request.method == "POST":
        services.unsubscribe(token=token)
        return render(request, "comms/unsubscribe.html", {"done": True})
    return render(request, "comms/unsubscribe.html", {"done": False})


def pledge_sign(request: HttpRequest, slug: str) -> HttpResponse:
    if ratelimit.over_limit(request, group="comms.pledge", setting="BLOC_RATE_PLEDGE_SIGN"):
        return ratelimit.too_many(request)
    pledge = selectors.open_pledge(slug)
    referrer = (request.POST.get("ref") or request.GET.get("ref") or "")[:64]
    form = PledgeSignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.sign_pledge(
                pledge=pledge,
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                zip_code=data["zip_code"],
                phone=data["phone"],
                email_opt_in=data["email_opt_in"],
                sms_opt_in=data["sms_opt_in"],
                referrer=referrer,
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            return redirect("comms:pledge-thanks", slug=pledge.slug)
    count = pledge.signatures.count()
    return render(
        request,
        "comms/pledge_sign.html",
        {
            "pledge": pledge,
            "form": form,
            "count": count,
            "percent": min(100, round(100 * count / pledge.goal)) if pledge.goal else 100,
            "referrer": referrer,
        },
    )


def pledge_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    pledge = selectors.open_pledge(slug)
    share = request.build_absolute_uri(f"/comms/p/{pledge.slug}/")
    return render(
        request,
        "comms/pledge_thanks.html",
        {
            "pledge": pledge,
            "share_url": share,
            "share_text": quote(f"I signed: {pledge.title} {share}"),
            "count": pledge.signatures.count(),
        },
    )


@csrf_exempt
@require_POST
def sms_inbound_webhook(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound-message webhook, verified with X-Twilio-Signature."""
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    if not token:
        raise Http404("Not configured.")
    signature = request.headers.get("X-Twilio-Signature", "")
    params = {key: request.POST.get(key) for key in request.POST}
    if not RequestValidator(token).validate(request.build_absolute_uri(), params, signature):
        return HttpResponse("Bad signature.", status=403)
    services.receive_text(
        from_number=params.get("From") or "",
        body=params.get("Body") or "",
        message_id=params.get("MessageSid") or "",
    )
    return HttpResponse("<Response/>", content_type="text/xml")


def sign_email_events(body: bytes, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@csrf_exempt
@require_POST
def email_events_webhook(request: HttpRequest) -> HttpResponse:
    """Delivery reports from a relay that speaks Bloc's JSON (HMAC-SHA256 in X-Bloc-Signature).

    ESPs django-anymail supports report through anymail's own webhooks instead (see signals.py).
    """
    secret = getattr(settings, "BLOC_COMMS_WEBHOOK_SECRET", "")
    if not secret:
        raise Http404("Not configured.")
    given = request.headers.get("X-Bloc-Signature", "")
    if not hmac.compare_digest(given, sign_email_events(request.body, secret)):
        return HttpResponse("Bad signature.", status=403)
    try:
        events = json.loads(request.body)["events"]
        handled = sum(
            services.record_email_event(
                event=str(item["event"]),
                message_id=str(item.get("message_id", ""))[:200],
                recipient=str(item.get("recipient", ""))[:254],
                permanent=bool(item.get("permanent", True)),
            )
            for item in events
        )
    except (ValueError, KeyError, TypeError):
        return HttpResponse("Malformed.", status=400)
    return JsonResponse({"handled": handled})
