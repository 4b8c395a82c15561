"""Typed audit helpers for people. Identifiers and field names only, never values."""

from typing import Any

from bloc.core.audit import record
from bloc.people.models import Membership, Person


def person_created(*, actor: Any, person: Person) -> None:
    record("people.person_created", actor=actor, target=person, chapter_id=person.chapter_id)


def person_updated(*, actor: Any, person: Person, fields: list[str]) -> None:
    record(
        "people.person_updated",
        actor=actor,
        target=person,
        chapter_id=person.chapter_id,
        fields=sorted(fields),
    )


def person_viewed(*, actor: Any, person: Person) -> None:
    record("people.person_viewed", actor=actor, target=person, chapter_id=person.chapter_id)


def membership_recorded(*, actor: Any, membership: Membership, fields: list[str]) -> None:
    record(
        "people.membership_recorded",
        actor=actor,
        target=membership,
        chapter_id=membership.person.chapter_id,
        fields=sorted(fields),
    )


def chapter_changed(*, actor: Any, person: Person, from_id: int | None, reason: str) -> None:
    record(
        "people.chapter_changed",
        actor=actor,
        target=person,
        chapter_id=person.chapter_id,
        from_chapter_id=from_id,
        reason=reason,
    )


def consent_changed(*, actor: Any, person: Person, channel: str, status: str, source: str) -> None:
    record(
        "people.consent_changed",
        actor=actor,
        target=person,
        chapter_id=person.chapter_id,
        channel=channel,
        status=status,
        source=source,
    )


def people_merged(*, actor: Any, survivor: Person, merged: Person, moved: dict[str, int]) -> None:
    record(
        "people.merged",
        actor=actor,
        target=survivor,
        chapter_id=survivor.chapter_id,
        merged_id=merged.pk,
        moved=moved,
    )


def people_exported(*, actor: Any, count: int, chapter_id: int | None) -> None:
    record("people.exported", actor=actor, chapter_id=chapter_id, count=count)


def people_imported(*, actor: Any, report: dict[str, Any]) -> None:
    record("people.imported", actor=actor, **report)
