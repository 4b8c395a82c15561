"""Audiences people offers to comms through the core registry."""

from typing import Any

from django.utils import timezone

from bloc.core.registry import Audience, audiences
from bloc.people import selectors


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
