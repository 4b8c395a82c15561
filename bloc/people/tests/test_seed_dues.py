import random
from datetime import date, timedelta

import pytest

from bloc.people.models import Membership, Payment
from bloc.people.payments.seeds import seed_dues
from bloc.people.services import create_person, record_membership

pytestmark = pytest.mark.django_db


def test_the_demo_seeds_unclaimed_members_stripe_dues_and_applications(personas):
    for i in range(8):  # imported members: no accounts
        person = create_person(actor=None, email=f"demo{i}@demo.bloc.test", zip_code="60601")
        record_membership(
            actor=None,
            person=person,
            joined_on=date(2022, 1, 1),
            paid_through_on=date.today() - timedelta(days=60),
        )
    report = seed_dues(300, random.Random(2))
    assert report["members_with_stripe_dues"] >= 5 and report["applications"] == 2
    paid = Membership.objects.filter(dues_from_processor=True)
    assert paid.count() == report["members_with_stripe_dues"]
    assert sum(m.is_in_good_standing() for m in paid) >= report["members_with_stripe_dues"] - 1
    assert Payment.objects.filter(kind="payment", refunded=True).count() == 1
    assert Membership.objects.filter(status="pending", waiver_requested=True).count() == 1
    assert Membership.objects.filter(person__user__isnull=True, status="active").exists()
    assert seed_dues(300, random.Random(2))["applications"] == 0
