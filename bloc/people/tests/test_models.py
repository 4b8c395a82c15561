from datetime import date

import pytest

from bloc.people.models import DuesPlan, Membership


def membership(**kw):
    base = {"joined_on": date(2024, 1, 1), "paid_through_on": date(2026, 6, 30)}
    return Membership(**{**base, **kw})


@pytest.mark.parametrize(
    ("as_of", "grace", "expected"),
    [
        (date(2026, 6, 30), 0, True),  # paid through the day itself
        (date(2026, 7, 1), 0, False),  # a day in arrears
        (date(2026, 7, 30), 30, True),  # inside the grace period
        (date(2026, 7, 31), 30, False),  # past it
        (date(2023, 12, 31), 365, False),  # not yet joined
    ],
)
def test_good_standing_follows_paid_through_and_grace(as_of, grace, expected):
    assert membership().is_in_good_standing(as_of, grace) is expected


def test_waived_members_are_in_good_standing_without_dues():
    assert membership(paid_through_on=None, dues_plan=DuesPlan.WAIVED).is_in_good_standing(
        date(2026, 11, 1), 0
    )
    assert membership(paid_through_on=None, status=Membership.Status.WAIVED).is_in_good_standing(
        date(2026, 11, 1), 0
    )


def test_cancelled_members_are_never_in_good_standing():
    assert not membership(status=Membership.Status.CANCELLED).is_in_good_standing(
        date(2026, 1, 1), 0
    )


def test_no_dues_recorded_means_not_in_good_standing():
    assert not membership(paid_through_on=None).is_in_good_standing(date(2026, 1, 1), 365)
