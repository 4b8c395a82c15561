from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bloc.core import ratelimit
from bloc.people import permissions
from bloc.people.joining import forms, services
from bloc.people.models import Chapter


def join(request: HttpRequest) -> HttpResponse:
    """The public membership form: no sign-in needed."""
    if ratelimit.over_limit(request, group="people.join", setting="BLOC_RATE_JOIN"):
        return ratelimit.too_many(request)
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            _membership, token = services.apply_for_membership(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                phone=data["phone"],
                zip_code=data["zip_code"],
                dues=data["dues"],
                email_opt_in=data["email_opt_in"],
                sms_opt_in=data["sms_opt_in"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("people:join-thanks", token=token)
    status = 400 if request.method == "POST" else 200
    return render(request, "people/joining/join.html", {"form": form}, status=status)


def join_thanks(request: HttpRequest, token: str) -> HttpResponse:
    """What happens next. Built from the form's answers only (never from a stored record, so it
    reads the same whether the address was known or not)."""
    try:
        data = services.read_thanks_token(token)
    except ValidationError:
        raise Http404("This page has expired.") from None
    chapter_id = data.get("c")
    chapter = Chapter.objects.filter(pk=chapter_id).first() if isinstance(chapter_id, int) else None
    hardship = bool(data.get("h"))
    links = [] if hardship else services.pay_links(person_id=data["p"], dues_plan=data["d"])
    return render(
        request,
        "people/joining/thanks.html",
        {"chapter": chapter, "hardship": hardship, "pay_links": links},
    )


@login_required
def application_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_list_people(request.user):
        raise Http404("Not found.")
    applications = list(services.applications_for(request.user)[:500])
    return render(
        request,
        "people/joining/application_list.html",
        {"applications": applications, "form": forms.ApplicationDecisionForm()},
    )


@login_required
@require_POST
def application_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_list_people(request.user):
        raise Http404("Not found.")
    membership = services.applications_for(request.user).filter(pk=pk).first()
    if membership is None:
        raise Http404("No such application.")
    form = forms.ApplicationDecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_application(
                actor=request.user, membership=membership, decision=form.cleaned_data["decision"]
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, "Decision recorded.")
    else:
        messages.error(request, "Choose a decision.")
    return redirect("people:application-list")
