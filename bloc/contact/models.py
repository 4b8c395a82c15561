"""Voter-contact campaigns, their scripts, contact lists, assignments, messages and results.

A campaign contacts people on one channel (texts, calls or doors). Its contacts come from an
audience of people or from a voter file; voter-file rows (`Voter`) are kept apart from people: a
voter becomes a person only when they say they support us (an answer that `makes_supporter`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bloc.comms.models import LegalEntity
from bloc.core.models import TimeStampedModel
from bloc.people.models import Chapter, LadderStage, Person


class Campaign(TimeStampedModel):
    class Channel(models.TextChoices):
        TEXT = "text", "Peer-to-peer texts"
        PHONE = "phone", "Phonebank"
        DOOR = "door", "Canvass"

    class Subject(models.TextChoices):
        """What the campaign is for: a typed reference, because electoral and events are
        siblings of this app in the layers (a plain id, like a ballot's subject)."""

        CHAPTER = "chapter", "Chapter drive"
        ENDORSEMENT = "electoral.endorsement", "Endorsement / race"
        DAY_OF_ACTION = "events.day", "Day of action"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    subject_type = models.CharField(max_length=40, choices=Subject.choices)
    subject_id = models.CharField(max_length=64, blank=True)
    subject_label = models.CharField(max_length=200, blank=True)
    chapter = models.ForeignKey(
        Chapter,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The chapter running it; empty for a national campaign.",
    )
    legal_entity = models.ForeignKey(LegalEntity, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    opening = models.TextField(
        max_length=480,
        help_text="The initial text or the opening line of a call or a door. Merge fields: "
        "{first_name}, {last_name}, {volunteer_name}, {campaign}.",
    )
    batch_size = models.PositiveSmallIntegerField(default=50)
    batch_minutes = models.PositiveSmallIntegerField(
        default=60, help_text="Unsent contacts of a batch go back to the pool after this."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(batch_size__gte=1, batch_size__lte=500), name="contact_batch_size"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Question(models.Model):
    """A survey question of the script. A question under an answer is asked after that answer
    (Spoke's interaction steps); top-level questions have no parent answer."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(max_length=300)
    order = models.PositiveSmallIntegerField(default=0)
    parent_answer = models.ForeignKey(
        "Answer", null=True, blank=True, on_delete=models.CASCADE, related_name="follow_ups"
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.text


class Answer(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    label = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)
    reply = models.TextField(
        max_length=480, blank=True, help_text="Suggested text to send back after this answer."
    )
    ladder_stage = models.CharField(
        max_length=20, choices=LadderStage.choices, blank=True, help_text="Step it records."
    )
    makes_supporter = models.BooleanField(
        default=False, help_text="A voter who gives this answer becomes a person (a supporter)."
    )

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.label


class CannedResponse(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="canned")
    title = models.CharField(max_length=80)
    body = models.TextField(max_length=480)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class ContactList(TimeStampedModel):
    class Source(models.TextChoices):
        AUDIENCE = "audience", "A saved audience of people"
        VOTER_FILE = "voter_file", "A voter file (CSV)"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="lists")
    name = models.CharField(max_length=200)
    source = models.CharField(max_length=16, choices=Source.choices)
    audience_id = models.BigIntegerField(null=True, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    rows_read = models.PositiveIntegerField(default=0)
    added = models.PositiveIntegerField(default=0)
    skipped = models.JSONField(default=dict, help_text="Reason -> count; never row values.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Voter(models.Model):
    """A row of a state voter file. Not a person, not a supporter: a voter becomes a person only
    by saying so. `person` is set when the voter matched a person on import (same phone)."""

    source_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="voters")
    state_voter_id = models.CharField(max_length=40, blank=True)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    house_number = models.CharField(max_length=20, blank=True)
    house_number_value = models.PositiveIntegerField(null=True, blank=True)
    street = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=2, blank=True)
    zip_code = models.CharField(max_length=5, blank=True)
    precinct = models.CharField(max_length=40, blank=True)
    district = models.CharField(max_length=40, blank=True)
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"voter #{self.pk}"


class Batch(models.Model):
    """Contacts handed to one volunteer at their request; what is unsent goes back at expiry."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="batches")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    size = models.PositiveSmallIntegerField(default=0)
    released = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["expires_at"], name="contact_batch_expiry")]

    def __str__(self) -> str:
        return f"batch #{self.pk}"


class Contact(models.Model):
    """One person or voter to reach in one campaign: the unit of assignment."""

    class Status(models.TextChoices):
        NEW = "new", "Not assigned"
        ASSIGNED = "assigned", "Assigned, not contacted"
        CONTACTED = "contacted", "Contacted (text sent, call or door attempted)"
        NEEDS_REPLY = "needs_reply", "Replied; waiting for the volunteer"
        CONVERSING = "conversing", "In conversation"
        CLOSED = "closed", "Closed"
        OPTED_OUT = "opted_out", "Opted out"
        SKIPPED = "skipped", "Not contacted (opted out, failed or unknown outcome)"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="contacts")
    contact_list = models.ForeignKey(ContactList, on_delete=models.CASCADE, related_name="contacts")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    voter = models.ForeignKey(
        Voter, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    phone = models.CharField(max_length=20, blank=True, db_index=True)
    zip_code = models.CharField(max_length=5, blank=True)
    time_zone = models.CharField(
        max_length=40, blank=True, help_text="From the ZIP; empty when unknown (quiet hours)."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NEW)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    batch = models.ForeignKey(
        Batch, null=True, blank=True, on_delete=models.SET_NULL, related_name="contacts"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    contacted_at = models.DateTimeField(null=True, blank=True)
    disposition = models.CharField(max_length=16, blank=True)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "phone"],
                condition=~Q(phone=""),
                name="contact_one_phone_per_campaign",
            ),
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(voter__isnull=False),
                name="contact_is_person_or_voter",
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "time_zone"], name="contact_pool"),
            models.Index(fields=["volunteer", "status"], name="contact_inbox"),
        ]

    def __str__(self) -> str:
        return f"contact #{self.pk}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class Message(models.Model):
    """One text in a P2P conversation. `key` makes the initial text once-only per contact."""

    class Direction(models.TextChoices):
        OUT = "out", "Sent"
        IN = "in", "Received"

    class Status(models.TextChoices):
        SENT = "sent", "Accepted by the provider"
        FAILED = "failed", "Failed"
        UNKNOWN = "unknown", "Outcome unknown (never re-sent)"
        RECEIVED = "received", "Received"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    body = models.TextField(max_length=1600)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices)
    key = models.CharField(max_length=64, unique=True)
    provider_message_id = models.CharField(max_length=64, blank=True, db_index=True)
    detail = models.CharField(max_length=40, blank=True)
    flagged_at = models.DateTimeField(null=True, blank=True)
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"message #{self.pk} {self.direction}"


class OptOut(models.Model):
    """A number that never gets a voter-contact text again, in any campaign.

    People who opt out are also opted out everywhere in the consent ledger; a voter who is not a
    person exists only here."""

    phone = models.CharField(max_length=20, unique=True)
    source = models.CharField(max_length=40)
    campaign = models.ForeignKey(
        Campaign, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"opt-out ({self.source})"


class Attempt(models.Model):
    """A call or a door knocked, with its disposition (texts are messages)."""

    class Disposition(models.TextChoices):
        NO_ANSWER = "no_answer", "No answer / not home"
        LEFT_MESSAGE = "left_message", "Left a message / lit drop"
        WRONG_NUMBER = "wrong_number", "Wrong number / moved"
        REFUSED = "refused", "Refused"
        TALKED = "talked", "Talked"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="attempts")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Campaign.Channel.choices)
    disposition = models.CharField(max_length=16, choices=Disposition.choices)
    occurred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-occurred_at", "-id"]

    def __str__(self) -> str:
        return f"{self.channel} {self.disposition}"


class SurveyResponse(models.Model):
    """A contact's answer to one question, with the volunteer who recorded it (credited)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="responses")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="responses")
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=8, choices=Campaign.Channel.choices)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"response #{self.pk}"


class Turf(models.Model):
    """Doors to knock: a campaign's contacts in some ZIP codes and/or precincts."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="turfs")
    name = models.CharField(max_length=120)
    zip_codes = models.JSONField(default=list, blank=True)
    precincts = models.JSONField(default=list, blank=True)
    volunteer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name
