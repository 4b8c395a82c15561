"""API tokens: a user's key for the REST API (bloc.api.api), stored as a digest only."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> "ApiTokenQuerySet":
        """Not revoked and not expired now."""
        return self.filter(revoked_at__isnull=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )


class ApiToken(models.Model):
    """A named key acting as its user, with that user's roles and scopes at each request (a
    revoked role is gone from the token at once). The secret is shown once, when it is made;
    only its SHA-256 digest is kept (a random 256-bit secret needs no slow hash)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text="What it is for, e.g. 'Action Network sync'.")
    prefix = models.CharField(max_length=12, help_text="The secret's first characters, to tell it.")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > timezone.now()


class WebhookEvent(models.TextChoices):
    PERSON_CREATED = "person.created", "A person was added"
    PERSON_UPDATED = "person.updated", "A person's details changed"
    RSVP_CREATED = "rsvp.created", "Someone RSVPed to an event"
    ATTENDANCE_UPDATED = "attendance.updated", "An RSVP changed (cancelled, checked in)"
    MEMBERSHIP_CHANGED = "membership.changed", "A membership's status, dues or standing changed"
    TEST = "test", "A test event (the send-test button)"


class WebhookSubscription(models.Model):
    """A receiver of signed events (Standard Webhooks). Payloads are thin: identifiers and API
    links, no personal values; the receiver reads details through the API with its own token."""

    url = models.URLField(max_length=500)
    description = models.CharField(max_length=200, blank=True)
    event_types: models.JSONField[list[str]] = models.JSONField(default=list)
    secret = models.CharField(max_length=80, help_text="whsec_… (base64), to sign every event.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    is_active = models.BooleanField(default=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    disabled_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one subscription: an outbox row written in the transaction that caused the
    event, tried until the receiver answers 2xx. Every try sends the same `event_id`
    (webhook-id), so a receiver drops repeats."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Gave up"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_id = models.CharField(max_length=40, unique=True)
    event_type = models.CharField(max_length=40)
    payload: models.JSONField[dict[str, object]] = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id} ({self.status})"
