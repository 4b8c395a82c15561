"""Partner organizations, relationships and their history, interactions, contracts, F-7 notices,
commitments."""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from bloc.coalition import deadlines
from bloc.core.models import TimeStampedModel


class Tag(models.Model):
    name = models.CharField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Partner(TimeStampedModel):
    """An organization the coalition works with. A local belongs to its international."""

    class Kind(models.TextChoices):
        INTERNATIONAL_UNION = "international_union", "International union"
        UNION_LOCAL = "union_local", "Union local"
        CENTRAL_LABOR_COUNCIL = "central_labor_council", "Central labor council"
        FEDERATION = "federation", "Federation"
        COMMUNITY = "community", "Mass or community organization"
        LEFT_PARTY = "left_party", "Left party"
        COALITION = "coalition", "Coalition"
        ELECTED_OFFICE = "elected_office", "Elected office"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text="For a local, its international; for an affiliate, its federation.",
    )
    size = models.PositiveIntegerField(null=True, blank=True, help_text="Members represented.")
    naics_code = models.CharField(
        "NAICS sector", max_length=6, blank=True, help_text="2 to 6 digits, e.g. 3361 or 622."
    )
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True, help_text="Two-letter state code.")
    zip_code = models.CharField(max_length=5, blank=True)
    website = models.URLField(blank=True)
    description = models.TextField(blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="partners")

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="coalition_partner_name_unique"),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")), name="coalition_partner_not_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PartnerContact(models.Model):
    """A person in our database who is an officer or contact of a partner."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="partner_contacts"
    )
    role = models.CharField(max_length=80, help_text="E.g. President, Political director.")
    is_officer = models.BooleanField(default=False)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_officer", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "person", "role"], name="coalition_contact_once_per_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role} of {self.partner}"


class Stage(models.TextChoices):
    IDENTIFIED = "identified", "Identified"
    RESEARCHED = "researched", "Researched"
    FIRST_CONTACT = "first_contact", "First contact"
    MEETING_HELD = "meeting_held", "Meeting held"
    ENGAGED = "engaged", "Engaged"
    COMMITTED = "committed", "Committed"
    FORMAL_PARTNER = "formal_partner", "Formal partner"
    DECLINED = "declined", "Declined"
    DORMANT = "dormant", "Dormant"


PIPELINE = [
    Stage.IDENTIFIED,
    Stage.RESEARCHED,
    Stage.FIRST_CONTACT,
    Stage.MEETING_HELD,
    Stage.ENGAGED,
    Stage.COMMITTED,
    Stage.FORMAL_PARTNER,
]
EXITS = [Stage.DECLINED, Stage.DORMANT]


class Relationship(TimeStampedModel):
    """Our organization's relationship with one partner, and who in it owns that relationship."""

    partner = models.OneToOneField(Partner, on_delete=models.CASCADE, related_name="relationship")
    owner_chapter = models.ForeignKey(
        "people.Chapter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_relationships",
    )
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partner_relationships",
        help_text="The person who carries the relationship day to day.",
    )
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDENTIFIED)
    stage_changed_at = models.DateTimeField()

    class Meta:
        ordering = ["partner__name"]
        indexes = [models.Index(fields=["stage"]), models.Index(fields=["owner_chapter"])]

    def __str__(self) -> str:
        return f"Relationship with {self.partner}"

    @property
    def next_stage(self) -> str | None:
        if self.stage in EXITS or self.stage == Stage.FORMAL_PARTNER:
            return None
        return PIPELINE[PIPELINE.index(Stage(self.stage)) + 1]


class StageChange(models.Model):
    """Append-only history: one row each time a relationship changes stage."""

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_stage or '—'} → {self.to_stage}"


class Interaction(models.Model):
    class Channel(models.TextChoices):
        MEETING = "meeting", "Meeting"
        CALL = "call", "Phone or video call"
        EMAIL = "email", "Email"
        EVENT = "event", "At an event"
        OTHER = "other", "Other"

    relationship = models.ForeignKey(
        Relationship, on_delete=models.CASCADE, related_name="interactions"
    )
    occurred_on = models.DateField()
    channel = models.CharField(max_length=16, choices=Channel.choices)
    participants = models.ManyToManyField(
        "people.Person", blank=True, related_name="partner_interactions"
    )
    summary = models.TextField()
    asks = models.TextField(blank=True, help_text="What we asked of them, and they of us.")
    next_step = models.CharField(max_length=200, blank=True)
    next_step_due_on = models.DateField(null=True, blank=True)
    next_step_done_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_step_due_on__isnull=True) | ~Q(next_step=""),
                name="coalition_due_date_needs_next_step",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} on {self.occurred_on}"


class Regime(models.TextChoices):
    NLRA = deadlines.NLRA, "NLRA"
    NLRA_HEALTH_CARE = deadlines.NLRA_HEALTH_CARE, "NLRA, health care institution"
    RLA = deadlines.RLA, "Railway Labor Act"
    PUBLIC_SECTOR = deadlines.PUBLIC_SECTOR, "Public sector (state law)"


class Contract(TimeStampedModel):
    class Bargaining(models.TextChoices):
        IN_FORCE = "in_force", "In force"
        PREPARING = "preparing", "Preparing to bargain"
        NOTICE_SERVED = "notice_served", "Notice served"
        BARGAINING = "bargaining", "Bargaining"
        TENTATIVE = "tentative", "Tentative agreement"
        RATIFIED = "ratified", "Ratified"
        STRIKE = "strike", "On strike"
        LOCKOUT = "lockout", "Locked out"
        EXPIRED = "expired", "Expired, working without a contract"

    class Alignment(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ASKED = "asked", "Asked to align"
        CONSIDERING = "considering", "Considering"
        DEMANDED = "demanded", "Alignment demanded at the table"
        WON = "won", "Aligned expiration won"
        DECLINED = "declined", "Declined"

    union_local = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="contracts")
    employer = models.CharField(max_length=200)
    unit_name = models.CharField(max_length=200)
    unit_size = models.PositiveIntegerField(help_text="Workers covered.")
    naics_code = models.CharField("NAICS sector", max_length=6, blank=True)
    regime = models.CharField(max_length=20, choices=Regime.choices, default=Regime.NLRA)
    effective_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    time_zone = models.CharField(
        max_length=64, default="America/New_York", help_text="IANA name, e.g. America/Detroit."
    )
    is_aligned = models.BooleanField(
        default=False, editable=False, help_text="Derived: expires 2028-04-30/05-01 locally."
    )
    bargaining_state = models.CharField(
        max_length=16, choices=Bargaining.choices, default=Bargaining.IN_FORCE
    )
    alignment_stage = models.CharField(
        max_length=16, choices=Alignment.choices, default=Alignment.NOT_STARTED
    )

    class Meta:
        ordering = ["expires_at", "id"]
        indexes = [models.Index(fields=["expires_at"]), models.Index(fields=["is_aligned"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_at__isnull=True) | Q(effective_at__lt=models.F("expires_at")),
                name="coalition_contract_effective_before_expiry",
            )
        ]

    def __str__(self) -> str:
        return f"{self.union_local} — {self.employer} ({self.unit_name})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.is_aligned = deadlines.is_aligned(expires_at=self.expires_at, time_zone=self.time_zone)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "is_aligned"}
        super().save(*args, **kwargs)

    def deadlines(self) -> list[deadlines.Deadline]:
        return deadlines.notice_deadlines(
            regime=self.regime, expires_at=self.expires_at, time_zone=self.time_zone
        )

    @property
    def local_expires_at(self) -> datetime:
        return self.expires_at.astimezone(deadlines.zone(self.time_zone))


class F7Import(models.Model):
    """One uploaded FMCS F-7 spreadsheet and its per-row report."""

    file_name = models.CharField(max_length=200)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    errors = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=list, help_text="One entry per data row.")

    class Meta:
        ordering = ["-imported_at", "-id"]

    def __str__(self) -> str:
        return f"F-7 import {self.file_name}"


class F7Notice(models.Model):
    """A notice of bargaining filed with the FMCS. A repeat of the same notice is not stored."""

    source = models.ForeignKey(F7Import, on_delete=models.PROTECT, related_name="notices")
    dedupe_key = models.CharField(max_length=64, unique=True)
    notice_on = models.DateField()
    employer = models.CharField(max_length=200)
    employer_city = models.CharField(max_length=100, blank=True)
    employer_state = models.CharField(max_length=2, blank=True)
    union_name = models.CharField(max_length=200)
    union_local = models.CharField(max_length=60, blank=True)
    naics_code = models.CharField(max_length=6, blank=True)
    unit_size = models.PositiveIntegerField(null=True, blank=True)
    expires_on = models.DateField()
    is_health_care = models.BooleanField(default=False)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="f7_notices"
    )

    class Meta:
        ordering = ["expires_on", "employer"]

    def __str__(self) -> str:
        return f"{self.union_name} {self.union_local} — {self.employer}".strip()


class Commitment(TimeStampedModel):
    """Something a partner, a person or a chapter promised, tracked through to fulfilment."""

    class Kind(models.TextChoices):
        JOIN = "join", "Join the coalition"
        ENDORSE = "endorse", "Endorse a candidate"
        CO_HOST = "co_host", "Co-host an event"
        TURNOUT = "turnout", "Turnout target"
        ALIGN_CONTRACT = "align_contract", "Align a contract expiration"
        ADOPT_PLANK = "adopt_plank", "Adopt a program plank"

    class State(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ASKED = "asked", "Asked"
        VERBAL = "verbal", "Verbal"
        FORMALIZED = "formalized", "Formalized"
        FULFILLED = "fulfilled", "Fulfilled"
        PARTIALLY_FULFILLED = "partially_fulfilled", "Partially fulfilled"
        BROKEN = "broken", "Broken"
        WITHDRAWN = "withdrawn", "Withdrawn"

    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.CASCADE, related_name="commitments"
    )
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    chapter = models.ForeignKey(
        "people.Chapter", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.CharField(max_length=300)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROPOSED)
    evidence_url = models.URLField(blank=True, help_text="A resolution, letter or public post.")
    target = models.PositiveIntegerField(null=True, blank=True, help_text="E.g. turnout target.")
    fulfilled_count = models.PositiveIntegerField(null=True, blank=True)
    proposed_at = models.DateTimeField()
    asked_at = models.DateTimeField(null=True, blank=True)
    verbal_at = models.DateTimeField(null=True, blank=True)
    formalized_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="When it was fulfilled, broken or withdrawn."
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(partner__isnull=False, person__isnull=True, chapter__isnull=True)
                    | Q(partner__isnull=True, person__isnull=False, chapter__isnull=True)
                    | Q(partner__isnull=True, person__isnull=True, chapter__isnull=False)
                ),
                name="coalition_commitment_has_one_maker",
            )
        ]

    def __str__(self) -> str:
        return self.description

    @property
    def maker(self) -> Any:
        return self.partner or self.person or self.chapter


class Statement(TimeStampedModel):
    """A coalition statement, or the program, that organizations sign on to."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    text = models.TextField()
    is_open = models.BooleanField(default=True, help_text="Accepting new signatures.")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


NATIONAL_KINDS = {"international_union", "federation", "left_party", "coalition"}


class SignOn(models.Model):
    """An organization's signature, given by a named officer whose authority an organizer
    confirms. A withdrawn signature stays in the table as history."""

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="sign_ons")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="sign_ons")
    signer = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    signer_title = models.CharField(max_length=80)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    signed_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["partner__name", "-signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "partner"],
                condition=Q(withdrawn_at__isnull=True),
                name="coalition_one_live_signature_per_statement",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} on {self.statement}"

    @property
    def tier(self) -> str:
        return "national" if self.partner.kind in NATIONAL_KINDS else "local"


class DataSharingAgreement(models.Model):
    """What a partner may receive about the people it brought us, for which uses, until when.

    The data kinds are keys of the `shared_data` registry; the apps that own the data register
    them. An agreement is active from `starts_on` through `ends_on` (inclusive) unless revoked."""

    class Use(models.TextChoices):
        TURNOUT_FOLLOW_UP = "turnout_follow_up", "Turnout follow-up"
        JOINT_REPORTING = "joint_reporting", "Joint campaign reporting"
        EVENT_COORDINATION = "event_coordination", "Coordinating a co-hosted event"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="data_agreements")
    kinds = models.JSONField(default=list, help_text="Shared data kinds, e.g. events.rsvps.")
    uses = models.JSONField(default=list, help_text="Permitted uses.")
    use_note = models.TextField(blank=True, help_text="Limits or details of the permitted uses.")
    starts_on = models.DateField()
    ends_on = models.DateField()
    signed_by_contact = models.ForeignKey(
        PartnerContact,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partner's officer who signed.",
    )
    signed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The partner's liaison who signed, when no officer is on record.",
    )
    signer_title = models.CharField(
        max_length=120, help_text="Who signed, as recorded when signing (kept if they leave)."
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        indexes = [models.Index(fields=["partner", "starts_on", "ends_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="coalition_agreement_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="coalition_agreement_revocation_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(signed_by_contact__isnull=True) | Q(signed_by_user__isnull=True),
                name="coalition_agreement_one_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"Data-sharing agreement with {self.partner} ({self.starts_on} to {self.ends_on})"

    def is_active_on(self, day: date) -> bool:
        return self.revoked_at is None and self.starts_on <= day <= self.ends_on

    @property
    def use_labels(self) -> list[str]:
        labels = dict(self.Use.choices)
        return [str(labels.get(u, u)) for u in self.uses]
