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
            .exclude(status=Membership.Status.CANCELLED)
            .filter(
                Q(status=Membership.Status.WAIVED)
                | Q(dues_plan=DuesPlan.WAIVED)
                | Q(paid_through_on__gte=as_of - timedelta(days=grace_days))
            )
        )


class Membership(TimeStampedModel):
    """The dues relationship. One per person; its changes are in the audit log."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        WAIVED = "waived", "Dues waived"
        CANCELLED = "cancelled", "Cancelled"

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="membership")
    joined_on = models.DateField()
    dues_plan = models.CharField(max_length=16, choices=DuesPlan.choices, default=DuesPlan.MONTHLY)
    paid_through_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["person_id"]

    def __str__(self) -> str:
        return f"Membership of person #{self.person_id}"

    def is_in_good_standing(self, as_of: date | None = None, grace_days: int = 0) -> bool:
        """Good standing = joined by `as_of`, not cancelled, and dues paid through
        `as_of - grace_days` (waived members count as in good standing)."""
        as_of = as_of or timezone.localdate()
        if self.joined_on > as_of or self.status == self.Status.CANCELLED:
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
