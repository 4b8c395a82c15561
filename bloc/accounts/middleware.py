"""Session idle timeout and the second-factor requirement for staff roles."""

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from bloc.accounts import selectors

_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/health/")


class SessionTimeoutMiddleware:
    """Log out after BLOC_SESSION_IDLE_SECONDS without a request (the cookie age is absolute)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get("bloc_last_seen")
            idle = settings.BLOC_SESSION_IDLE_SECONDS
            if last_seen is not None and now - int(last_seen) > idle:
                logout(request)
                messages.info(request, "You were signed out after a period of inactivity.")
                return redirect(settings.LOGIN_URL)
            # Write at most once a minute to keep sessions cheap.
            if last_seen is None or now - int(last_seen) > 60:
                request.session["bloc_last_seen"] = now
        return self.get_response(request)


class StaffSecondFactorMiddleware:
    """Anyone holding a staff role, and any technical operator (Django admin access), must set
    up a second factor before using the app or the admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            settings.BLOC_STAFF_MFA_REQUIRED
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and (user.is_staff or user.is_superuser or selectors.has_staff_role(user))
        ):
            from allauth.mfa.models import Authenticator

            if not Authenticator.objects.filter(user=user).exists():
                messages.warning(
                    request,
                    "Your role gives you access to other people's data, so your account needs a "
                    "second factor. Set up an authenticator app to continue.",
                )
                return redirect("mfa_activate_totp")
        return self.get_response(request)
