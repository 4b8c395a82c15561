"""The Django admin behind the app's own sign-in.

Django's admin has its own password form, which would skip the app's sign-in limits and its
second factor. Here the admin's login page only sends people to the app's sign-in page (a POST
to it signs nobody in), and the admin opens to technical operators (``is_staff``) whose session
passed a second factor when BLOC_STAFF_MFA_REQUIRED is on (the app's rule for staff roles,
StaffSecondFactorMiddleware, covers operators too)."""

from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def second_factor_passed(request: HttpRequest) -> bool:
    """This session's sign-in (or a later re-authentication) used a second factor."""
    records = get_authentication_records(request, request.user)  # type: ignore[arg-type]
    return any(record.get("method") == "mfa" for record in records)


class AdminSite(admin.AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        if not super().has_permission(request):
            return False
        return not settings.BLOC_STAFF_MFA_REQUIRED or second_factor_passed(request)

    def login(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        """Never a password form: the app's sign-in page, or the second factor it lacks."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not (user.is_active and user.is_staff):
            raise PermissionDenied  # signed in to the app, but not an operator
        if self.has_permission(request):
            return redirect(next_url)
        # An operator whose session has not passed a second factor: set one up (the app's
        # middleware sends them there first) or confirm the one they have.
        return redirect(f"{reverse('mfa_reauthenticate')}?{urlencode({'next': next_url})}")
