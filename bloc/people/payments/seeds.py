"""Demo dues: Stripe-style subscription events for some imported members (who have not claimed
an account yet: the demo shows them signing in by code), one refunded payment, and a pending
application with a hardship waiver request. All fictional; no processor is called."""

import random
from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from bloc.core.registry import Seed, seeds
from bloc.people.joining.services import apply_for_membership
from bloc.people.models import Membership
from bloc.people.payments.base import Kind, PaymentEvent
from bloc.people.payments.refs import person_ref
from bloc.people.payments.services import add_months, record_payment_event


def _at(day: Any) -> datetime:
    return datetime.combine(day, time(15), tzinfo=UTC)


def seed_dues(size: int, rng: random.Random) -> dict[str, int]:
    members = list(
        Membership.objects.filter(
            person__user__isnull=True,
            person__merged_into__isnull=True,
            status=Membership.Status.ACTIVE,
            dues_plan="monthly",
        )
        .exclude(person__email="")
        .order_by("pk")
        .values_list("person_id", flat=True)[: max(5, min(40, size // 50))]
    )
    today = timezone.localdate()
    events = 0
    for n, person_id in enumerate(members):
        customer, subscription = f"cus_demo{person_id}", f"sub_demo{person_id}"
        start = today - timedelta(days=rng.randint(20, 150))
        common: dict[str, Any] = {
            "processor": "stripe",
            "currency": "usd",
            "customer_ref": customer,
        }
        record_payment_event(
            PaymentEvent(
                event_id=f"evt_demo_checkout_{person_id}",
                event_type="checkout.session.completed",
                kind=Kind.CHECKOUT,
                occurred_at=_at(start),
                person_ref=person_ref(person_id),
                subscription_ref=subscription,
                dues_plan="monthly",
                **common,
            )
        )
        events += 1
        period = start
        while period <= today:
            end = add_months(period, 1)
            record_payment_event(
                PaymentEvent(
                    event_id=f"evt_demo_invoice_{person_id}_{period:%Y%m%d}",
                    event_type="invoice.paid",
                    kind=Kind.PAYMENT,
                    occurred_at=_at(period),
                    amount_cents=1500,
                    period_start=period,
                    period_end=end - timedelta(days=1),
                    subscription_ref=subscription,
                    payment_ref=f"pi_demo{person_id}_{period:%Y%m%d}",
                    **common,
                )
            )
            events += 1
            last = period
            period = end
        if n == 0:  # one member's latest month was refunded
            record_payment_event(
                PaymentEvent(
                    event_id=f"evt_demo_refund_{person_id}",
                    event_type="charge.refunded",
                    kind=Kind.REFUND,
                    occurred_at=_at(today),
                    amount_cents=1500,
                    payment_ref=f"pi_demo{person_id}_{last:%Y%m%d}",
                    full_refund=True,
                    **common,
                )
            )
            events += 1
    applied = 0
    for first, last_name, zip_code, dues in (
        ("Marisol", "Quintero-Vale", "10001", "hardship"),
        ("Tobiah", "Lindqvist", "60601", "monthly"),
    ):
        email = f"{first.lower()}.{last_name.lower()}@demo.bloc.test"
        if not Membership.objects.filter(person__email=email).exists():
            apply_for_membership(
                email=email, first_name=first, last_name=last_name, zip_code=zip_code, dues=dues
            )
            applied += 1
    return {
        "members_with_stripe_dues": len(members),
        "payment_events": events,
        "applications": applied,
    }


seeds.register("people.dues", Seed(run=seed_dues, order=25))
