"""1,000 payment events replayed twice and shuffled give exactly what one ordered pass gives:
the same payments, periods, paid-through dates and standing (PostgreSQL, through the webhooks)."""

import random
from datetime import date, timedelta

import pytest
from django.test import override_settings

from bloc.people.models import Membership, Payment, Person
from bloc.people.payments.refs import person_ref
from bloc.people.payments.services import add_months
from bloc.people.services import create_person
from bloc.people.tests import payments_fixtures as fx

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _people(n):
    people = []
    for i in range(n):
        person = create_person(actor=None, email=f"replay{i}@example.org", first_name=f"R{i}")
        if i % 3:
            Membership.objects.create(
                person=person, joined_on=date(2025, 1, 1), status=Membership.Status.PENDING
            )
        people.append(person)
    return people


def _events(people, rng):
    """(processor, payload, time) for 1,000 events: subscriptions with invoices, refunds and
    cancellations; one-off checkouts; ActBlue contributions and refunds; strangers."""
    events = []
    start = date(2025, 1, 6)
    for i, person in enumerate(people):
        ref = person_ref(person.pk)
        if i % 2 == 0:  # a Stripe subscription
            customer, sub = f"cus_r{i}", f"sub_r{i}"
            day = start + timedelta(days=rng.randint(0, 60))
            events.append(
                (
                    "stripe",
                    fx.stripe_event(
                        "checkout.session.completed",
                        fx.checkout_subscription(
                            person_ref=ref, customer=customer, subscription=sub, day=day
                        ),
                        event_id=f"evt_co_{i}",
                    ),
                )
            )
            for m in range(rng.randint(8, 14)):
                period = add_months(day, m)
                pi = f"pi_r{i}_{m}"
                events.append(
                    (
                        "stripe",
                        fx.stripe_event(
                            "invoice.paid",
                            fx.invoice_paid(
                                customer=customer,
                                subscription=sub,
                                start=period,
                                end=add_months(day, m + 1),
                                payment_intent=pi,
                            ),
                            event_id=f"evt_in_{i}_{m}",
                        ),
                    )
                )
                if rng.random() < 0.15:
                    refunded = 1500 if rng.random() < 0.7 else 700
                    events.append(
                        (
                            "stripe",
                            fx.stripe_event(
                                "charge.refunded",
                                fx.charge_refunded(
                                    payment_intent=pi,
                                    amount=1500,
                                    refunded=refunded,
                                    day=period + timedelta(days=3),
                                ),
                                event_id=f"evt_rf_{i}_{m}",
                            ),
                        )
                    )
            if rng.random() < 0.3:
                events.append(
                    (
                        "stripe",
                        fx.stripe_event(
                            "customer.subscription.deleted",
                            fx.subscription_deleted(
                                customer=customer, subscription=sub, day=add_months(day, 14)
                            ),
                            event_id=f"evt_del_{i}",
                        ),
                    )
                )
        else:  # ActBlue monthly contributions, a few one-off Stripe checkouts by email
            for m in range(rng.randint(6, 12)):
                day = add_months(start, m) + timedelta(days=rng.randint(0, 20))
                paid = f"{day.isoformat()}T10:00:00-05:00"
                events.append(
                    (
                        "actblue",
                        fx.actblue_body(
                            order=f"R{i}-{m}", item=i * 100 + m, refcode=ref, paid=paid
                        ),
                    )
                )
                if rng.random() < 0.1:
                    refunded = f"{(day + timedelta(days=2)).isoformat()}T10:00:00-05:00"
                    events.append(
                        (
                            "actblue",
                            fx.actblue_body(
                                order=f"R{i}-{m}", item=i * 100 + m, refcode=ref, refunded=refunded
                            ),
                        )
                    )
            if rng.random() < 0.5:
                obj = fx.checkout_payment(
                    email=person.email.upper(),
                    day=start + timedelta(days=rng.randint(0, 300)),
                    plan="annual",
                    payment_intent=f"pi_once_{i}",
                )
                events.append(
                    (
                        "stripe",
                        fx.stripe_event(
                            "checkout.session.completed", obj, event_id=f"evt_once_{i}"
                        ),
                    )
                )
    n = 0
    while len(events) < 1000:  # strangers nobody can match
        obj = fx.checkout_payment(
            email=f"stranger{n}@example.org", day=start, payment_intent=f"pi_s{n}"
        )
        events.append(
            ("stripe", fx.stripe_event("checkout.session.completed", obj, event_id=f"evt_s{n}"))
        )
        n += 1
    return events[:1000]


def _post(client, processor, body):
    response = (
        fx.post_stripe(client, body) if processor == "stripe" else fx.post_actblue(client, body)
    )
    assert response.status_code == 200, response.content


def _state(as_of_days):
    payments = sorted(
        Payment.objects.values_list(
            "processor",
            "processor_event_id",
            "person_id",
            "kind",
            "covered_from",
            "covered_through",
            "refunded",
        )
    )
    memberships = sorted(
        (
            m.person_id,
            m.status,
            m.paid_through_on,
            m.joined_on,
            m.dues_plan,
            tuple(m.is_in_good_standing(as_of=d, grace_days=30) for d in as_of_days),
        )
        for m in Membership.objects.all()
    )
    return payments, memberships


def _reset(initial):
    Payment.objects.all().delete()
    Membership.objects.exclude(pk__in=[pk for pk, *_ in initial]).delete()
    for pk, status, paid, base_flag in initial:
        Membership.objects.filter(pk=pk).update(
            status=status,
            paid_through_on=paid,
            dues_from_processor=base_flag,
            paid_through_before_processor=None,
        )


def test_a_thousand_events_replayed_twice_and_shuffled_give_the_same_dues(client):
    rng = random.Random(2026)
    with override_settings(**fx.PAYMENT_SETTINGS):
        people = _people(60)
        events = _events(people, rng)
        assert len(events) == 1000
        initial = list(
            Membership.objects.values_list("pk", "status", "paid_through_on", "dues_from_processor")
        )
        days = [date(2025, 3, 1), date(2025, 9, 1), date(2026, 1, 15), date(2026, 6, 1)]

        for processor, body in events:  # one ordered pass, as the processors sent them
            _post(client, processor, body)
        ordered = _state(days)
        assert len(ordered[0]) == 1000
        assert any(refunded for *_, refunded in ordered[0])
        assert {status for _, status, *_ in ordered[1]} >= {"active"}

        _reset(initial)
        replay = events * 2
        rng.shuffle(replay)
        for processor, body in replay:
            _post(client, processor, body)
        assert _state(days) == ordered
        assert Person.objects.count() == 60
