"""The national program: versioned planks and the recorded stances of candidates and partners.

A plank's versions share a `key`; at most one version per key is adopted at a time. A stance's
holder is a typed reference (`electoral.candidate`, `coalition.partner`): the program sits beside
those apps, not above them, so it never imports them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from bloc.core.models import TimeStampedModel


class Plank(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN_FOR_COMMENT = "open_for_comment", "Open for comment"
        ADOPTED = "adopted", "Adopted"
        SUPERSEDED = "superseded", "Superseded"

    key = models.SlugField(max_length=80, help_text="Shared by every version of this plank.")
    version = models.PositiveSmallIntegerField(default=1)
    section = models.CharField(max_length=120)
    title = models.CharField(max_length=200)
    text = models.TextField(max_length=20000)
    order = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    adopted_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    adopted_rule = models.CharField(
        max_length=200, blank=True, help_text="Under which decision it was adopted."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="plank_version_unique"),
            models.UniqueConstraint(
                fields=["key"], condition=Q(status="adopted"), name="plank_one_adopted_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"


class Position(models.TextChoices):
    SUPPORTS = "supports", "Supports"
    PARTIAL = "partial", "Partly supports"
    OPPOSES = "opposes", "Opposes"
    UNKNOWN = "unknown", "Unknown"


class Stance(TimeStampedModel):
    """Where a candidate or partner stands on a plank, and how we know."""

    class HolderType(models.TextChoices):
        CANDIDATE = "electoral.candidate", "Candidate"
        PARTNER = "coalition.partner", "Partner organization"

    class Source(models.TextChoices):
        QUESTIONNAIRE = "questionnaire", "Questionnaire answer"
        STATEMENT = "statement", "Public statement"
        VOTE = "vote", "Recorded vote"

    plank = models.ForeignKey(Plank, on_delete=models.PROTECT, related_name="stances")
    holder_type = models.CharField(max_length=40, choices=HolderType.choices)
    holder_id = models.BigIntegerField()
    holder_name = models.CharField(max_length=200)
    position = models.CharField(max_length=10, choices=Position.choices)
    source = models.CharField(max_length=16, choices=Source.choices)
    source_detail = models.CharField(
        max_length=500, help_text="The question and answer, the statement's link, or the vote."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["plank__order", "holder_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plank", "holder_type", "holder_id"], name="stance_one_per_holder"
            )
        ]

    def __str__(self) -> str:
        return f"{self.holder_name}: {self.get_position_display()} on {self.plank.title}"
