"""Typed audit helpers for saved lists and bulk actions: ids, counts and names of steps only."""

from typing import Any

from bloc.core.audit import record
from bloc.people.lists.models import SavedList


def saved_list_created(*, actor: Any, saved_list: SavedList) -> None:
    record(
        "people.saved_list_created",
        actor=actor,
        target=saved_list,
        chapter_id=saved_list.chapter_id,
        has_filters=bool(saved_list.query),
    )


def saved_list_deleted(*, actor: Any, saved_list: SavedList, entries: int) -> None:
    record(
        "people.saved_list_deleted",
        actor=actor,
        target=saved_list,
        chapter_id=saved_list.chapter_id,
        entries=entries,
    )


def people_added_to_list(*, actor: Any, saved_list: SavedList, count: int, added: int) -> None:
    record(
        "people.added_to_list",
        actor=actor,
        target=saved_list,
        chapter_id=saved_list.chapter_id,
        count=count,
        added=added,
    )


def ladder_steps_recorded(*, actor: Any, stage: str, count: int, chapter_id: int | None) -> None:
    record(
        "people.ladder_steps_recorded",
        actor=actor,
        chapter_id=chapter_id,
        stage=stage,
        count=count,
    )


def selection_exported(*, actor: Any, count: int, chapter_id: int | None) -> None:
    record("people.exported", actor=actor, chapter_id=chapter_id, count=count, selection=True)
