"""Identity is frozen with the roll: while a ballot's roll is live (frozen, and the result not
final), nobody on it may be merged, re-addressed, moved to another chapter or given another
login, so that nobody votes twice or in someone else's place (docs/voting-security.md).

The one exception is a two-person action: a national admin asks for an override for one
person, with a reason; a *different* national admin approves it; for the next
OVERRIDE_HOURS only national admins may change that person's identity. Every step is audited,
and so is every change made under it (by the people services' own audit events)."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from bloc.accounts import selectors as roles
from bloc.core.audit import record
from bloc.core.registry import identity_locks
from bloc.democracy import clock
from bloc.democracy.models import Ballot, IdentityOverride, VoterRollEntry
from bloc.people.models import Person

#: From freezing the roll until the result is final: a vote can be cast, counted or
#: challenged, and a person on the roll must stay who they were at freeze.
LIVE = (
    Ballot.Status.ROLL_FROZEN,
    Ballot.Status.OPEN,
    Ballot.Status.CLOSED,
    Ballot.Status.TALLIED,
    Ballot.Status.CERTIFIED,
    Ballot.Status.CHALLENGED,
)
OVERRIDE_HOURS = 24


def live_roll_title(person_ids: list[int]) -> str | None:
    return (
        VoterRollEntry.objects.filter(person_id__in=person_ids, ballot__status__in=LIVE)
        .values_list("ballot__title", flat=True)
        .first()
    )


def _overridden(person_ids: list[int], actor: Any) -> bool:
    """Every one of these people has an approved, unexpired override, and the actor is a
    national admin (an override never widens what an organizer may do)."""
    if actor is None or not roles.is_national_admin(actor):
        return False
    covered = set(
        IdentityOverride.objects.filter(
            person_id__in=person_ids,
            status=IdentityOverride.Status.APPROVED,
            expires_at__gt=clock.now(),
        ).values_list("person_id", flat=True)
    )
    locked = set(
        VoterRollEntry.objects.filter(
            person_id__in=person_ids, ballot__status__in=LIVE
        ).values_list("person_id", flat=True)
    )
    return locked <= covered


def on_live_roll(person_ids: list[int], actor: Any = None) -> str:
    title = live_roll_title(person_ids)
    if title is None or _overridden(person_ids, actor):
        return ""
    return (
        f"This person is on the voter roll of “{title}”, which is not final yet. Their record "
        "cannot be merged, re-addressed (email or phone) or moved to another chapter until the "
        "result is final, so that nobody can vote twice or in someone else's place. A national "
        "admin can ask a second national admin for a one-day override."
    )


identity_locks.register("democracy.live-roll", on_live_roll)


def _require_admin(actor: Any) -> None:
    if not roles.is_national_admin(actor):
        raise PermissionDenied("Only national admins can override a frozen identity.")


def request_override(*, actor: Any, person: Person, reason: str) -> IdentityOverride:
    _require_admin(actor)
    reason = reason.strip()
    if len(reason) < 10:
        raise ValidationError("Say why this person's record must change during the ballot.")
    if live_roll_title([person.pk]) is None:
        raise ValidationError("This person is on no live voter roll: no override is needed.")
    with transaction.atomic():
        override = IdentityOverride.objects.create(
            person=person, reason=reason[:2000], requested_by=actor
        )
        record("democracy.identity_override_requested", actor=actor, target=override)
    return override


def decide_override(*, actor: Any, override: IdentityOverride, approve: bool) -> IdentityOverride:
    """The second person: a national admin other than the one who asked."""
    _require_admin(actor)
    with transaction.atomic():
        override = IdentityOverride.objects.select_for_update().get(pk=override.pk)
        if override.status != IdentityOverride.Status.REQUESTED:
            raise ValidationError("This request was already decided.")
        if override.requested_by_id == actor.pk:
            raise ValidationError("A second national admin must decide: not the one who asked.")
        now = clock.now()
        override.status = (
            IdentityOverride.Status.APPROVED if approve else IdentityOverride.Status.DECLINED
        )
        override.decided_by = actor
        override.decided_at = now
        override.expires_at = now + timedelta(hours=OVERRIDE_HOURS) if approve else None
        override.save()
        record(
            "democracy.identity_override_decided",
            actor=actor,
            target=override,
            approved=approve,
        )
    return override
