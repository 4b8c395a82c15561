"""Accounts claimed without staff (docs/decisions/0007-dues-and-payments.md).

A login is linked to a person in exactly two ways, both proofs of the person's own address:

- at sign-in, to the one person whose recorded address is among the account's *verified*
  addresses (a sign-in code, a confirmation link or a sign-in link verified it);
- by a one-click sign-in link mailed to the person's recorded address (an invitation).

Never by a typed name, never by an unverified address, and never over another login: a person
already linked to a login keeps it, and a login already linked to a person keeps that one.
Who may claim: a person with a membership that is not cancelled (pending applicants too), or,
where BLOC_SUPPORTER_ACCOUNTS allows it, any supporter (RSVPs, pledges)."""

import hashlib
import logging
import secrets
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from bloc.accounts import selectors as roles
from bloc.accounts.models import User
from bloc.core.audit import record
from bloc.people import selectors
from bloc.people.models import Membership, Person, SignInLinkUse
from bloc.people.normalize import normalize_email

logger = logging.getLogger(__name__)
LINK_SALT = "bloc.people.sign-in-link"


def _eligible(person: Person) -> bool:
    if person.merged_into_id is not None:
        return False
    membership = Membership.objects.filter(person=person).first()
    if membership is not None and membership.status != Membership.Status.CANCELLED:
        return True
    return bool(getattr(settings, "BLOC_SUPPORTER_ACCOUNTS", False))


def may_claim_email(email: str) -> bool:
    """The claim check registered with accounts: a live, eligible person has this address and
    no login yet."""
    key = normalize_email(email)
    if not key:
        return False
    return any(p.user_id is None and _eligible(p) for p in selectors.find_matches(email=key))


def link_on_sign_in(user: Any) -> Person | None:
    """After any sign-in: link an unlinked login to the one eligible, unlinked person whose
    recorded address the login has verified. Anything ambiguous links nobody."""
    if not getattr(user, "pk", None) or Person.objects.filter(user=user).exists():
        return None
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    found: dict[int, Person] = {}
    for address in verified:
        for person in selectors.find_matches(email=normalize_email(address)):
            found[person.pk] = person
    candidates = [p for p in found.values() if _eligible(p)]
    if len(candidates) != 1:
        if len(candidates) > 1:
            logger.warning(
                "sign-in matched %d people; none linked (user %s)", len(candidates), user.pk
            )
        return None
    return _link(user, candidates[0], via="verified email")


def _link(user: Any, person: Person, *, via: str) -> Person | None:
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.user_id is not None or person.merged_into_id is not None:
            return None  # never re-linked: the person keeps the login they have
        if Person.objects.filter(user=user).exists():
            return None
        person.user = user
        person.save(update_fields=["user", "updated_at"])
        record(
            "people.account_linked",
            actor=user,
            target=person,
            chapter_id=person.chapter_id,
            user_id=user.pk,
            via=via,
        )
    return person


# --- One-click sign-in links (invitations) ------------------------------------------------------


def _address_digest(person: Person) -> str:
    return hashlib.sha256(f"{person.pk}:{person.email}".encode()).hexdigest()[:16]


def link_max_age() -> int:
    return int(getattr(settings, "BLOC_SIGN_IN_LINK_DAYS", 14)) * 24 * 3600


def sign_in_token(person: Person) -> str:
    """A signed, expiring, single-use token for this person at their current address."""
    return signing.TimestampSigner(salt=LINK_SALT).sign_object(
        {"p": person.pk, "a": _address_digest(person), "n": secrets.token_urlsafe(9)},
        compress=True,
    )


def sign_in_url(person: Person) -> str:
    path = reverse("people:sign-in-link", args=[sign_in_token(person)])
    return settings.SITE_URL.rstrip("/") + path


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class LinkRefused(ValidationError):
    pass


def person_for_token(token: str) -> Person:
    """The person a valid, unused link is for; LinkRefused otherwise (one message for all)."""
    refused = LinkRefused("This sign-in link has expired or was already used.")
    try:
        data = signing.TimestampSigner(salt=LINK_SALT).unsign_object(token, max_age=link_max_age())
    except (signing.BadSignature, ValueError):
        raise refused from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise refused
    if SignInLinkUse.objects.filter(digest=_digest(token)).exists():
        raise refused
    person = Person.objects.filter(pk=data["p"], merged_into__isnull=True).first()
    # The link went to the address the person had then: a changed address voids it.
    if person is None or not person.email or data.get("a") != _address_digest(person):
        raise refused
    return person


def _account_for(person: Person) -> User:
    if person.user_id is not None:
        user = User.objects.get(pk=person.user_id)
        if not user.is_active:
            raise LinkRefused("This account is closed.")
        if roles.has_staff_role(user) or user.is_staff:
            # Staff sign in with their second factor, never by a mailed link.
            raise LinkRefused("This account signs in on the sign-in page.")
        return user
    if not _eligible(person):
        raise LinkRefused("This sign-in link has expired or was already used.")
    existing = User.objects.filter(email__iexact=person.email).first()
    if existing is None:
        return User.objects.create_user(email=person.email)
    user = existing
    if Person.objects.filter(user=user).exists():
        # The address's login is another person's: never linked over it.
        raise LinkRefused("This sign-in link has expired or was already used.")
    elif roles.has_staff_role(user) or user.is_staff or not user.is_active:
        raise LinkRefused("This account signs in on the sign-in page.")
    return user


def use_sign_in_link(token: str) -> tuple[Any, Person]:
    """Spend the link once: returns the login to sign in (linked to the person, its address
    verified: the link was mailed to it)."""
    with transaction.atomic():
        person = person_for_token(token)
        person = Person.objects.select_for_update().get(pk=person.pk)
        try:
            with transaction.atomic():
                SignInLinkUse.objects.create(digest=_digest(token), person=person)
        except IntegrityError:
            raise LinkRefused("This sign-in link has expired or was already used.") from None
        user = _account_for(person)
        address = EmailAddress.objects.filter(user=user, email__iexact=person.email).first()
        if address is None:
            EmailAddress.objects.create(
                user=user,
                email=person.email,
                verified=True,
                primary=not EmailAddress.objects.filter(user=user, primary=True).exists(),
            )
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        if person.user_id is None:
            _link(user, person, via="sign-in link")
        record("people.sign_in_link_used", actor=user, target=person, chapter_id=person.chapter_id)
    return user, person
