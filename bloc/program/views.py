"""The program in public; drafting and adoption for national admins."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bloc.program import forms, permissions, selectors, services
from bloc.program.models import Plank, Stance


def _require_editor(request: HttpRequest) -> None:
    if not permissions.can_edit_program(request.user):
        raise Http404("Not found.")


def plank_list(request: HttpRequest) -> HttpResponse:
    planks = selectors.planks_visible_to(request.user).order_by("order", "key", "-version")
    return render(
        request,
        "program/plank_list.html",
        {
            "planks": planks,
            "can_edit": permissions.can_edit_program(request.user),
            "form": forms.PlankForm(),
        },
    )


def plank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plank = selectors.plank_for(request.user, pk)
    can_edit = permissions.can_edit_program(request.user)
    return render(
        request,
        "program/plank_detail.html",
        {
            "plank": plank,
            "stances": plank.stances.all(),
            "versions": Plank.objects.filter(key=plank.key).exclude(status=Plank.Status.DRAFT)
            if not can_edit
            else Plank.objects.filter(key=plank.key),
            "can_edit": can_edit,
            "problems": services.preflight(plank) if can_edit else [],
            "step_form": forms.PlankStepForm(),
            "revision_form": forms.RevisionForm(initial={"text": plank.text}),
            "stance_form": forms.PartnerStanceForm(),
        },
    )


@login_required
@require_POST
def plank_create(request: HttpRequest) -> HttpResponse:
    _require_editor(request)
    form = forms.PlankForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the plank's section, title and text.")
        return redirect("program:plank-list")
    try:
        plank = services.draft_plank(actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("program:plank-list")
    return redirect("program:plank-detail", pk=plank.pk)


@login_required
@require_POST
def plank_step(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    plank = selectors.plank_for(request.user, pk)
    form = forms.PlankStepForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["step"] == "open":
                services.open_for_comment(actor=request.user, plank=plank)
            else:
                rule = form.cleaned_data["rule"] or "Adopted by the national leadership"
                services.adopt_plank(actor=request.user, plank=plank, rule=rule)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("program:plank-detail", pk=plank.pk)


@login_required
@require_POST
def plank_revise(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    plank = selectors.plank_for(request.user, pk)
    form = forms.RevisionForm(request.POST)
    if form.is_valid():
        try:
            revision = services.revise_plank(
                actor=request.user, plank=plank, text=form.cleaned_data["text"]
            )
            return redirect("program:plank-detail", pk=revision.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("program:plank-detail", pk=plank.pk)


@login_required
@require_POST
def stance_create(request: HttpRequest, pk: int) -> HttpResponse:
    _require_editor(request)
    plank = selectors.plank_for(request.user, pk)
    form = forms.PartnerStanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Check the partner's stance.")
        return redirect("program:plank-detail", pk=plank.pk)
    data = form.cleaned_data
    try:
        services.record_stance(
            actor=request.user,
            plank=plank,
            holder_type=Stance.HolderType.PARTNER,
            holder_id=data["partner_id"],
            holder_name=data["partner_name"],
            position=data["position"],
            source=data["source"],
            source_detail=data["source_detail"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("program:plank-detail", pk=plank.pk)
