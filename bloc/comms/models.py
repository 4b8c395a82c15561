"""Audiences, broadcasts, the outbox, suppressions, inbound replies, pledge pages and signatures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bloc.core.models import TimeStampedModel
from bloc.people.models import Chapter, LadderStage, Person


class LegalEntity(TimeStampedModel):
    """Who sends: lists, messages and pages carry their entity and coordination mode (firewall)."""

    class Coordination(models.TextChoices):
        NONPARTISAN = "nonpartisan", "Organization (no candidate coordination)"
        INDEPENDENT = "independent", "Independent expenditure (must not coordinate)"
        COORDINATED = "coordinated", "Coordinated with a candidate's campaign"

    name = models.CharField(max_length=200, unique=True)
    coordination = models.CharField(
        max_length=16, choices=Coordination.choices, default=Coordination.NONPARTISAN
    )
    disclaimer = models.CharField(
        max_length=300, blank=True, help_text='Printed in every message, e.g. "Paid for by …".'
    )
    postal_address = models.CharField(max_length=300, help_text="Required in bulk email footers.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "legal entities"

    def __str__(self) -> str:
        return self.name


class MemberStatus(models.TextChoices):
    ANYONE = "anyone", "Anyone"
    MEMBERS = "members", "Members (not cancelled)"
    GOOD_STANDING = "good_standing", "Members in good standing"
    NON_MEMBERS = "non_members", "Supporters who are not members"


class SavedAudience(TimeStampedModel):
    """A saved, explainable query over people; resolved for the sender at send time."""

    name = models.CharField(max_length=200)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Only people of this chapter. Empty means everyone the sender may see.",
    )
    member_status = models.CharField(
        max_length=16, choices=MemberStatus.choices, default=MemberStatus.ANYONE
    )
    ladder_stage = models.CharField(
        max_length=20, choices=LadderStage.choices, blank=True, help_text="Reached this stage."
    )
    near_zip = models.CharField(max_length=5, blank=True)
    radius_miles = models.PositiveIntegerField(null=True, blank=True)
    registered_key = models.CharField(
        max_length=120, blank=True, help_text="An audience another app registered."
    )
    legal_entity = models.ForeignKey(
        LegalEntity, null=True, blank=True, on_delete=models.PROTECT, related_name="audiences"
    )

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(near_zip="", radius_miles__isnull=True)
                | (~Q(near_zip="") & Q(radius_miles__isnull=False)),
                name="audience_radius_needs_zip",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Broadcast(TimeStampedModel):
    class Channel(models.TextChoices):
        EMAIL = "email", "Email"
        SMS = "sms", "Text message"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        AWAITING_APPROVAL = "awaiting_approval", "Awaiting approval"
        APPROVED = "approved", "Approved, waiting for its time"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200, help_text="Internal name.")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    audience = models.ForeignKey(SavedAudience, on_delete=models.PROTECT, related_name="broadcasts")
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The sending chapter; empty means a national send (needs approval).",
    )
    from_name = models.CharField(max_length=120, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(max_length=20000)
    # A/B test: a variant B of subject and/or body goes to `test_percent` of the audience (half
    # A, half B); after `test_hours` the variant with the better `winner_metric` goes to the rest.
    subject_b = models.CharField(max_length=200, blank=True)
    body_b = models.TextField(max_length=20000, blank=True)
    test_percent = models.PositiveSmallIntegerField(default=0)
    test_hours = models.PositiveSmallIntegerField(default=4)
    winner_metric = models.CharField(
        max_length=12,
        choices=[("opened", "Open rate"), ("clicked", "Click rate")],
        default="opened",
    )
    winner = models.CharField(max_length=1, blank=True)
    winner_chosen_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    scheduled_for = models.DateTimeField(null=True, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_national(self) -> bool:
        return self.chapter_id is None

    @property
    def is_ab_test(self) -> bool:
        return bool(self.subject_b or self.body_b) and self.test_percent > 0

    def content(self, variant: str) -> tuple[str, str]:
        """(subject, body) of variant "a" or "b"; B falls back to A where it is left empty."""
        if variant == "b":
            return self.subject_b or self.subject, self.body_b or self.body
        return self.subject, self.body


class DeliveryMode(models.TextChoices):
    AT_MOST_ONCE = "at_most_once", "At most once (never twice; an unknown outcome is not retried)"
    AT_LEAST_ONCE = "at_least_once", "At least once (retried; the provider dedupes by key)"


class OutboxMessage(models.Model):
    """One message to one person. The row is the unit of claiming, retrying and accounting."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting"
        SENDING = "sending", "Handed to a worker"
        SENT = "sent", "Accepted by the provider"
        FAILED = "failed", "Failed permanently"
        UNKNOWN = "unknown", "Outcome unknown (worker lost mid-send; re-sent only by staff)"
        SKIPPED = "skipped", "Not sent (no consent, suppressed, or cancelled)"

    broadcast = models.ForeignKey(Broadcast, on_delete=models.CASCADE, related_name="outbox")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=8, choices=Broadcast.Channel.choices)
    mode = models.CharField(max_length=16, choices=DeliveryMode.choices)
    variant = models.CharField(
        max_length=1, default="a", blank=True, help_text='A/B variant; "" waits for the winner.'
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    idempotency_key = models.CharField(max_length=64, unique=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_expires_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    # Set and committed before the provider call of the current claim: after a crash, only a
    # row with it set can be of unknown outcome; the rest of the claim goes back to PENDING.
    attempted_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=200, blank=True, db_index=True)
    reason = models.CharField(max_length=40, blank=True, help_text="Why skipped or failed.")
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    clicked_at = models.DateTimeField(null=True, blank=True)
    bounced_at = models.DateTimeField(null=True, blank=True)
    complained_at = models.DateTimeField(null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["broadcast", "person"], name="one_message_per_person"),
            models.CheckConstraint(
                condition=Q(variant__in=["a", "b", ""]), name="outbox_variant_known"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "lease_expires_at"], name="outbox_leases"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.channel} {self.status}"


class Suppression(models.Model):
    """An address the provider told us never to use again (hard bounce, complaint)."""

    class Reason(models.TextChoices):
        BOUNCE = "bounce", "Hard bounce"
        COMPLAINT = "complaint", "Spam complaint"

    channel = models.CharField(max_length=8, choices=Broadcast.Channel.choices)
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=16, choices=Reason.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address"], name="one_suppression_per_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} suppressed ({self.reason})"


class InboundMessage(models.Model):
    """A text someone sent us. Keywords are acted on; the body is kept for organizers to read."""

    person = models.ForeignKey(Person, null=True, on_delete=models.SET_NULL, related_name="+")
    keyword = models.CharField(max_length=16, blank=True)
    body = models.TextField(max_length=1600)
    provider_message_id = models.CharField(max_length=64, unique=True)
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"inbound {self.keyword or 'reply'}"


class Pledge(TimeStampedModel):
    """A public pledge or petition page."""

    class Kind(models.TextChoices):
        PLEDGE = "pledge", "Pledge"
        PETITION = "petition", "Petition"

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PLEDGE)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    statement = models.TextField(max_length=5000)
    goal = models.PositiveIntegerField(default=1000)
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    next_ask_text = models.CharField(max_length=300, help_text="The thank-you page's next ask.")
    next_ask_url = models.CharField(max_length=300, help_text="Where the next ask leads.")
    is_open = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Signature(models.Model):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="signatures")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    referrer = models.CharField(
        max_length=64, blank=True, help_text="Partner attribution code from the share link."
    )
    signed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["pledge", "person"], name="one_signature_per_person")
        ]

    def __str__(self) -> str:
        return f"signature on {self.pledge_id}"
