"""Thin views: a form validates, a selector fetches the scoped object, a service acts.

Staff (national admins, the campaign's chapter organizers) build and watch campaigns; a
volunteer sees their batch, their inbox, the next call and their turf — nothing else."""

import csv

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from bloc.comms import selectors as comms_selectors
from bloc.contact import audit, permissions, selectors, services
from bloc.contact.forms import (
    AudienceListForm,
    CampaignForm,
    CannedForm,
    DispositionForm,
    QuestionForm,
    ReplyForm,
    TurfForm,
    VolunteerForm,
    VoterFileForm,
)
from bloc.contact.models import Answer, Attempt, Campaign, Message
from bloc.core.csvsafe import safe_cell
from bloc.people.models import Chapter


def _errors(request: HttpRequest, exc: Exception) -> None:
    text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if not permissions.sees_contact_home(request.user):
        raise Http404("Not found.")
    return render(
        request,
        "contact/home.html",
        {
            "campaigns": selectors.campaigns_for(request.user)[:100],
            "can_create": permissions.can_run_any(request.user),
        },
    )


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if not permissions.can_run_any(request.user):
        raise Http404("Not found.")
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chapter = Chapter.objects.filter(pk=data["chapter"]).first() if data["chapter"] else None
        try:
            campaign = services.create_campaign(
                actor=request.user,
                name=data["name"],
                channel=data["channel"],
                subject_type=data["subject_type"],
                subject_id=data["subject_id"],
                subject_label=data["subject_label"],
                chapter=chapter,
                legal_entity=data["legal_entity"],
                opening=data["opening"],
                batch_size=data["batch_size"],
                batch_minutes=data["batch_minutes"],
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
        else:
            return redirect("contact:campaign-detail", pk=campaign.pk)
    return render(request, "contact/campaign_create.html", {"form": form}, status=200)


@login_required
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_to_run(request.user, pk)
    return render(
        request,
        "contact/campaign_detail.html",
        {
            "campaign": campaign,
            "numbers": selectors.dashboard(campaign),
            "questions": campaign.questions.prefetch_related("answers"),
            "canned": campaign.canned.all(),
            "lists": campaign.lists.all(),
            "turfs": campaign.turfs.all(),
            "question_form": QuestionForm(),
            "canned_form": CannedForm(),
            "volunteer_form": VolunteerForm(),
            "audience_form": AudienceListForm(
                audiences=comms_selectors.audiences_for(request.user)
            ),
            "voter_form": VoterFileForm(),
            "turf_form": TurfForm(),
        },
    )


def _staff_post(request: HttpRequest, pk: int) -> Campaign:
    return selectors.campaign_to_run(request.user, pk)


@login_required
@require_POST
def campaign_status(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    status = request.POST.get("status", "")
    if status not in Campaign.Status.values:
        return HttpResponse("Unknown status.", status=400)
    services.set_status(actor=request.user, campaign=campaign, status=status)
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = QuestionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid question.", status=400)
    parent = Answer.objects.filter(
        pk=request.POST.get("parent_answer") or 0, question__campaign=campaign
    ).first()
    try:
        services.add_question(
            actor=request.user,
            campaign=campaign,
            text=form.cleaned_data["text"],
            answers=form.parsed_answers(),
            parent_answer=parent,
            order=campaign.questions.count(),
        )
    except (ValidationError, ValueError) as exc:
        _errors(request, exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def canned_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = CannedForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid response.", status=400)
    try:
        services.add_canned_response(actor=request.user, campaign=campaign, **form.cleaned_data)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def volunteer_add(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = VolunteerForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid email.", status=400)
    user = get_user_model().objects.filter(email__iexact=form.cleaned_data["email"]).first()
    if user is None:
        messages.error(request, "No Bloc account has that email address.")
    else:
        services.add_volunteer(actor=request.user, campaign=campaign, user=user)
        messages.success(request, "Volunteer added.")
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def list_from_audience(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = AudienceListForm(request.POST, audiences=comms_selectors.audiences_for(request.user))
    if not form.is_valid():
        return HttpResponse("Choose an audience.", status=400)
    try:
        contact_list = services.list_from_audience(
            actor=request.user, campaign=campaign, audience=form.cleaned_data["audience"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, f"{contact_list.added} contacts added.")
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def list_from_voter_file(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = VoterFileForm(request.POST, request.FILES)
    if not form.is_valid():
        return HttpResponse("Choose a CSV file.", status=400)
    upload = form.cleaned_data["file"]
    try:
        contact_list = services.import_voter_file(
            actor=request.user,
            campaign=campaign,
            file=upload,
            mapping=form.mapping(),
            name=form.cleaned_data["name"],
            file_name=upload.name,
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request, f"{contact_list.added} voters added; skipped: {contact_list.skipped or 0}."
        )
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def turf_create(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = _staff_post(request, pk)
    form = TurfForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Invalid turf.", status=400)
    data = form.cleaned_data
    volunteer = None
    if data["volunteer_email"]:
        volunteer = get_user_model().objects.filter(email__iexact=data["volunteer_email"]).first()
    try:
        services.create_turf(
            actor=request.user,
            campaign=campaign,
            name=data["name"],
            zip_codes=data["zip_codes"].split(","),
            precincts=data["precincts"].split(","),
            volunteer=volunteer,
        )
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("contact:campaign-detail", pk=campaign.pk)


@login_required
def export(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    campaign = selectors.campaign_to_run(request.user, pk)
    rows = services.results_rows(campaign)

    class Echo:
        def write(self, value: str) -> str:
            return value

    writer = csv.writer(Echo())
    count = selectors.reached(campaign).count()
    services.record_export(actor=request.user, campaign=campaign, count=count)
    audit.list_viewed(actor=request.user, campaign=campaign, what="export", count=count)
    stream = (writer.writerow([safe_cell(cell) for cell in row]) for row in rows)
    response = StreamingHttpResponse(stream, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="contact-{campaign.pk}.csv"'
    return response


@login_required
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff read the campaign's conversations (flagged ones first on request)."""
    campaign = selectors.campaign_to_run(request.user, pk)
    flagged = request.GET.get("flagged") == "1"
    conversations = list(selectors.conversations_for_review(campaign, flagged_only=flagged)[:200])
    audit.list_viewed(
        actor=request.user, campaign=campaign, what="conversations", count=len(conversations)
    )
    return render(
        request,
        "contact/review.html",
        {"campaign": campaign, "conversations": conversations, "flagged": flagged},
    )


# --- Volunteers: texts ----------------------------------------------------------------------


@login_required
def textbank(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_to_work(request.user, pk)
    if campaign.channel != Campaign.Channel.TEXT:
        raise Http404("Not a textbank.")
    batch = list(selectors.batch_contacts(request.user, campaign)[:500])
    previews = [
        (c, services.render(campaign.opening, contact=c, volunteer=request.user)) for c in batch
    ]
    return render(
        request,
        "contact/textbank.html",
        {
            "campaign": campaign,
            "previews": previews,
            "inbox_count": selectors.inbox(request.user, campaign).count(),
        },
    )


@login_required
@require_POST
def batch_request(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_to_work(request.user, pk)
    try:
        batch = services.request_batch(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if batch is None:
            messages.info(request, "Nobody is waiting to be texted right now (or it is late).")
    return redirect("contact:textbank", pk=campaign.pk)


@login_required
@require_POST
def send_initial(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    try:
        sent = services.send_initial(actor=request.user, contact=contact)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    else:
        if sent is None:
            messages.info(request, "This person opted out; nothing was sent.")
    return redirect("contact:textbank", pk=contact.campaign_id)


@login_required
def inbox(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_to_work(request.user, pk)
    return render(
        request,
        "contact/inbox.html",
        {"campaign": campaign, "conversations": selectors.inbox(request.user, campaign)[:200]},
    )


@login_required
def conversation(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    campaign = contact.campaign
    answered = selectors.answers_of(contact)
    questions = [
        q
        for q in campaign.questions.prefetch_related("answers").select_related("parent_answer")
        if q.parent_answer_id is None or q.parent_answer_id in answered.values()
    ]
    return render(
        request,
        "contact/conversation.html",
        {
            "contact": contact,
            "campaign": campaign,
            "thread": selectors.thread(contact),
            "canned": [
                (c, services.render(c.body, contact=contact, volunteer=request.user))
                for c in campaign.canned.all()
            ],
            "questions": questions,
            "answered": answered,
            "reply_form": ReplyForm(),
            "dispositions": Attempt.Disposition.choices,
            "is_staff": permissions.can_run(request.user, campaign.chapter_id),
        },
    )


@login_required
@require_POST
def reply(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Write a reply.", status=400)
    try:
        services.send_reply(actor=request.user, contact=contact, body=form.cleaned_data["body"])
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    return redirect("contact:conversation", pk=contact.pk)


@login_required
@require_POST
def answer(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    chosen = Answer.objects.filter(
        pk=request.POST.get("answer") or 0, question__campaign_id=contact.campaign_id
    ).first()
    if chosen is None:
        return HttpResponse("Choose an answer.", status=400)
    try:
        services.record_answer(actor=request.user, contact=contact, answer=chosen)
    except (ValidationError, PermissionDenied) as exc:
        _errors(request, exc)
    if request.POST.get("next_page") == "call":
        return redirect("contact:phonebank", pk=contact.campaign_id)
    return redirect("contact:conversation", pk=contact.pk)


@login_required
@require_POST
def opt_out(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    services.opt_out_contact(actor=request.user, contact=contact)
    messages.success(request, "Opted out everywhere.")
    return redirect("contact:conversation", pk=contact.pk)


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    services.close_conversation(actor=request.user, contact=contact)
    return redirect("contact:inbox", pk=contact.campaign_id)


@login_required
@require_POST
def flag(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        message = Message.objects.select_related("contact").get(
            pk=int(pk), direction=Message.Direction.IN
        )
    except (Message.DoesNotExist, ValueError):
        raise Http404("Not found.") from None
    selectors.my_contact(request.user, message.contact_id)
    services.flag_message(actor=request.user, message=message)
    return redirect("contact:conversation", pk=message.contact_id)


@login_required
@require_POST
def reassign(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.my_contact(request.user, pk)
    if not permissions.can_run(request.user, contact.campaign.chapter_id):
        raise Http404("Not found.")
    user = get_user_model().objects.filter(email__iexact=request.POST.get("email", "")).first()
    if user is None:
        return HttpResponse("No such volunteer.", status=400)
    try:
        services.reassign(actor=request.user, contact=contact, volunteer=user)
    except ValidationError as exc:
        _errors(request, exc)
    return redirect("contact:conversation", pk=contact.pk)


# --- Volunteers: calls and doors ------------------------------------------------------------


@login_required
def phonebank(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = selectors.campaign_to_work(request.user, pk)
    if campaign.channel != Campaign.Channel.PHONE:
        raise Http404("Not a phonebank.")
    contact = None
    try:
        contact = services.next_call(actor=request.user, campaign=campaign)
    except ValidationError as exc:
        _errors(request, exc)
    return render(
        request,
        "contact/phonebank.html",
        {
            "campaign": campaign,
            "contact": contact,
            "opening": services.render(campaign.opening, contact=contact, volunteer=request.user)
            if contact
            else "",
            "questions": campaign.questions.prefetch_related("answers"),
            "answered": selectors.answers_of(contact) if contact else {},
            "dispositions": Attempt.Disposition.choices,
        },
    )


@login_required
@require_POST
def record_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    """A call's or a door's disposition (phonebank: the caller's contact; canvass: any door of
    a campaign the volunteer works)."""
    try:
        contact = selectors.my_contact(request.user, pk)
    except Http404:
        contact = selectors.door_contact(request.user, pk)
    form = DispositionForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a disposition.", status=400)
    services.record_attempt(
        actor=request.user, contact=contact, disposition=form.cleaned_data["disposition"]
    )
    if contact.campaign.channel == Campaign.Channel.PHONE:
        return redirect("contact:phonebank", pk=contact.campaign_id)
    turf = request.POST.get("turf", "")
    return redirect("contact:walk-list", pk=turf) if turf.isdigit() else redirect("contact:home")


@login_required
def walk_list(request: HttpRequest, pk: int) -> HttpResponse:
    turf = selectors.turf_for(request.user, pk)
    doors = list(selectors.walk_list(turf)[:2000])
    audit.list_viewed(
        actor=request.user, campaign=turf.campaign, what="walk_list", count=len(doors)
    )
    return render(
        request,
        "contact/walk_list.html",
        {
            "turf": turf,
            "campaign": turf.campaign,
            "doors": doors,
            "questions": turf.campaign.questions.prefetch_related("answers"),
            "dispositions": Attempt.Disposition.choices,
        },
    )


@login_required
@require_POST
def door_answer(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.door_contact(request.user, pk)
    chosen = Answer.objects.filter(
        pk=request.POST.get("answer") or 0, question__campaign_id=contact.campaign_id
    ).first()
    if chosen is None:
        return HttpResponse("Choose an answer.", status=400)
    services.record_answer(actor=request.user, contact=contact, answer=chosen)
    turf = request.POST.get("turf", "")
    return redirect("contact:walk-list", pk=turf) if turf.isdigit() else redirect("contact:home")


# --- The textbank number's inbound webhook --------------------------------------------------


@csrf_exempt
@require_POST
def sms_webhook(request: HttpRequest) -> HttpResponse:
    """Twilio's inbound-message webhook for the textbank number, verified with
    X-Twilio-Signature. A STOP opts the number out of every campaign before this answers."""
    token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
    if not token:
        raise Http404("Not configured.")
    signature = request.headers.get("X-Twilio-Signature", "")
    params = {key: request.POST.get(key) for key in request.POST}
    if not RequestValidator(token).validate(request.build_absolute_uri(), params, signature):
        return HttpResponse("Bad signature.", status=403)
    services.receive_reply(
        from_number=params.get("From") or "",
        body=params.get("Body") or "",
        message_id=params.get("MessageSid") or "",
    )
    return HttpResponse("<Response/>", content_type="text/xml")
