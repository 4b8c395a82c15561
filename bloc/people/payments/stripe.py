"""Stripe: signed webhooks (Stripe-Signature, verified with the official `stripe` package).

Dues are paid on Stripe Payment Links (one per plan, `BLOC_STRIPE_LINK_<PLAN>`), opened with
`client_reference_id` set to the person's reference (bloc.people.payments.refs) and the email
prefilled. Bloc never calls Stripe's API; it only reads these events:

- ``checkout.session.completed``: a one-off payment (mode ``payment``: its period is
  ``metadata.bloc_period_months`` months, else 12 for the annual plan and 1 otherwise), or the
  start of a subscription (mode ``subscription``: it ties the Stripe customer to the person; the
  dues themselves come with the subscription's invoices);
- ``invoice.paid``: a subscription period paid (the invoice's line period);
- ``customer.subscription.deleted``: recurring dues stopped (paid periods stand);
- ``charge.refunded``: money given back; a full refund takes back the period it paid for.
"""

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import stripe
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from bloc.people.models import DuesPlan
from bloc.people.payments.base import Kind, PaymentEvent, Processor, RefusedRequest

HANDLED = (
    "checkout.session.completed",
    "invoice.paid",
    "customer.subscription.deleted",
    "charge.refunded",
)
LINK_SETTINGS: dict[str, str] = {
    DuesPlan.MONTHLY.value: "BLOC_STRIPE_LINK_MONTHLY",
    DuesPlan.ANNUAL.value: "BLOC_STRIPE_LINK_ANNUAL",
    DuesPlan.INCOME_BASED.value: "BLOC_STRIPE_LINK_INCOME_BASED",
    DuesPlan.LOW_INCOME.value: "BLOC_STRIPE_LINK_LOW_INCOME",
}


def _at(value: Any) -> datetime | None:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _day(value: datetime) -> date:
    return timezone.localtime(value).date()


def _id(value: Any) -> str:
    """An id field may be a string or an expanded object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return str(value)[:255] if isinstance(value, str) else ""


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _plan(metadata: dict[str, Any]) -> str:
    plan = str(metadata.get("bloc_plan") or "")
    return plan if plan in DuesPlan.values else ""


class StripeProcessor(Processor):
    name = "stripe"
    label = "Stripe"

    def is_configured(self) -> bool:
        return bool(getattr(settings, "BLOC_STRIPE_WEBHOOK_SECRET", ""))

    def pay_url(self, *, person_ref: str, dues_plan: str, email: str) -> str:
        link = str(getattr(settings, LINK_SETTINGS.get(dues_plan, ""), "") or "")
        if not link:
            return ""
        query = {"client_reference_id": person_ref}
        if email:
            query["prefilled_email"] = email
        return f"{link}{'&' if '?' in link else '?'}{urlencode(query)}"

    def parse(self, request: HttpRequest) -> list[PaymentEvent]:
        secret = settings.BLOC_STRIPE_WEBHOOK_SECRET
        header = request.headers.get("Stripe-Signature", "")
        tolerance = getattr(settings, "BLOC_STRIPE_WEBHOOK_TOLERANCE", 300)
        try:
            payload = request.body.decode("utf-8")
            stripe.WebhookSignature.verify_header(payload, header, secret, tolerance)
        except stripe.SignatureVerificationError:
            raise RefusedRequest("bad signature", status=400) from None
        except UnicodeDecodeError:
            raise RefusedRequest("unreadable body", status=400) from None
        try:
            event = json.loads(payload)
            kind = str(event["type"])
            event_id = str(event["id"])[:255]
            created = _at(event.get("created")) or timezone.now()
            obj = _dict(_dict(event["data"])["object"])
        except (ValueError, KeyError, TypeError):
            raise RefusedRequest("malformed event", status=400) from None
        if kind not in HANDLED:
            return []
        reader = getattr(self, "_" + kind.replace(".", "_"))
        found: PaymentEvent | None = reader(event_id, kind, created, obj)
        return [found] if found is not None else []

    # --- One reader per event type --------------------------------------------------------------

    def _common(self, obj: dict[str, Any]) -> dict[str, Any]:
        metadata = _dict(obj.get("metadata"))
        return {
            "currency": str(obj.get("currency") or "")[:3].lower(),
            "customer_ref": _id(obj.get("customer")),
            "person_ref": str(metadata.get("bloc_person") or "")[:64],
        }

    def _checkout_session_completed(
        self, event_id: str, kind: str, created: datetime, obj: dict[str, Any]
    ) -> PaymentEvent | None:
        metadata = _dict(obj.get("metadata"))
        common = self._common(obj)
        details = _dict(obj.get("customer_details"))
        email = str(details.get("email") or obj.get("customer_email") or "")
        person_ref = str(obj.get("client_reference_id") or common["person_ref"])[:64]
        base = {
            "processor": self.name,
            "event_id": event_id,
            "event_type": kind,
            "occurred_at": _at(obj.get("created")) or created,
            "currency": common["currency"],
            "customer_ref": common["customer_ref"],
            "person_ref": person_ref,
            "payer_email": email[:254],
            "subscription_ref": _id(obj.get("subscription")),
        }
        if obj.get("mode") == "subscription":
            return PaymentEvent(kind=Kind.CHECKOUT, dues_plan=_plan(metadata), **base)
        if obj.get("payment_status") != "paid":
            return None  # paid later (or never): a later event says so
        plan = _plan(metadata)
        months = _int(metadata.get("bloc_period_months")) or (12 if plan == DuesPlan.ANNUAL else 1)
        return PaymentEvent(
            kind=Kind.PAYMENT,
            amount_cents=_int(obj.get("amount_total")),
            dues_plan=plan,
            period_months=min(max(months, 1), 36),
            payment_ref=_id(obj.get("payment_intent")),
            **base,
        )

    def _invoice_paid(
        self, event_id: str, kind: str, created: datetime, obj: dict[str, Any]
    ) -> PaymentEvent | None:
        common = self._common(obj)
        # The subscription and its metadata: on the invoice (API before 2025-03) or under
        # parent.subscription_details (since).
        details = _dict(_dict(obj.get("parent")).get("subscription_details")) or _dict(
            obj.get("subscription_details")
        )
        sub_meta = _dict(details.get("metadata"))
        starts, ends = [], []
        for line in _dict(obj.get("lines")).get("data") or []:
            period = _dict(_dict(line).get("period"))
            start, end = _at(period.get("start")), _at(period.get("end"))
            if start and end and end > start:
                starts.append(start)
                ends.append(end)
        paid_at = _at(_dict(obj.get("status_transitions")).get("paid_at"))
        return PaymentEvent(
            processor=self.name,
            event_id=event_id,
            event_type=kind,
            kind=Kind.PAYMENT,
            occurred_at=paid_at or created,
            amount_cents=_int(obj.get("amount_paid")),
            currency=common["currency"],
            dues_plan=_plan(sub_meta) or _plan(_dict(obj.get("metadata"))),
            # Stripe's period end is the next period's start: paid through the day before.
            period_start=_day(min(starts)) if starts else None,
            period_end=_day(max(ends) - timedelta(seconds=1)) if ends else None,
            period_months=0 if ends else 1,
            person_ref=common["person_ref"] or str(sub_meta.get("bloc_person") or "")[:64],
            customer_ref=common["customer_ref"],
            subscription_ref=_id(details.get("subscription")) or _id(obj.get("subscription")),
            payment_ref=_id(obj.get("payment_intent")) or _id(obj.get("id")),
            charge_ref=_id(obj.get("charge")),
            payer_email=str(obj.get("customer_email") or "")[:254],
        )

    def _customer_subscription_deleted(
        self, event_id: str, kind: str, created: datetime, obj: dict[str, Any]
    ) -> PaymentEvent | None:
        common = self._common(obj)
        return PaymentEvent(
            processor=self.name,
            event_id=event_id,
            event_type=kind,
            kind=Kind.CANCELLATION,
            occurred_at=_at(obj.get("ended_at")) or _at(obj.get("canceled_at")) or created,
            currency=common["currency"],
            person_ref=common["person_ref"],
            customer_ref=common["customer_ref"],
            subscription_ref=_id(obj.get("id")),
        )

    def _charge_refunded(
        self, event_id: str, kind: str, created: datetime, obj: dict[str, Any]
    ) -> PaymentEvent | None:
        common = self._common(obj)
        billing = _dict(obj.get("billing_details"))
        amount, refunded = _int(obj.get("amount")), _int(obj.get("amount_refunded"))
        return PaymentEvent(
            processor=self.name,
            event_id=event_id,
            event_type=kind,
            kind=Kind.REFUND,
            occurred_at=created,
            amount_cents=refunded,
            currency=common["currency"],
            person_ref=common["person_ref"],
            customer_ref=common["customer_ref"],
            payment_ref=_id(obj.get("payment_intent")) or _id(obj.get("invoice")),
            charge_ref=_id(obj.get("id")),
            payer_email=str(billing.get("email") or "")[:254],
            full_refund=bool(obj.get("refunded")) or (amount > 0 and refunded >= amount),
        )
