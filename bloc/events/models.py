"""Days of action, events, timeslots, RSVPs, host links, conflict flags and volunteer follow-ups."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from bloc.core.models import TimeStampedModel


class EventType(models.TextChoices):
    CANVASS = "canvass", "Canvass"
    PHONE_BANK = "phone_bank", "Phone bank"
    TEXT_BANK = "text_bank", "Text bank"
    MEETING = "meeting", "Meeting"
    COMMUNITY = "community", "Community event"
    FUNDRAISER = "fundraiser", "Fundraiser"
    HOUSE_PARTY = "house_party", "House party"
    VOTER_REGISTRATION = "voter_registration", "Voter registration"
    TRAINING = "training", "Training"
    RALLY = "rally", "Rally"
    MARCH = "march", "March"
    PICKET = "picket", "Picket"
    STRIKE_SUPPORT = "strike_support", "Strike support"


def new_link_token() -> str:
    """The random part of a private event's address: 128 bits, URL-safe, never guessable."""
    return secrets.token_urlsafe(16)


class DayOfAction(TimeStampedModel):
    """Many distributed events on one or a few days, under shared demands and a toolkit."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    starts_on = models.DateField()
    ends_on = models.DateField()
    description = models.TextField(blank=True, max_length=5000)
    demands = models.TextField(blank=True, max_length=5000, help_text="One demand per line.")
    toolkit_url = models.URLField(blank=True)
    partners = models.ManyToManyField(
        "coalition.Partner", blank=True, related_name="days_of_action"
    )
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="events_day_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def demand_list(self) -> list[str]:
        return [line.strip() for line in self.demands.splitlines() if line.strip()]


class Event(TimeStampedModel):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", "Waiting for the host to confirm their email"
        PENDING = "pending", "Waiting for moderation"
        CHANGES_REQUESTED = "changes_requested", "Changes requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"
        CANCELLED = "cancelled", "Cancelled"

    class Visibility(models.TextChoices):
        PUBLIC = "public", "Public: on the map and in search"
        PRIVATE = "private", "Private: only people with the link"

    class LegalEntity(models.TextChoices):
        C4 = "c4", "501(c)(4) organization"
        C3 = "c3", "501(c)(3) organization (nonpartisan)"
        PAC = "pac", "Political committee"
        UNION = "union", "Labor organization"

    class Coordination(models.TextChoices):
        DISTRIBUTED = "distributed", "Distributed: volunteer-hosted with the national toolkit"
        COORDINATED = "coordinated", "Coordinated with staff"
        INDEPENDENT = "independent", "Independent: no coordination allowed"

    day = models.ForeignKey(
        DayOfAction, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=40, unique=True)
    # A private event's address (the slug, made from the title, is guessable): see url_key.
    link_token = models.CharField(
        max_length=43, unique=True, default=new_link_token, editable=False
    )
    description = models.TextField(blank=True, max_length=5000)
    event_type = models.CharField(max_length=24, choices=EventType.choices)
    visibility = models.CharField(
        max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    timezone = models.CharField(max_length=64, help_text="IANA name, e.g. America/Chicago.")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    is_virtual = models.BooleanField(default=False)
    virtual_url = models.URLField(blank=True)
    venue_name = models.CharField(max_length=200, blank=True)
    address_line1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True, db_index=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    is_location_precise = models.BooleanField(
        default=False, help_text="False when the point is the ZIP code's centroid."
    )
    chapter = models.ForeignKey(
        "people.Chapter", null=True, blank=True, on_delete=models.SET_NULL, related_name="events"
    )
    host_partner = models.ForeignKey(
        "coalition.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    co_hosts = models.ManyToManyField(
        "coalition.Partner", blank=True, related_name="co_hosted_events"
    )
    legal_entity = models.CharField(max_length=8, choices=LegalEntity.choices, default="c4")
    coordination = models.CharField(
        max_length=12, choices=Coordination.choices, default=Coordination.DISTRIBUTED
    )
    host_name = models.CharField(max_length=200, blank=True)
    host_email = models.EmailField(blank=True)
    host_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="hosted_events",
    )
    verify_token_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    changes_requested_at = models.DateTimeField(null=True, blank=True)
    rejected_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderation_note = models.TextField(blank=True, max_length=2000)
    attendance_reported = models.PositiveIntegerField(null=True, blank=True)
    doors_knocked = models.PositiveIntegerField(null=True, blank=True)
    calls_made = models.PositiveIntegerField(null=True, blank=True)
    pledges = models.PositiveIntegerField(null=True, blank=True)
    signups = models.PositiveIntegerField(null=True, blank=True)
    outcomes_recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["day", "status"]),
            models.Index(fields=["latitude", "longitude"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_event_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def url_key(self) -> str:
        """What the event's public addresses carry (page, RSVP, iCal): the slug of a public
        event, the random link token of a private one (its slug answers 404)."""
        return self.link_token if self.visibility == self.Visibility.PRIVATE else self.slug

    @property
    def is_open_for_rsvp(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def place(self) -> str:
        if self.is_virtual:
            return "Online"
        return ", ".join(part for part in (self.city, self.state) if part)


class Timeslot(models.Model):
    """A shift: its own time, an optional role and a capacity (None: no limit)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="timeslots")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    role = models.CharField(max_length=100, blank=True, help_text="Marshal, canvasser, greeter…")
    capacity = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_slot_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role or 'Shift'} {self.starts_at:%Y-%m-%d %H:%M}"


class RSVP(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", "Confirmed"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELLED = "cancelled", "Cancelled"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    timeslot = models.ForeignKey(Timeslot, on_delete=models.CASCADE, related_name="rsvps")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=12, choices=Status.choices)
    guests = models.PositiveSmallIntegerField(default=0)
    referring_partner = models.ForeignKey(
        "coalition.Partner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="referred_rsvps",
        help_text="Whose link brought this RSVP (partner attribution).",
    )
    cancel_token_hash = models.CharField(max_length=64, unique=True)
    check_in_code = models.CharField(
        max_length=8, blank=True, help_text="Short code in the confirmation, for quick check-in."
    )
    is_walk_in = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    day_before_sent_at = models.DateTimeField(null=True, blank=True)
    hour_before_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["timeslot", "person"], name="events_one_rsvp_per_slot"),
            models.CheckConstraint(condition=Q(guests__lte=10), name="events_rsvp_guests_max"),
        ]
        indexes = [
            models.Index(fields=["event", "status"]),
            models.Index(fields=["event", "check_in_code"]),
        ]

    def __str__(self) -> str:
        return f"RSVP #{self.pk} ({self.status})"

    @property
    def seats(self) -> int:
        return 1 + self.guests


class RSVPIntake(models.Model):
    """A public RSVP as it arrived, before it is matched to a person (decision 0706).

    The public form writes one row and answers at once; a background drain turns pending rows
    into people and RSVPs in arrival order, with the same dedupe, consent and waitlist rules as
    any RSVP. Once a row is processed its personal fields are blanked: the row keeps only the
    outcome that the visitor's status link shows."""

    class State(models.TextChoices):
        PENDING = "pending", "Being recorded"
        RECORDED = "recorded", "Recorded"
        REFUSED = "refused", "Not recorded"

    timeslot = models.ForeignKey(Timeslot, on_delete=models.CASCADE, related_name="+")
    email = models.CharField(max_length=254, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    zip_code = models.CharField(max_length=10, blank=True)
    guests = models.PositiveSmallIntegerField(default=0)
    email_opt_in = models.BooleanField(default=False)
    sms_opt_in = models.BooleanField(default=False)
    referring_partner = models.ForeignKey(
        "coalition.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.CharField(
        max_length=64, blank=True, help_text="Until processed: becomes the RSVP's cancel token."
    )
    token_hash = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    refusal = models.CharField(max_length=200, blank=True)
    rsvp = models.ForeignKey(
        "events.RSVP", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(
                fields=["id"], condition=Q(state="pending"), name="events_rsvpintake_pending"
            ),
            models.Index(fields=["processed_at"], name="events_rsvpintake_processed"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(guests__lte=10), name="events_intake_guests_max"),
        ]

    def __str__(self) -> str:
        return f"RSVP intake #{self.pk} ({self.state})"


class HostLink(models.Model):
    """A private, revocable link to an event's host tools. Only the hash is stored."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="host_links")
    token_hash = models.CharField(max_length=64, unique=True)
    label = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Host link #{self.pk} for event {self.event_id}"


class ConflictFlag(models.Model):
    """A submitted event closer than the configured distance and time to an approved one."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="conflict_flags")
    other = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="+")
    distance_miles = models.FloatField()
    hours_apart = models.FloatField(help_text="Gap between the two events; 0 when they overlap.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["distance_miles"]
        constraints = [
            models.UniqueConstraint(fields=["event", "other"], name="events_one_flag_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.event_id} near {self.other_id}"


class TrustedHost(models.Model):
    """Hosts whose submissions skip the moderation queue."""

    email = models.EmailField(unique=True)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Trusted host #{self.pk}"


class FollowUp(models.Model):
    """The volunteer → member hand-off: a chapter's task to meet a new volunteer one-on-one."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"

    class Outcome(models.TextChoices):
        JOINED = "joined", "Joined"
        WILL_VOLUNTEER = "will_volunteer", "Will volunteer again"
        NOT_NOW = "not_now", "Not now"
        UNREACHABLE = "unreachable", "Could not reach"

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    chapter = models.ForeignKey("people.Chapter", on_delete=models.CASCADE, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="follow_ups")
    due_on = models.DateField()
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.OPEN)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], name="events_one_follow_up_per_person")
        ]

    def __str__(self) -> str:
        return f"Follow-up #{self.pk} ({self.status})"
