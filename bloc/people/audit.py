"""Typed audit helpers for people. Identifiers and field names only, never values."""

from typing import Any

from bloc.core.audit import record
from bloc.people.models import Chapter, ImportJob, Membership, Person, TransferRequest


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


def chapter_created(*, actor: Any, chapter: Chapter, zips: int) -> None:
    record("people.chapter_created", actor=actor, target=chapter, chapter_id=chapter.pk, zips=zips)


def transfer_requested(*, actor: Any, transfer: TransferRequest) -> None:
    record(
        "people.transfer_requested",
        actor=actor,
        target=transfer,
        chapter_id=transfer.person.chapter_id,
        to_chapter_id=transfer.to_chapter_id,
    )


def transfer_decided(*, actor: Any, transfer: TransferRequest, approved: bool) -> None:
    record(
        "people.transfer_decided",
        actor=actor,
        target=transfer,
        chapter_id=transfer.to_chapter_id,
        approved=approved,
    )


def import_started(*, actor: Any, job: ImportJob) -> None:
    record("people.import_started", actor=actor, target=job, dry_run=job.is_dry_run)


def import_stale(*, job: ImportJob, action: str) -> None:
    """An import's worker died: the job was started again, or failed."""
    record(f"people.import_{action}", actor=None, target=job, attempts=job.attempts, stale=True)
