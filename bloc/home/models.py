"""What a chapter tells the public about itself, and members' requests to be deleted.

Both sit here rather than in `people` so the front door can grow without touching the person
model; each is a one-to-one or many-to-one to a `people` row."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from bloc.core.models import TimeStampedModel


class ChapterProfile(TimeStampedModel):
    """A chapter's public page text, written by its organizers."""

    chapter = models.OneToOneField(
        "people.Chapter", on_delete=models.CASCADE, related_name="public_profile"
    )
    about = models.TextField(
        blank=True, max_length=3000, help_text="What the chapter does, for its public page."
    )
    how_to_join = models.TextField(
        blank=True,
        max_length=1500,
        help_text="How to get involved: meetings, first steps. Shown beside the Join button.",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Public profile of chapter #{self.chapter_id}"


class DeletionRequest(models.Model):
    """A person asked for their record to be deleted. Staff carry it out (or explain why some
    records must be kept) and mark it done; both steps are audited."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for staff"
        DONE = "done", "Carried out"
        DECLINED = "declined", "Declined, with a reason"

    person = models.ForeignKey(
        "people.Person", on_delete=models.CASCADE, related_name="deletion_requests"
    )
    reason = models.TextField(blank=True, max_length=2000)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status="pending"), name="one_pending_deletion"
            )
        ]

    def __str__(self) -> str:
        return f"Deletion request #{self.pk} ({self.status})"
