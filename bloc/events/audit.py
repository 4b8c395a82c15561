"""Typed audit helpers for events: identifiers and counts only, never names or addresses."""

from typing import Any

from bloc.core.audit import record
from bloc.events.models import RSVP, DayOfAction, Event, FollowUp, HostLink


def day_created(*, actor: Any, day: DayOfAction) -> None:
    record("events.day_created", actor=actor, target=day)


def day_updated(
    *,
    actor: Any,
    day: DayOfAction,
    changed: list[str],
    partners_added: list[int],
    partners_removed: list[int],
) -> None:
    """Which fields changed (names, not values) and which partner organizations came or went."""
    record(
        "events.day_updated",
        actor=actor,
        target=day,
        changed=changed,
        partners_added=partners_added,
        partners_removed=partners_removed,
    )


def event_submitted(*, actor: Any, event: Event, flags: int) -> None:
    record(
        "events.event_submitted",
        actor=actor,
        target=event,
        chapter_id=event.chapter_id,
        status=event.status,
        conflict_flags=flags,
        host_partner_id=event.host_partner_id,
        co_hosts=event.co_hosts.count(),
    )


def event_moderated(*, actor: Any, event: Event, decision: str) -> None:
    record(
        "events.event_moderated",
        actor=actor,
        target=event,
        chapter_id=event.chapter_id,
        decision=decision,
    )


def rsvp_recorded(*, actor: Any, rsvp: RSVP, person_created: bool) -> None:
    record(
        "events.rsvp_recorded",
        actor=actor,
        target=rsvp,
        chapter_id=rsvp.event.chapter_id,
        event_id=rsvp.event_id,
        status=rsvp.status,
        guests=rsvp.guests,
        person_created=person_created,
    )


def rsvp_cancelled(*, actor: Any, rsvp: RSVP, promoted: int) -> None:
    record(
        "events.rsvp_cancelled",
        actor=actor,
        target=rsvp,
        chapter_id=rsvp.event.chapter_id,
        promoted=promoted,
    )


def host_link_changed(*, actor: Any, link: HostLink, change: str) -> None:
    record(
        "events.host_link_" + change,
        actor=actor,
        target=link,
        chapter_id=link.event.chapter_id,
        event_id=link.event_id,
    )


def host_action(
    *, link: HostLink | None, actor: Any, event: Event, action: str, **data: Any
) -> None:
    record(
        "events." + action,
        actor=actor,
        target=event,
        chapter_id=event.chapter_id,
        host_link_id=link.pk if link else None,
        **data,
    )


def check_in_code_refused(*, link: HostLink, actor: Any, event: Event, reason: str) -> None:
    """A scanned or typed code that could not be checked in here (never the code itself)."""
    host_action(link=link, actor=actor, event=event, action="check_in_code_refused", reason=reason)


def follow_up_completed(*, actor: Any, follow_up: FollowUp) -> None:
    record(
        "events.follow_up_completed",
        actor=actor,
        target=follow_up,
        chapter_id=follow_up.chapter_id,
        outcome=follow_up.outcome,
    )


def rsvps_exported(*, actor: Any, event: Event, count: int) -> None:
    record(
        "events.rsvps_exported", actor=actor, target=event, chapter_id=event.chapter_id, count=count
    )
