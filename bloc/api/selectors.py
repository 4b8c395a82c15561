"""Reads of API tokens. A token is found by the digest of its secret, never by the secret."""

import hashlib
from datetime import timedelta
from typing import Any

from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from bloc.api.models import ApiToken

#: A token's "last used" is written at most this often (not on every request).
LAST_USED_EVERY = timedelta(minutes=1)
TOKEN_PREFIX = "bloc_"


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def tokens_of(actor: Any) -> list[ApiToken]:
    if not getattr(actor, "is_authenticated", False):
        return []
    return list(ApiToken.objects.filter(user=actor))


def token_for(actor: Any, pk: Any) -> ApiToken:
    """One of the actor's own tokens; anyone else's is a 404."""
    if not getattr(actor, "is_authenticated", False):
        raise Http404("No such token.")
    try:
        return ApiToken.objects.get(pk=int(pk), user=actor)
    except (ApiToken.DoesNotExist, ValueError, TypeError):
        raise Http404("No such token.") from None


def authenticate(secret: str) -> ApiToken | None:
    """The usable token with this secret (its user active), or None. Marks it used."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = (
        ApiToken.objects.usable()
        .select_related("user")
        .filter(digest=digest(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).filter(
            Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - LAST_USED_EVERY)
        ).update(last_used_at=now)
        token.last_used_at = now
    return token


def subscriptions_for(actor: Any) -> list[Any]:
    from bloc.accounts.selectors import is_national_admin
    from bloc.api.models import WebhookSubscription

    if not is_national_admin(actor):
        raise Http404("Not found.")
    return list(WebhookSubscription.objects.all())


def subscription_for(actor: Any, pk: Any) -> Any:
    for subscription in subscriptions_for(actor):
        if str(subscription.pk) == str(pk):
            return subscription
    raise Http404("No such webhook.")


def delivery_log(subscription: Any, limit: int = 50) -> list[Any]:
    return list(subscription.deliveries.order_by("-created_at", "-id")[:limit])
