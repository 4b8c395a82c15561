"""Typed audit helpers for the front door and member pages: ids and counts, never values."""

from typing import Any

from bloc.core.audit import record
from bloc.home.models import ChapterProfile, DeletionRequest
from bloc.people.models import Chapter, Person


def chapter_contacted(*, chapter: Chapter, recipients: int) -> None:
    """A visitor wrote to a chapter. Neither who wrote nor what: only that it was sent, and to
    how many organizers."""
    record("home.chapter_contacted", target=chapter, chapter_id=chapter.pk, recipients=recipients)


def chapter_page_updated(*, actor: Any, profile: ChapterProfile, fields: list[str]) -> None:
    record(
        "home.chapter_page_updated",
        actor=actor,
        target=profile,
        chapter_id=profile.chapter_id,
        fields=fields,
    )


def deletion_requested(*, actor: Any, request: DeletionRequest) -> None:
    record(
        "home.deletion_requested",
        actor=actor,
        target=request,
        chapter_id=request.person.chapter_id,
        person_id=request.person_id,
    )


def deletion_handled(*, actor: Any, request: DeletionRequest) -> None:
    record(
        "home.deletion_handled",
        actor=actor,
        target=request,
        chapter_id=request.person.chapter_id,
        person_id=request.person_id,
        status=request.status,
    )


def data_downloaded(*, actor: Any, person: Person, fmt: str) -> None:
    record(
        "home.personal_data_downloaded",
        actor=actor,
        target=person,
        chapter_id=person.chapter_id,
        format=fmt,
    )
