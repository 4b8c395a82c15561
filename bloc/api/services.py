"""The write path for API tokens and the API's person signup helper."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.api import audit, webhooks
from bloc.api.models import ApiToken, WebhookEvent, WebhookSubscription
from bloc.api.selectors import TOKEN_PREFIX, digest
from bloc.core import audit as core_audit
from bloc.people import selectors as people_selectors
from bloc.people import services as people_services
from bloc.people.models import Channel, ConsentEvent, Person
from bloc.people.normalize import normalize_email, normalize_phone

#: How long a new token may live, in days (the token page offers these).
EXPIRY_CHOICES = (30, 90, 365)
MAX_TOKENS_PER_USER = 20


def issue_token(*, actor: Any, name: str, days: int) -> tuple[ApiToken, str]:
    """Make a token for the actor; returns it and its secret (shown once, never stored)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in to make an API token.")
    name = name.strip()
    if not name:
        raise ValidationError({"name": "Name the token after what will use it."})
    if days not in EXPIRY_CHOICES:
        raise ValidationError({"days": "Choose how long the token works."})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        live = ApiToken.objects.usable().filter(user=actor).count()
        if live >= MAX_TOKENS_PER_USER:
            raise ValidationError(
                f"You already have {MAX_TOKENS_PER_USER} working tokens: revoke one first."
            )
        token = ApiToken.objects.create(
            user=actor,
            name=name[:100],
            prefix=secret[len(TOKEN_PREFIX) : len(TOKEN_PREFIX) + 6],
            digest=digest(secret),
            expires_at=timezone.now() + timedelta(days=days),
        )
        audit.token_issued(actor=actor, token=token)
    return token, secret


def revoke_token(*, actor: Any, token: ApiToken) -> ApiToken:
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied("Only the token's owner revokes it.")
    with transaction.atomic():
        updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if updated:
            token.refresh_from_db()
            audit.token_revoked(actor=actor, token=token)
    return token


# --- The person signup helper (OSDI) ----------------------------------------------------------


@dataclass(frozen=True)
class Signup:
    person: Person
    created: bool
    visible: bool
    asked: list[str]


def can_sign_up_people(actor: Any) -> bool:
    """Staff who add people through the web pages may do it through the API."""
    return roles.is_national_admin(actor) or bool(roles.organized_chapter_ids(actor))


def sign_up_person(
    *,
    actor: Any,
    email: str = "",
    phone: str = "",
    zip_code: str = "",
    first_name: str = "",
    last_name: str = "",
    email_status: str = "",
    phone_status: str = "",
    source: str = "",
) -> Signup:
    """Create or match a person the way the public forms do (people.match_public_submission).

    Subscribing applies to a new record; on an existing one it is never recorded here: the
    person is asked by email to confirm (people.ask_to_confirm_consent), exactly like a public
    form, so an opted-out person is never silently re-subscribed. An unsubscribe is recorded on a
    new record and on an existing one the actor may see (opting out is always safe)."""
    if not can_sign_up_people(actor):
        raise PermissionDenied("Your role cannot add people.")
    email_key = normalize_email(email)
    phone_key = normalize_phone(phone) if phone else ""
    if not email_key and not phone_key:
        raise ValidationError("A person needs an email address or a phone number.")
    source = (source.strip() or "API signup")[:120]
    wanted: dict[str, bool] = {}
    if email_key and email_status in ("subscribed", "unsubscribed"):
        wanted[Channel.EMAIL] = email_status == "subscribed"
    if phone_key and phone_status in ("subscribed", "unsubscribed"):
        wanted[Channel.SMS] = phone_status == "subscribed"
    with transaction.atomic():
        person, created = people_services.match_public_submission(
            email=email_key,
            phone=phone_key,
            zip_code=zip_code,
            first_name=first_name,
            last_name=last_name,
            source=source,
            consents={
                channel: (
                    ConsentEvent.Status.OPTED_IN if opted_in else ConsentEvent.Status.OPTED_OUT
                )
                for channel, opted_in in wanted.items()
            },
        )
        visible = people_selectors.people_visible_to(actor).filter(pk=person.pk).exists()
        asked: list[str] = []
        if not created:
            subscribe = [channel for channel, opted_in in wanted.items() if opted_in]
            if subscribe:
                asked = people_services.ask_to_confirm_consent(
                    person=person, wanted=subscribe, source=source, email=email_key
                )
            if visible:
                current = people_selectors.current_consent(person)
                for channel, opted_in in wanted.items():
                    if not opted_in and current.get(channel) != ConsentEvent.Status.OPTED_OUT:
                        people_services.set_consent(
                            actor=actor,
                            person=person,
                            channel=channel,
                            opted_in=False,
                            source=source,
                        )
        audit.signup_received(
            actor=actor, person_id=person.pk, chapter_id=person.chapter_id, created=created
        )
    return Signup(person=person, created=created, visible=visible, asked=asked)


# --- Webhook subscriptions --------------------------------------------------------------------


def _require_admin(actor: Any) -> None:
    if not roles.is_national_admin(actor):
        raise PermissionDenied("Only national admins manage webhooks.")


def create_subscription(
    *, actor: Any, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookSubscription, str]:
    """A new receiver; returns it and its signing secret (shown to the admin once)."""
    _require_admin(actor)
    allow_http = settings.BLOC_WEBHOOKS_ALLOW_HTTP
    if not (url.startswith("https://") or (allow_http and url.startswith("http://"))):
        raise ValidationError({"url": "Webhooks are sent only to https:// addresses."})
    unknown = set(event_types) - set(WebhookEvent.values)
    if unknown or not event_types:
        raise ValidationError({"event_types": "Choose at least one known event."})
    secret = webhooks.new_secret()
    with transaction.atomic():
        subscription = WebhookSubscription.objects.create(
            url=url,
            description=description[:200],
            event_types=sorted(set(event_types)),
            secret=secret,
            created_by=actor,
        )
        core_audit.record(
            "api.webhook_created",
            actor=actor,
            target=subscription,
            event_types=subscription.event_types,
        )
    return subscription, secret


def disable_subscription(*, actor: Any, subscription: WebhookSubscription) -> None:
    _require_admin(actor)
    with transaction.atomic():
        WebhookSubscription.objects.filter(pk=subscription.pk).update(
            is_active=False, disabled_at=timezone.now(), disabled_reason="Turned off by an admin."
        )
        core_audit.record("api.webhook_disabled", actor=actor, target=subscription)


def send_test_event(*, actor: Any, subscription: WebhookSubscription) -> int:
    _require_admin(actor)
    with transaction.atomic():
        return webhooks.emit(
            WebhookEvent.TEST, {"message": "A test event from Bloc."}, only=subscription
        )
