"""The two-person override of a frozen identity (national admins only; see identity.py)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bloc.accounts import selectors as roles
from bloc.democracy import identity
from bloc.democracy.models import IdentityOverride
from bloc.people import selectors as people_selectors
from bloc.people.normalize import normalize_email


def _require_admin(request: HttpRequest) -> None:
    if not roles.is_national_admin(request.user):
        raise Http404("Not found.")


@login_required
def identity_overrides(request: HttpRequest) -> HttpResponse:
    """Requests to change a person on a live voter roll, and the form to ask for one."""
    _require_admin(request)
    if request.method == "POST":
        email = normalize_email(request.POST.get("email", ""))
        found = people_selectors.find_matches(email=email) if email else []
        try:
            if len(found) != 1:
                raise ValidationError("No one has that email address.")
            identity.request_override(
                actor=request.user, person=found[0], reason=request.POST.get("reason", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "Asked. A second national admin must approve it.")
        return redirect("democracy:identity-overrides")
    overrides = list(
        IdentityOverride.objects.select_related("person", "requested_by", "decided_by")[:200]
    )
    return render(
        request,
        "democracy/identity_overrides.html",
        {"overrides": overrides, "hours": identity.OVERRIDE_HOURS},
    )


@login_required
@require_POST
def identity_override_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    override = get_object_or_404(IdentityOverride, pk=pk)
    try:
        identity.decide_override(
            actor=request.user, override=override, approve=request.POST.get("approve") == "1"
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Decided.")
    return redirect("democracy:identity-overrides")
