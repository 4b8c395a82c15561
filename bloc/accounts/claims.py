"""Claiming an account by proving an email address (docs/decisions/0007-dues-and-payments.md).

Most members never asked for an account: they were imported from the dues list. When someone
asks for a sign-in code for an address that has no account yet, the apps that know people
(`people` registers a check in its AppConfig.ready) say whether that address may have one; if
so an account with no password is made for it and allauth sends the code as for any account.
The code proves the address; only then, at sign-in, does `people` link the account to the
person whose address it is. Nobody gets an account for an address nobody knows (open sign-up is
BLOC_OPEN_SIGNUP's business), and the page says the same in every case
(ACCOUNT_PREVENT_ENUMERATION)."""

import logging
from collections.abc import Callable
from typing import Any

from allauth.account.forms import RequestLoginCodeForm
from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from bloc.accounts.models import User
from bloc.core.audit import record
from bloc.core.registry import Registry

logger = logging.getLogger(__name__)

#: `check(normalized_email) -> bool`: may this address claim an account it does not have yet?
ClaimCheck = Callable[[str], bool]
claim_checks: Registry[ClaimCheck] = Registry("account claim check")


def may_claim(email: str) -> bool:
    return any(check(email) for _name, check in claim_checks)


def account_for_claim(email: str) -> User:
    """An account for an address that may claim one: no password (sign-in is by code) and the
    address unverified until the code proves it."""
    email = User.objects.normalize_email(email).strip().lower()
    try:
        with transaction.atomic():
            user = User.objects.create_user(email=email)
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=False)
            record("accounts.claim_account_created", target=user)
    except IntegrityError:
        # Made a moment ago by another request for the same address.
        user = User.objects.get(email__iexact=email)
    return user


def ensure_address_row(user: Any, email: str) -> None:
    """An account made before allauth knew it (an import, a persona) has no EmailAddress row for
    its own address: add it, unverified, so that a sign-in code verifies it."""
    email = email.strip().lower()
    if str(user.email).lower() != email:
        return
    if not EmailAddress.objects.filter(user=user, email__iexact=email).exists():
        try:
            with transaction.atomic():
                EmailAddress.objects.create(
                    user=user,
                    email=email,
                    primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
                    verified=False,
                )
        except IntegrityError:
            pass


class ClaimingRequestLoginCodeForm(RequestLoginCodeForm):
    """allauth's "send me a sign-in code" form (ACCOUNT_FORMS["request_login_code"]), which also
    makes the account of an address that may claim one."""

    def clean_email(self) -> str:
        email = super().clean_email()  # rate limits first (request_login_code)
        if not email:
            return email
        user = getattr(self, "_user", None)
        if user is None and may_claim(email.strip().lower()):
            self._user = account_for_claim(email)
        elif user is not None:
            ensure_address_row(user, email)
        return email
