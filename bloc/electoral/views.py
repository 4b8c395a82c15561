"""Thin views: a form validates, a selector fetches the scoped object, a service acts."""

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bloc.accounts import selectors as roles
from bloc.electoral import forms, permissions, selectors, services
from bloc.electoral.models import Candidacy, Endorsement, Questionnaire, Stage
from bloc.people.models import Chapter

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def _require(allowed: bool) -> None:
    if not allowed:
        raise Http404("Not found.")


def _chapters(user: Any) -> QuerySet[Chapter]:
    if roles.is_national_admin(user):
        return Chapter.objects.all()
    return Chapter.objects.filter(pk__in=roles.organized_chapter_ids(user))


# Public ---------------------------------------------------------------------------------------


def slate_index(request: HttpRequest) -> HttpResponse:
    cycles = selectors.slate_cycles()
    if cycles:
        return redirect("electoral:slate", cycle=cycles[0])
    return render(request, "electoral/slate.html", {"cycle": None, "entries": [], "cycles": []})


def slate(request: HttpRequest, cycle: int) -> HttpResponse:
    return render(
        request,
        "electoral/slate.html",
        {"cycle": cycle, "entries": selectors.slate(cycle), "cycles": selectors.slate_cycles()},
    )


def questionnaire_answer(request: HttpRequest, token: str) -> HttpResponse:
    """The candidate's private link: no account, the signed token is the credential."""
    response = services.response_for_token(token)
    if response is None:
        raise Http404("This link is not valid.")
    questions = list(response.questionnaire.questions.all())
    form = forms.AnswerForm(request.POST or None, questions=questions)
    if response.submitted_at is None and request.method == "POST" and form.is_valid():
        try:
            services.submit_answers(response=response, answers=form.answers())
        except ValidationError as exc:
            for message in exc.messages:
                form.add_error(None, message)
        else:
            return redirect("electoral:questionnaire-answer", token=token)
    return render(
        request,
        "electoral/questionnaire_answer.html",
        {"response": response, "form": form, "candidacy": response.candidacy},
    )


# The pipeline ---------------------------------------------------------------------------------


@login_required
def endorsement_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_electoral_staff(request.user))
    endorsements = selectors.endorsements_visible_to(request.user).order_by("stage", "-created_at")
    return render(
        request,
        "electoral/endorsement_list.html",
        {
            "endorsements": endorsements[:200],
            "counts": selectors.pipeline_counts(request.user),
            "deadlines": selectors.deadlines_at_risk(request.user),
            "can_intake": bool(_chapters(request.user).exists()),
        },
    )


@login_required
def endorsement_create(request: HttpRequest) -> HttpResponse:
    chapters = _chapters(request.user)
    _require(chapters.exists())
    form = forms.IntakeForm(request.POST or None, chapters=chapters)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            endorsement = services.open_intake(
                actor=request.user,
                candidacy=data["candidacy"],
                chapter=data["chapter"],
                method=data["method"],
                note=data["note"],
            )
        except ValidationError as exc:
            form.add_error(None, " ".join(exc.messages))
        else:
            return redirect("electoral:endorsement-detail", pk=endorsement.pk)
    return render(request, "electoral/endorsement_form.html", {"form": form})


@login_required
def endorsement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = selectors.endorsement_for(request.user, pk)
    user = request.user
    response = selectors.latest_response(endorsement)
    can_prepare = permissions.can_prepare(user, endorsement)
    link = ""
    if response is not None and response.submitted_at is None and can_prepare:
        link = request.build_absolute_uri(
            reverse("electoral:questionnaire-answer", args=[services.token_for(response)])
        )
    return render(
        request,
        "electoral/endorsement_detail.html",
        {
            "e": endorsement,
            "steps": endorsement.steps.select_related("decided_by"),
            "problems": services.preflight(endorsement),
            "next_stage": services.next_stage(endorsement),
            "stages": services.stages_for(endorsement.policy),
            "alignment": selectors.alignment_of(endorsement),
            "response": response,
            "answers": response.answers.select_related("question") if response else [],
            "link": link,
            "can_manage": permissions.can_manage(user, endorsement),
            "can_advance": permissions.can_advance(user, endorsement),
            "can_prepare": can_prepare,
            "can_see_dossier": permissions.can_see_dossier(user, endorsement),
            "can_see_assessments": permissions.can_see_assessments(user, endorsement),
            "on_committee": permissions.is_on_committee(user, endorsement.committee_id),
            "is_admin": roles.is_national_admin(user),
            "assessments": endorsement.assessments.select_related("author"),
            "conditions": endorsement.conditions.all(),
            "questionnaires": Questionnaire.objects.all(),
            "forms": {
                "dossier": forms.DossierForm(
                    initial={f: getattr(endorsement, f) for f in services.DOSSIER_FIELDS}
                ),
                "recommend": forms.RecommendForm(),
                "assess": forms.AssessmentForm(),
                "vote": forms.CommitteeVoteForm(),
                "committee": forms.AssignCommitteeForm(),
                "ratify": forms.RatifyForm(),
                "condition": forms.ConditionForm(),
                "coordination": forms.CoordinationForm(),
            },
            "deadlines": endorsement.candidacy.race.deadlines(),
            "candidacy_statuses": Candidacy.Status.choices,
            "today": timezone.localdate(),
        },
    )


def _refuse() -> Any:
    raise PermissionDenied("You may not change this candidacy.")


def _act(
    form_class: type[django_forms.Form], run: Callable[[Any, Endorsement, dict[str, Any]], Any]
) -> tuple[type[django_forms.Form], Callable[[Any, Endorsement, dict[str, Any]], Any]]:
    return form_class, run


ACTIONS: dict[str, tuple[type[django_forms.Form], Callable[..., Any]]] = {
    "advance": _act(
        forms.NoteForm,
        lambda u, e, d: services.advance_endorsement(actor=u, endorsement=e, note=d["note"]),
    ),
    "send_questionnaire": _act(
        forms.SendQuestionnaireForm,
        lambda u, e, d: services.send_questionnaire(
            actor=u, endorsement=e, questionnaire=d["questionnaire"]
        ),
    ),
    "dossier": _act(
        forms.DossierForm,
        lambda u, e, d: services.update_dossier(
            actor=u, endorsement=e, **{k: v for k, v in d.items() if v not in (None, "")}
        ),
    ),
    "recommend": _act(
        forms.RecommendForm,
        lambda u, e, d: services.recommend(
            actor=u, endorsement=e, recommendation=d["recommendation"]
        ),
    ),
    "assign_committee": _act(
        forms.AssignCommitteeForm,
        lambda u, e, d: services.assign_committee(actor=u, endorsement=e, committee=d["committee"]),
    ),
    "assess": _act(
        forms.AssessmentForm,
        lambda u, e, d: services.write_assessment(actor=u, endorsement=e, **d),
    ),
    "committee_vote": _act(
        forms.CommitteeVoteForm,
        lambda u, e, d: services.record_committee_vote(actor=u, endorsement=e, **d),
    ),
    "put_to_vote": _act(
        forms.NoteForm, lambda u, e, d: services.put_to_vote(actor=u, endorsement=e)
    ),
    "ratify": _act(
        forms.RatifyForm,
        lambda u, e, d: services.ratify_endorsement(
            actor=u, endorsement=e, approve=d["approve"], note=d["note"]
        ),
    ),
    "decline": _act(
        forms.ReasonForm,
        lambda u, e, d: services.decline_endorsement(actor=u, endorsement=e, reason=d["reason"]),
    ),
    "apply_national": _act(
        forms.NoteForm,
        lambda u, e, d: services.apply_for_national(actor=u, chapter_endorsement=e, note=d["note"]),
    ),
    "condition": _act(
        forms.ConditionForm,
        lambda u, e, d: services.attach_condition(actor=u, endorsement=e, **d),
    ),
    "candidacy": _act(
        forms.CandidacyStatusForm,
        lambda u, e, d: services.move_candidacy(
            actor=u if permissions.can_prepare(u, e) else _refuse(), candidacy=e.candidacy, **d
        ),
    ),
    "review_condition": _act(
        forms.ConditionReviewForm,
        lambda u, e, d: services.review_condition(
            actor=u,
            condition=get_object_or_404(e.conditions, pk=d["condition"]),
            status=d["status"],
        ),
    ),
    "suspend": _act(
        forms.ReasonForm,
        lambda u, e, d: services.suspend_endorsement(actor=u, endorsement=e, reason=d["reason"]),
    ),
    "reinstate": _act(
        forms.NoteForm,
        lambda u, e, d: services.reinstate_endorsement(actor=u, endorsement=e, note=d["note"]),
    ),
    "request_rescission": _act(
        forms.ReasonForm,
        lambda u, e, d: services.request_rescission(actor=u, endorsement=e, reason=d["reason"]),
    ),
    "rescind": _act(
        forms.NoteForm,
        lambda u, e, d: services.rescind_endorsement(actor=u, endorsement=e, note=d["note"]),
    ),
    "rescission_vote": _act(
        forms.NoteForm, lambda u, e, d: services.put_rescission_to_vote(actor=u, endorsement=e)
    ),
    "coordination": _act(
        forms.CoordinationForm,
        lambda u, e, d: services.set_coordination_mode(actor=u, endorsement=e, **d),
    ),
}


@login_required
@require_POST
def endorsement_act(request: HttpRequest, pk: int) -> HttpResponse:
    endorsement = selectors.endorsement_for(request.user, pk)
    action = ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, "Unknown action.")
        return redirect("electoral:endorsement-detail", pk=endorsement.pk)
    form_class, run = action
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(
            request,
            "Check the form: "
            + "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items()),
        )
        return redirect("electoral:endorsement-detail", pk=endorsement.pk)
    try:
        result = run(request.user, endorsement, form.cleaned_data)
    except PermissionDenied:
        raise Http404("Not found.") from None
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("electoral:endorsement-detail", pk=endorsement.pk)
    if isinstance(result, Endorsement) and result.pk != endorsement.pk:
        return redirect("electoral:endorsement-detail", pk=result.pk)
    messages.success(request, "Done.")
    return redirect("electoral:endorsement-detail", pk=endorsement.pk)


# Committees -----------------------------------------------------------------------------------


@login_required
def committee_detail(request: HttpRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_for(request.user, pk)
    own = (
        selectors.tendencies_visible_to(request.user, committee)
        .filter(user_id=int(request.user.pk or 0))
        .first()
    )
    return render(
        request,
        "electoral/committee_detail.html",
        {
            "committee": committee,
            "seats": committee.seats.select_related("holder"),
            "tendencies": selectors.tendencies_visible_to(request.user, committee),
            "endorsements": selectors.endorsements_visible_to(request.user).filter(
                committee=committee
            ),
            "form": forms.TendencyForm(initial={"tendency": own.tendency if own else ""}),
        },
    )


@login_required
@require_POST
def tendency_declare(request: HttpRequest, pk: int) -> HttpResponse:
    committee = selectors.committee_for(request.user, pk)
    form = forms.TendencyForm(request.POST)
    if form.is_valid():
        services.declare_tendency(
            actor=request.user, committee=committee, tendency=form.cleaned_data["tendency"]
        )
    return redirect("electoral:committee-detail", pk=committee.pk)


# Races and the FEC import ---------------------------------------------------------------------


@login_required
def race_list(request: HttpRequest) -> HttpResponse:
    _require(permissions.is_electoral_staff(request.user))
    return render(
        request,
        "electoral/race_list.html",
        {"races": selectors.races_for(request.user)[:300], "today": timezone.localdate()},
    )


@login_required
def fec_import(request: HttpRequest) -> HttpResponse:
    _require(permissions.can_import(request.user))
    form = forms.FecImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", "The file is larger than 20 MB.")
        else:
            try:
                text = upload.read().decode("utf-8-sig")
                result = services.import_fec_candidates(
                    actor=request.user,
                    file_name=upload.name,
                    text=text,
                    cycle=form.cleaned_data["cycle"],
                )
            except UnicodeDecodeError:
                form.add_error("file", "The file is not UTF-8 text.")
            except ValidationError as exc:
                form.add_error("file", " ".join(exc.messages))
    return render(
        request, "electoral/fec_import.html", {"form": form, "result": result, "Stage": Stage}
    )


def report_card(request: HttpRequest, candidacy_pk: int) -> HttpResponse:
    return render(request, "electoral/report_card.html", selectors.report_card(candidacy_pk))
