"""Bloc's allauth adapter: closed sign-up, one client address, and sign-in limits a stranger
cannot use to lock a member out.

Failed passwords are limited (ACCOUNT_RATE_LIMITS):

- ``login_failed`` per client address and per (account, client address): one address guessing
  is slowed, and its guesses count against nobody else's address;
- ``login_failed_account`` per account, for browsers that have never signed in to the account:
  many addresses guessing one account are slowed too. A browser the account signed in from
  before carries a signed "known browser" cookie and is exempt, and a one-time code to the
  member's own email (ACCOUNT_LOGIN_BY_CODE_ENABLED) signs in from anywhere.
"""

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

from bloc.core.ratelimit import client_ip

KNOWN_BROWSER_COOKIE = "bloc_known_browser"
_SALT = "bloc.accounts.known-browser"
_KNOWN_BROWSER_MAX_AGE = 365 * 24 * 3600
_KNOWN_BROWSER_MAX_ACCOUNTS = 10


def _login_digest(login: str) -> str:
    """A keyed hash of a sign-in address: the cookie never holds the address itself."""
    return salted_hmac(_SALT, login.strip().lower()).hexdigest()[:32]


def _known_digests(request: HttpRequest) -> list[str]:
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE)
    if not value:
        return []
    try:
        digests = signing.loads(value, salt=_SALT, max_age=_KNOWN_BROWSER_MAX_AGE)
    except signing.BadSignature:
        return []
    return [d for d in digests if isinstance(d, str)] if isinstance(digests, list) else []


class AccountAdapter(DefaultAccountAdapter):
    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "too_many_login_attempts": (
            "Too many failed login attempts. Try again later, or sign in with a code sent to "
            "your email."
        ),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        """Accounts come from membership; open sign-up is an explicit policy choice."""
        return bool(getattr(settings, "BLOC_OPEN_SIGNUP", False))

    def get_client_ip(self, request: HttpRequest) -> str:
        """The address Bloc's own per-client limits count (bloc.core.ratelimit)."""
        return client_ip(request)

    # --- Failed-password limits ---------------------------------------------------------------

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth's per-account key for ``login_failed``, narrowed to (account, client
        address): a stranger's failures elsewhere never fill the member's own count."""
        account = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{account}:{client_ip(request)}"

    def _account_key(self, request: HttpRequest, credentials: dict[str, Any]) -> str | None:
        login = str(credentials.get("email") or credentials.get("username") or "")
        if not login or _login_digest(login) in _known_digests(request):
            return None  # a browser this account signed in from: not counted, not stopped
        return super()._get_login_attempts_cache_key(request, **credentials)

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        super().pre_authenticate(request, **credentials)
        key = self._account_key(request, credentials)
        if key and not ratelimit.consume(
            request, action="login_failed_account", key=key, dry_run=True
        ):
            raise self.validation_error("too_many_login_attempts")

    def authentication_failed(self, request: HttpRequest, **credentials: Any) -> None:
        super().authentication_failed(request, **credentials)
        key = self._account_key(request, credentials)
        if key:
            ratelimit.consume(request, action="login_failed_account", key=key)

    def post_login(self, request: HttpRequest, user: Any, **kwargs: Any) -> HttpResponse:
        """Remember this browser for the account's addresses (see the module docstring)."""
        response = super().post_login(request, user, **kwargs)
        addresses = set(EmailAddress.objects.filter(user=user).values_list("email", flat=True))
        if user.email:
            addresses.add(user.email)
        mine = [_login_digest(address) for address in sorted(addresses)]
        others = [d for d in _known_digests(request) if d not in mine]
        digests = (mine + others)[: max(_KNOWN_BROWSER_MAX_ACCOUNTS, len(mine))]
        response.set_cookie(
            KNOWN_BROWSER_COOKIE,
            signing.dumps(digests, salt=_SALT, compress=True),
            max_age=_KNOWN_BROWSER_MAX_AGE,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return response
