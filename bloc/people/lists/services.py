"""Saved lists and bulk actions on people. Callers pass querysets already scoped to the actor
(bloc.people.lists.selectors); each action is one transaction and one audit event."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bloc.accounts import selectors as roles
from bloc.people import services as people_services
from bloc.people.lists import audit
from bloc.people.lists.models import SavedList, SavedListEntry
from bloc.people.models import LADDER_ORDER, Chapter, LadderEvent, LadderStage, PersonQuerySet

BATCH = 2000


def _may_share_with(actor: Any, chapter: Chapter | None) -> bool:
    if chapter is None or roles.is_national_admin(actor):
        return True
    return chapter.pk in roles.organized_chapter_ids(actor)


def save_list(*, actor: Any, name: str, query: str, chapter: Chapter | None) -> SavedList:
    """Save a people view as a list; with a chapter it is shared with that chapter's organizers."""
    if not _may_share_with(actor, chapter):
        raise PermissionDenied("Lists are shared only within your own chapters.")
    name = name.strip()
    if not name:
        raise ValidationError("Give the list a name.")
    with transaction.atomic():
        saved_list = SavedList.objects.create(
            name=name[:120], owner=actor, chapter=chapter, query=query[:500]
        )
        audit.saved_list_created(actor=actor, saved_list=saved_list)
    return saved_list


def delete_list(*, actor: Any, saved_list: SavedList) -> None:
    """Only the owner or a national admin deletes a list; the people in it are untouched."""
    if saved_list.owner_id != actor.pk and not roles.is_national_admin(actor):
        raise PermissionDenied("Only the list's owner may delete it.")
    with transaction.atomic():
        entries = saved_list.entries.count()
        audit.saved_list_deleted(actor=actor, saved_list=saved_list, entries=entries)
        saved_list.delete()


def add_to_list(*, actor: Any, saved_list: SavedList, people: PersonQuerySet) -> int:
    """Add people to a list by hand; returns how many were new to it."""
    with transaction.atomic():
        before = saved_list.entries.count()
        ids = people.order_by().values_list("pk", flat=True)
        batch: list[SavedListEntry] = []
        count = 0
        now = timezone.now()
        for person_id in ids.iterator(chunk_size=BATCH):
            count += 1
            batch.append(SavedListEntry(saved_list=saved_list, person_id=person_id, added_at=now))
            if len(batch) >= BATCH:
                SavedListEntry.objects.bulk_create(batch, ignore_conflicts=True)
                batch = []
        SavedListEntry.objects.bulk_create(batch, ignore_conflicts=True)
        added = saved_list.entries.count() - before
        audit.people_added_to_list(actor=actor, saved_list=saved_list, count=count, added=added)
    return added


def record_ladder_steps(
    *, actor: Any, people: PersonQuerySet, stage: LadderStage | str, chapter_id: int | None = None
) -> int:
    """Record the same ladder step for many people at once (each in their own chapter)."""
    stage = LadderStage(stage)
    if stage not in LADDER_ORDER:
        raise ValidationError("Unknown ladder stage.")
    now = timezone.now()
    count = 0
    with transaction.atomic():
        rows = people.order_by().values_list("pk", "chapter_id")
        batch: list[LadderEvent] = []
        for person_id, person_chapter_id in rows.iterator(chunk_size=BATCH):
            count += 1
            batch.append(
                LadderEvent(
                    person_id=person_id,
                    stage=stage,
                    chapter_id=person_chapter_id,
                    occurred_at=now,
                    attribution_type="bulk",
                )
            )
            if len(batch) >= BATCH:
                LadderEvent.objects.bulk_create(batch)
                batch = []
        LadderEvent.objects.bulk_create(batch)
        audit.ladder_steps_recorded(actor=actor, stage=stage, count=count, chapter_id=chapter_id)
    return count


def export_selection(*, actor: Any, people: PersonQuerySet, chapter_id: int | None = None) -> Any:
    """CSV rows of these people (the export is audited, with the count)."""
    people = people.select_related("chapter", "membership").order_by("id")
    audit.selection_exported(actor=actor, count=people.count(), chapter_id=chapter_id)
    return people_services.export_rows(people)
