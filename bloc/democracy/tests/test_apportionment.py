from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from bloc.core.models import AuditEvent
from bloc.democracy import services
from bloc.democracy.apportionment import Rounding, apportion, delegates_for
from bloc.people.models import Membership


@pytest.mark.parametrize(
    ("members", "rounding", "expected"),
    [
        (150, Rounding.NEAREST, 2),
        (112, Rounding.NEAREST, 1),
        (113, Rounding.NEAREST, 2),  # 1.5066… rounds to 2
        (225, Rounding.NEAREST, 3),
        (76, Rounding.UP, 2),
        (149, Rounding.DOWN, 1),
        (10, Rounding.DOWN, 1),  # minimum 1
        (0, Rounding.UP, 0),  # no members, no delegates
    ],
)
def test_one_delegate_per_75_members(members, rounding, expected):
    assert delegates_for(members, per=75, rounding=rounding) == expected


def test_halves_round_up():
    assert delegates_for(3, per=2, rounding=Rounding.NEAREST) == 2  # 1.5
    assert delegates_for(5, per=2, rounding=Rounding.NEAREST) == 3  # 2.5
    assert delegates_for(187, per=75, rounding=Rounding.NEAREST) == 2  # 2.49…


@given(st.integers(min_value=1, max_value=10**6), st.integers(min_value=1, max_value=500))
def test_rounding_rules_bracket_the_exact_share(members, per):
    down = delegates_for(members, per=per, rounding=Rounding.DOWN, minimum=0)
    near = delegates_for(members, per=per, rounding=Rounding.NEAREST, minimum=0)
    up = delegates_for(members, per=per, rounding=Rounding.UP, minimum=0)
    assert down <= near <= up <= down + 1
    assert down * per <= members <= up * per
    assert delegates_for(members, per=per, rounding=Rounding.DOWN) >= 1


def test_apportion_covers_every_chapter():
    assert apportion({1: 300, 2: 5, 3: 0}, per=75, rounding=Rounding.NEAREST) == {1: 4, 2: 1, 3: 0}


def test_the_service_counts_members_in_good_standing_by_chapter(personas):
    lapsed = Membership.objects.get(person=personas.person_member_b)
    lapsed.paid_through_on = timezone.localdate() - timedelta(days=60)
    lapsed.save()
    adopted = services.apportion_delegates(
        actor=personas.admin,
        title="Convention 2027",
        as_of_on=timezone.localdate(),
        members_per_delegate=2,
        rounding="up",
    )
    by_chapter = {a["chapter_id"]: a for a in adopted.allocations}
    assert by_chapter[personas.chapter_a.pk]["members"] == 3
    assert by_chapter[personas.chapter_a.pk]["delegates"] == 2
    assert by_chapter[personas.chapter_b.pk]["members"] == 1  # organizer B; member B lapsed
    assert by_chapter[personas.chapter_b.pk]["delegates"] == 1
    assert adopted.total_delegates == 3
    assert AuditEvent.objects.filter(
        action="democracy.delegates_apportioned", target_id=str(adopted.pk)
    ).exists()


def test_only_national_admins_apportion(personas):
    with pytest.raises(PermissionDenied):
        services.apportion_delegates(
            actor=personas.organizer_a,
            title="Convention 2027",
            as_of_on=timezone.localdate(),
            members_per_delegate=75,
        )
