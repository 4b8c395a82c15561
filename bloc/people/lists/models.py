"""Saved lists: a saved people view (its filter query) plus people added to it by hand.

A list belongs to the account that saved it; with a chapter it is shared with that chapter's
organizers. Whoever opens a list still sees only the people their own scope allows.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from bloc.core.models import TimeStampedModel


class SavedList(TimeStampedModel):
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_people_lists"
    )
    chapter = models.ForeignKey(
        "people.Chapter",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="saved_lists",
        help_text="Shared with this chapter's organizers; empty keeps it to its owner.",
    )
    query = models.CharField(
        max_length=500,
        blank=True,
        help_text="The people view's filters as a query string; empty for a hand-picked list.",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class SavedListEntry(models.Model):
    saved_list = models.ForeignKey(SavedList, on_delete=models.CASCADE, related_name="entries")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["saved_list", "person"], name="one_entry_per_person")
        ]

    def __str__(self) -> str:
        return f"Person #{self.person_id} in list #{self.saved_list_id}"
