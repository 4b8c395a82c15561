"""Audiences people offers to comms through the core registry."""

from typing import Any

from django.utils import timezone

from bloc.core.registry import Audience, audiences
from bloc.people import selectors
from bloc.people.models import Membership


def _members_in_good_standing(actor: Any, **_: Any) -> Any:
    ids = selectors.memberships_in_good_standing(
        as_of=timezone.localdate(), grace_days=0
    ).values_list("person_id", flat=True)
    return selectors.people_visible_to(actor).filter(pk__in=ids)


audiences.register(
    "people.members_in_good_standing",
    Audience(
        label="Members in good standing",
        description="Live member records whose dues are paid through today (waived members count).",
        people=_members_in_good_standing,
    ),
)


def _members_without_accounts(actor: Any, **_: Any) -> Any:
    """Members (not cancelled, pending applicants too) whose record has no login yet: who a
    "your Bloc account" invitation is for."""
    return (
        selectors.people_visible_to(actor)
        .filter(membership__isnull=False, user__isnull=True)
        .exclude(membership__status=Membership.Status.CANCELLED)
    )


audiences.register(
    "people.members_without_accounts",
    Audience(
        label="Members who have not claimed an account",
        description="Members (and applicants) whose record has no sign-in yet.",
        people=_members_without_accounts,
    ),
)
