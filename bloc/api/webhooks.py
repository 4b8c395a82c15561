"""Outbound webhooks, signed per Standard Webhooks (webhook-id, webhook-timestamp,
webhook-signature: ``v1,`` + base64 HMAC-SHA256 of ``id.timestamp.body`` with the secret).

Delivery is at-least-once through an outbox: `emit` writes a `WebhookDelivery` row per
subscription in the transaction of the change it reports, and queues the delivery task with that
transaction (core.task_outbox). A try first takes a short lease on the row (so two workers never
send it at once); a worker killed mid-delivery leaves the row pending and the lease expires, and
the `api.retry-webhooks` periodic job queues due rows again. Every try carries the same id.
A 2xx answer delivers; 410 Gone disables the subscription; anything else is retried with
exponential backoff and jitter until BLOC_WEBHOOK_MAX_ATTEMPTS."""

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from bloc.api.models import WebhookDelivery, WebhookSubscription
from bloc.core.tasks import backoff_delay

logger = logging.getLogger(__name__)

#: How long one try may hold a delivery before another worker may take it.
LEASE = timedelta(seconds=60)
TIMEOUT_SECONDS = 10


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The webhook-signature header value for one message."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    content = f"{msg_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, content, hashlib.sha256).digest()).decode()


def verify(secret: str, headers: dict[str, str], body: bytes, *, tolerance: int = 300) -> bool:
    """What a receiver does (also used by the tests): signature and timestamp check."""
    msg_id, stamp = headers["webhook-id"], int(headers["webhook-timestamp"])
    if abs(time.time() - stamp) > tolerance:
        return False
    expected = sign(secret, msg_id, stamp, body).split(",", 1)[1]
    given = [s.split(",", 1)[1] for s in headers["webhook-signature"].split() if "," in s]
    return any(hmac.compare_digest(expected, g) for g in given)


def emit(
    event_type: str,
    data: dict[str, Any] | Callable[[], dict[str, Any]],
    *,
    only: WebhookSubscription | None = None,
) -> int:
    """Record the event for every active subscription to its type (or for `only`), in the
    current transaction; each is sent after the commit. `data` may be a function, called only
    when someone subscribes. Returns how many deliveries were queued."""
    from bloc.api import tasks
    from bloc.core import task_outbox

    if only is not None:
        subscriptions = [only] if only.is_active else []
    else:
        subscriptions = [
            s
            for s in WebhookSubscription.objects.filter(is_active=True)
            if event_type in s.event_types
        ]
    if not subscriptions:
        return 0
    if callable(data):
        data = data()
    now = timezone.now()
    rows = []
    for subscription in subscriptions:
        event_id = f"msg_{uuid.uuid4().hex}"
        rows.append(
            WebhookDelivery(
                subscription=subscription,
                event_id=event_id,
                event_type=event_type,
                payload={"type": event_type, "timestamp": now.isoformat(), "data": data},
                next_attempt_at=now,
            )
        )
    with transaction.atomic():
        created = WebhookDelivery.objects.bulk_create(rows)
        task_outbox.enqueue(tasks.deliver_webhooks, [row.pk for row in created])
    return len(created)


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the lease on a due, pending delivery, or None (delivered, or another worker has it)."""
    now = timezone.now()
    taken = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.PENDING, next_attempt_at__lte=now
    ).update(next_attempt_at=now + LEASE)
    if not taken:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver(delivery_id: int) -> str:
    """One try of one delivery. Safe to call twice: a delivered row is not sent again."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    if not subscription.is_active:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.FAILED, last_error="subscription disabled"
        )
        return "disabled"
    body = json.dumps(delivery.payload, cls=DjangoJSONEncoder, separators=(",", ":")).encode()
    stamp = int(time.time())
    headers = {
        "content-type": "application/json",
        "user-agent": "Bloc-Webhooks/1",
        "webhook-id": delivery.event_id,
        "webhook-timestamp": str(stamp),
        "webhook-signature": sign(subscription.secret, delivery.event_id, stamp, body),
    }
    attempts = delivery.attempts + 1
    code: int | None = None
    error = ""
    try:
        code = _post(subscription.url, body, headers)
    except (OSError, ValueError) as exc:  # refused, reset, timed out, bad address
        error = type(exc).__name__
    now = timezone.now()
    if code is not None and 200 <= code < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            attempts=attempts,
            delivered_at=now,
            last_status_code=code,
            last_error="",
        )
        return "delivered"
    if code == 410:
        with transaction.atomic():
            WebhookSubscription.objects.filter(pk=subscription.pk).update(
                is_active=False, disabled_at=now, disabled_reason="The receiver answered 410 Gone."
            )
            WebhookDelivery.objects.filter(
                subscription=subscription, status=WebhookDelivery.Status.PENDING
            ).update(status=WebhookDelivery.Status.FAILED, last_error="subscription disabled")
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                attempts=attempts, last_status_code=code
            )
        return "gone"
    give_up = attempts >= settings.BLOC_WEBHOOK_MAX_ATTEMPTS
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=WebhookDelivery.Status.FAILED if give_up else WebhookDelivery.Status.PENDING,
        attempts=attempts,
        next_attempt_at=now + backoff_delay(attempts - 1),
        last_status_code=code,
        last_error=error or f"HTTP {code}",
    )
    logger.info("webhook delivery #%s try %s failed (%s)", delivery.pk, attempts, error or code)
    return "failed" if give_up else "retry"


def due_delivery_ids(limit: int = 500) -> list[int]:
    return list(
        WebhookDelivery.objects.filter(
            Q(status=WebhookDelivery.Status.PENDING) & Q(next_attempt_at__lte=timezone.now())
        )
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def retry_due() -> int:
    """The periodic job: queue every pending delivery whose time has come (retries, and rows
    whose worker died mid-delivery once their lease ran out)."""
    from bloc.api import tasks

    ids = due_delivery_ids()
    for start in range(0, len(ids), 50):
        tasks.deliver_webhooks.enqueue(ids[start : start + 50])
    return len(ids)
