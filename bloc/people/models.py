"""People, memberships, chapters, consent, the engagement ladder, and their histories."""

import uuid
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bloc.core.models import TimeStampedModel


class Chapter(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ORGANIZING = "organizing", "Organizing committee"
        INACTIVE = "inactive", "Inactive"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code.")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ChapterZip(models.Model):
    """A chapter's jurisdiction: each ZIP belongs to at most one chapter."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="zips")
    zip_code = models.CharField(max_length=5, unique=True)

    class Meta:
        ordering = ["zip_code"]

    def __str__(self) -> str:
        return self.zip_code


class PersonQuerySet(models.QuerySet["Person"]):
    def live(self) -> "PersonQuerySet":
        """People who have not been merged into someone else."""
        return self.filter(merged_into__isnull=True)


class Person(TimeStampedModel):
    """Anyone in the database: supporter, member, volunteer, candidate, all at once."""

    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    pronouns = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True, help_text="Primary email address.")
    phone = models.CharField(max_length=20, blank=True, help_text="Primary phone, E.164.")
    address_line1 = models.CharField(max_length=200, blank=True)
    address_line2 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True, db_index=True)
    languages = models.CharField(
        max_length=120, blank=True, help_text="Comma-separated language codes, e.g. en, es."
    )
    source = models.CharField(max_length=120, blank=True, help_text="Where this record came from.")
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="people",
        help_text="Empty means at-large.",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    # The stable public identifier (the API's `bloc:<uuid>`); database ids stay internal.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["chapter", "last_name"])]

    def __str__(self) -> str:
        return self.full_name or f"Person #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class PersonEmail(models.Model):
    """Every address a person uses; `normalized` is unique among live people (dedupe key)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="emails")
    address = models.EmailField()
    normalized = models.CharField(max_length=254, unique=True)
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "address"]

    def __str__(self) -> str:
        return self.address


class PersonPhone(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = models.CharField(max_length=20, unique=True, help_text="E.164, e.g. +12125550100.")
    is_primary = models.BooleanField(default=False)

    class Meta:
        ordering = ["-is_primary", "number"]

    def __str__(self) -> str:
        return self.number


class DuesPlan(models.TextChoices):
    MONTHLY = "monthly", "Standard monthly"
    LOW_INCOME = "low_income", "Low-income"
    INCOME_BASED = "income_based", "Income-based (1–2% of income)"
    ANNUAL = "annual", "Annual"
    WAIVED = "waived", "Waived"


class MembershipQuerySet(models.QuerySet["Membership"]):
    def in_good_standing(self, as_of: date, grace_days: int) -> "MembershipQuerySet":
        """The same rule as Membership.is_in_good_standing, as one query (for voter rolls)."""
        return (
            self.filter(joined_on__lte=as_of)
            .exclude(status__in=Membership.NOT_MEMBERS)
            .filter(
                Q(status=Membership.Status.WAIVED)
                | Q(dues_plan=DuesPlan.WAIVED)
                | Q(paid_through_on__gte=as_of - timedelta(days=grace_days))
            )
        )


class Membership(TimeStampedModel):
    """The dues relationship. One per person; its changes are in the audit log."""

    class Status(models.TextChoices):
        PENDING = "pending", "Applied (waiting for dues or a decision)"
        ACTIVE = "active", "Active"
        WAIVED = "waived", "Dues waived"
        CANCELLED = "cancelled", "Cancelled"

    #: Statuses that are not (or not yet) membership: never in good standing, never counted.
    NOT_MEMBERS = (Status.PENDING, Status.CANCELLED)

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="membership")
    joined_on = models.DateField()
    dues_plan = models.CharField(max_length=16, choices=DuesPlan.choices, default=DuesPlan.MONTHLY)
    paid_through_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    waiver_requested = models.BooleanField(
        default=False, help_text="Asked for a hardship waiver when joining; staff decide."
    )
    # Dues from a payment processor (docs/decisions/0007-dues-and-payments.md): once a processor
    # has reported for this member, paid_through_on is recomputed from the stored payments,
    # starting from what it was before (an import or a staff entry), kept here.
    dues_from_processor = models.BooleanField(default=False)
    paid_through_before_processor = models.DateField(null=True, blank=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person_id"]

    def __str__(self) -> str:
        return f"Membership of person #{self.person_id}"

    def is_in_good_standing(self, as_of: date | None = None, grace_days: int = 0) -> bool:
        """Good standing = joined by `as_of`, not cancelled, and dues paid through
        `as_of - grace_days` (waived members count as in good standing)."""
        as_of = as_of or timezone.localdate()
        if self.joined_on > as_of or self.status in self.NOT_MEMBERS:
            return False
        if self.status == self.Status.WAIVED or self.dues_plan == DuesPlan.WAIVED:
            return True
        if self.paid_through_on is None:
            return False
        return self.paid_through_on >= as_of - timedelta(days=grace_days)


class ChapterAssignment(models.Model):
    """History of which chapter a person belonged to, and why it changed."""

    class Reason(models.TextChoices):
        ZIP = "zip", "Assigned by ZIP code"
        REQUEST = "request", "Moved at the member's request"
        ADMIN = "admin", "Changed by an admin"
        MERGE = "merge", "Merged record"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="chapter_history")
    from_chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(max_length=16, choices=Reason.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_chapter_id} → {self.to_chapter_id} ({self.reason})"


class TransferRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="transfer_requests")
    to_chapter = models.ForeignKey(Chapter, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="one_pending_transfer"
            )
        ]

    def __str__(self) -> str:
        return f"Transfer of #{self.person_id} to {self.to_chapter_id} ({self.status})"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message"
    PHONE = "phone", "Phone call"


class ConsentEvent(models.Model):
    """The consent ledger: append a row per change; the latest row per channel is in force."""

    class Status(models.TextChoices):
        OPTED_IN = "opted_in", "Opted in"
        OPTED_OUT = "opted_out", "Opted out"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consent_events")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    status = models.CharField(max_length=12, choices=Status.choices)
    source = models.CharField(max_length=120, help_text="Form, import, STOP reply, unsubscribe…")
    recorded_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-recorded_at", "-id"]
        indexes = [models.Index(fields=["person", "channel", "-recorded_at"])]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class LadderStage(models.TextChoices):
    CONTACTED = "contacted", "Contacted"
    PLEDGED = "pledged", "Pledged"
    VOLUNTEERED = "volunteered", "Volunteered once"
    REPEAT_VOLUNTEER = "repeat_volunteer", "Repeat volunteer"
    JOINED = "joined", "Joined"
    ACTIVE_MEMBER = "active_member", "Active member"
    LEADER = "leader", "Leader"


LADDER_ORDER = {stage: index for index, stage in enumerate(LadderStage.values)}


class LadderEvent(models.Model):
    """One step on the engagement ladder, with what caused it (a typed reference)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ladder_events")
    stage = models.CharField(max_length=20, choices=LadderStage.choices)
    occurred_at = models.DateTimeField(default=timezone.now)
    chapter = models.ForeignKey(
        Chapter, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    attribution_type = models.CharField(
        max_length=40, blank=True, help_text="event, shift, broadcast, person, import…"
    )
    attribution_id = models.CharField(max_length=64, blank=True)
    attribution_label = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["stage", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.stage} at {self.occurred_at:%Y-%m-%d}"


class MergeRecord(models.Model):
    """Two records became one: the merged record stays as a tombstone pointing at the survivor."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_received")
    merged = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_given")
    merged_at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moved: models.JSONField[Any] = models.JSONField(
        default=dict, help_text="Counts of rows moved to the survivor, by kind."
    )

    class Meta:
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"#{self.merged_id} → #{self.survivor_id}"


class ImportJob(models.Model):
    """A CSV import run in the background, with its progress and report.

    The uploaded file holds personal data: it is deleted as soon as the import ends."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Checking rows"
        DONE = "done", "Done"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="imports/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    mapping: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    source = models.CharField(max_length=120, default="import")
    is_dry_run = models.BooleanField(default=True)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    report: models.JSONField[Any] = models.JSONField(null=True, blank=True)
    message = models.TextField(blank=True)
    # Written every few seconds while a worker runs the job: a RUNNING job whose heartbeat is
    # older than BLOC_STALE_JOB_SECONDS was left by a dead worker (people.tasks).
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Import #{self.pk} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        return min(99, int(100 * self.rows_checked / self.rows_total)) if self.rows_total else 0


class IdentityReview(models.Model):
    """Something a public form could not decide alone, left for an organizer: e.g. a new email
    address typed with a phone number that belongs to someone else. Never a silent attach."""

    class Reason(models.TextChoices):
        SHARED_PHONE = "shared_phone", "A new record gave a phone number another record has"
        CONFLICT = "conflict", "The email and the phone belong to two different records"

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=16, choices=Reason.choices)
    source = models.CharField(max_length=120, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Review #{self.person_id} / #{self.other_id} ({self.reason})"


class Payment(models.Model):
    """One event from a payment processor, stored once (processor + its event id are unique).

    Dues are never typed in: `paid_through_on` is recomputed from these rows
    (bloc.people.payments.services). No card data is ever stored; the payer's email is kept as
    the processor sent it, because who an event belongs to is decided again from the stored
    events whenever a tied event arrives."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"
        CANCELLATION = "cancellation", "Recurring dues stopped"
        CHECKOUT = "checkout", "Checkout (a subscription started; dues come with its invoices)"

    processor = models.CharField(max_length=20)
    processor_event_id = models.CharField(max_length=255)
    event_type = models.CharField(max_length=80, help_text="The processor's own event type.")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="payments"
    )
    occurred_at = models.DateTimeField(help_text="When the processor says it happened.")
    received_at = models.DateTimeField(default=timezone.now)
    amount_cents = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True)
    dues_plan = models.CharField(max_length=16, choices=DuesPlan.choices, blank=True)
    # The period paid for: given by the processor (a subscription invoice's period), or a
    # length in months that the recompute places after what was already paid.
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    period_months = models.PositiveSmallIntegerField(default=0)
    # Computed from all stored rows by the recompute (the same whatever order events came in).
    covered_from = models.DateField(null=True, blank=True)
    covered_through = models.DateField(null=True, blank=True)
    refunded = models.BooleanField(default=False, help_text="A payment taken back by a refund.")
    refunds_all = models.BooleanField(
        default=False, help_text="A refund of the whole payment it refers to."
    )
    # References that tie a processor's events together (no card data): the person reference
    # given at checkout, the processor's customer, subscription and payment ids.
    person_ref = models.CharField(max_length=64, blank=True)
    customer_ref = models.CharField(max_length=255, blank=True, db_index=True)
    subscription_ref = models.CharField(max_length=255, blank=True)
    payment_ref = models.CharField(max_length=255, blank=True, db_index=True)
    charge_ref = models.CharField(max_length=255, blank=True, db_index=True)
    payer_email = models.CharField(max_length=254, blank=True)

    class Meta:
        ordering = ["occurred_at", "processor", "processor_event_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "processor_event_id"], name="one_payment_per_processor_event"
            )
        ]
        indexes = [models.Index(fields=["person", "occurred_at"])]

    def __str__(self) -> str:
        return f"{self.processor} {self.kind} {self.processor_event_id}"


class SignInLinkUse(models.Model):
    """A one-click sign-in link that was used: each link signs in once (its digest, never the
    link itself)."""

    digest = models.CharField(max_length=64, unique=True)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-used_at"]

    def __str__(self) -> str:
        return f"sign-in link of #{self.person_id}"


# Saved lists live in their own module (bloc/people/lists/); imported here so Django finds them.
from bloc.people.lists.models import SavedList, SavedListEntry  # noqa: E402, F401
