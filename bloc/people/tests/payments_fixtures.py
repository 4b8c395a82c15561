"""Signed fixture payloads for the payment webhooks (no network: Stripe's own signing helper,
with a test secret; ActBlue's basic auth with test credentials)."""

import base64
import itertools
import json
from datetime import UTC, date, datetime, time
from typing import Any

from stripe import WebhookSignature

STRIPE_SECRET = "whsec_test_bloc_0123456789abcdef"
ACTBLUE_USER = "actblue-hook"
ACTBLUE_PASSWORD = "a-long-test-password-2026"
PAYMENT_SETTINGS = {
    "BLOC_STRIPE_WEBHOOK_SECRET": STRIPE_SECRET,
    "BLOC_STRIPE_LINK_MONTHLY": "https://buy.stripe.test/monthly",
    "BLOC_STRIPE_LINK_ANNUAL": "https://buy.stripe.test/annual",
    "BLOC_ACTBLUE_WEBHOOK_USER": ACTBLUE_USER,
    "BLOC_ACTBLUE_WEBHOOK_PASSWORD": ACTBLUE_PASSWORD,
}
_ids = itertools.count(1)


def ts(day: date, hour: int = 12) -> int:
    return int(datetime.combine(day, time(hour), tzinfo=UTC).timestamp())


def stripe_event(kind: str, obj: dict[str, Any], *, event_id: str = "", created: int = 0) -> str:
    return json.dumps(
        {
            "id": event_id or f"evt_test_{next(_ids)}",
            "object": "event",
            "type": kind,
            "created": created or obj.get("created") or 1_780_000_000,
            "data": {"object": obj},
        }
    )


def stripe_headers(payload: str, secret: str = STRIPE_SECRET) -> dict[str, str]:
    return {"HTTP_STRIPE_SIGNATURE": WebhookSignature.generate_signature_header(payload, secret)}


def post_stripe(client: Any, payload: str, secret: str = STRIPE_SECRET) -> Any:
    return client.post(
        "/people/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        **stripe_headers(payload, secret),
    )


def checkout_payment(
    *,
    person_ref: str = "",
    email: str = "",
    day: date,
    amount: int = 1500,
    plan: str = "",
    payment_intent: str = "",
    months: int = 0,
) -> dict[str, Any]:
    metadata = {}
    if plan:
        metadata["bloc_plan"] = plan
    if months:
        metadata["bloc_period_months"] = str(months)
    return {
        "id": f"cs_test_{next(_ids)}",
        "object": "checkout.session",
        "mode": "payment",
        "payment_status": "paid",
        "client_reference_id": person_ref or None,
        "customer": None,
        "customer_details": {"email": email} if email else None,
        "amount_total": amount,
        "currency": "usd",
        "payment_intent": payment_intent or f"pi_test_{next(_ids)}",
        "created": ts(day),
        "metadata": metadata,
    }


def checkout_subscription(*, person_ref: str, customer: str, subscription: str, day: date):
    return {
        "id": f"cs_test_{next(_ids)}",
        "object": "checkout.session",
        "mode": "subscription",
        "payment_status": "paid",
        "client_reference_id": person_ref,
        "customer": customer,
        "subscription": subscription,
        "amount_total": 1500,
        "currency": "usd",
        "created": ts(day),
        "metadata": {"bloc_plan": "monthly"},
    }


def invoice_paid(
    *,
    customer: str,
    subscription: str,
    start: date,
    end: date,
    amount: int = 1500,
    payment_intent: str = "",
    email: str = "",
) -> dict[str, Any]:
    return {
        "id": f"in_test_{next(_ids)}",
        "object": "invoice",
        "customer": customer,
        "customer_email": email or None,
        "subscription": subscription,
        "amount_paid": amount,
        "currency": "usd",
        "payment_intent": payment_intent or f"pi_test_{next(_ids)}",
        "status_transitions": {"paid_at": ts(start, 13)},
        "lines": {"data": [{"period": {"start": ts(start, 5), "end": ts(end, 5)}}]},
        "created": ts(start),
    }


def charge_refunded(*, payment_intent: str, amount: int, refunded: int, day: date) -> dict:
    return {
        "id": f"ch_test_{next(_ids)}",
        "object": "charge",
        "payment_intent": payment_intent,
        "amount": amount,
        "amount_refunded": refunded,
        "refunded": refunded >= amount,
        "currency": "usd",
        "created": ts(day),
    }


def subscription_deleted(*, customer: str, subscription: str, day: date) -> dict:
    return {
        "id": subscription,
        "object": "subscription",
        "customer": customer,
        "canceled_at": ts(day),
        "ended_at": ts(day),
        "metadata": {},
    }


def actblue_body(
    *,
    order: str,
    item: int,
    email: str = "",
    refcode: str = "",
    amount: str = "15.00",
    paid: str = "2026-03-01T12:00:00-05:00",
    period: str = "monthly",
    refunded: str = "",
) -> str:
    line: dict[str, Any] = {"lineitemId": item, "amount": amount, "paidAt": paid}
    if refunded:
        line["refundedAt"] = refunded
    return json.dumps(
        {
            "donor": {"firstname": "Test", "lastname": "Donor", "email": email},
            "contribution": {
                "orderNumber": order,
                "createdAt": paid,
                "refcode": refcode,
                "recurringPeriod": period,
                "status": "refunded" if refunded else "approved",
            },
            "lineitems": [line],
        }
    )


def actblue_auth(user: str = ACTBLUE_USER, password: str = ACTBLUE_PASSWORD) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def post_actblue(client: Any, body: str, **auth: str) -> Any:
    return client.post(
        "/people/payments/actblue/webhook/",
        data=body,
        content_type="application/json",
        **(auth or actblue_auth()),
    )
