from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from bloc.accounts import permissions, selectors, services
from bloc.accounts.forms import GrantRoleForm
from bloc.accounts.models import RoleAssignment, User


@login_required
def security(request: HttpRequest) -> HttpResponse:
    from allauth.mfa.models import Authenticator

    return render(
        request,
        "accounts/security.html",
        {
            "roles": selectors.role_assignments(request.user),
            "authenticators": Authenticator.objects.filter(user=request.user),
            "needs_mfa": selectors.has_staff_role(request.user),
        },
    )


@login_required
def role_list(request: HttpRequest) -> HttpResponse:
    if not permissions.can_manage_roles(request.user):
        raise Http404("Not found.")
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = User.objects.filter(email__iexact=form.cleaned_data["email"]).first()
        if user is None:
            form.add_error("email", "No account uses this address.")
        else:
            try:
                services.grant_role(
                    actor=request.user,
                    user=user,
                    role=form.cleaned_data["role"],
                    scope_id=form.cleaned_data["scope_id"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, "Role granted.")
                return redirect("accounts:role-list")
    assignments = (
        RoleAssignment.objects.active().select_related("user").order_by("role", "user__email")
    )
    return render(request, "accounts/role_list.html", {"form": form, "assignments": assignments})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    if not permissions.can_manage_roles(request.user):
        raise Http404("Not found.")
    assignment = RoleAssignment.objects.active().filter(pk=pk).first()
    if assignment is None:
        raise Http404("No such role.")
    services.revoke_role(actor=request.user, assignment=assignment)
    messages.success(request, "Role revoked.")
    return redirect("accounts:role-list")
