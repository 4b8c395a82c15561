"""ActBlue-style webhooks: HTTP basic auth (a user and password set in ActBlue's webhook form and
in Bloc's settings) and a JSON body describing one contribution or one refund.

The body follows ActBlue's contribution webhook: ``donor`` (``email``), ``contribution``
(``orderNumber``, ``createdAt``, ``refcode``, ``recurringPeriod``, ``status``) and ``lineitems``
(``lineitemId``, ``amount``, ``paidAt``, ``refundedAt``). Each line item is one event: a payment,
or a refund when it carries ``refundedAt`` (or the contribution's status is ``refunded``).
A monthly recurring contribution pays a month; ``quarterly`` three; ``annually`` a year; a
one-time contribution ``BLOC_ACTBLUE_ONE_TIME_MONTHS`` (default 12: annual dues).

The dues form is an ActBlue contribution form (`BLOC_ACTBLUE_FORM_URL`) opened with ``refcode``
set to the person's reference.
"""

import base64
import binascii
import json
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.dateparse import parse_datetime

from bloc.people.models import DuesPlan
from bloc.people.payments.base import Kind, PaymentEvent, Processor, RefusedRequest

PERIOD_MONTHS = {"monthly": 1, "quarterly": 3, "annually": 12, "yearly": 12, "annual": 12}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _when(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


def _cents(value: Any) -> int:
    try:
        return int((Decimal(str(value)) * 100).to_integral_value())
    except (InvalidOperation, ValueError):
        return 0


class ActBlueProcessor(Processor):
    name = "actblue"
    label = "ActBlue"

    def is_configured(self) -> bool:
        return bool(
            getattr(settings, "BLOC_ACTBLUE_WEBHOOK_USER", "")
            and getattr(settings, "BLOC_ACTBLUE_WEBHOOK_PASSWORD", "")
        )

    def pay_url(self, *, person_ref: str, dues_plan: str, email: str) -> str:
        form = str(getattr(settings, "BLOC_ACTBLUE_FORM_URL", "") or "")
        if not form:
            return ""
        query = {"refcode": person_ref}
        if email:
            query["email"] = email
        if dues_plan == DuesPlan.MONTHLY:
            query["recurring"] = "true"
        return f"{form}{'&' if '?' in form else '?'}{urlencode(query)}"

    def _authenticate(self, request: HttpRequest) -> None:
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "basic" or not encoded:
            raise RefusedRequest("no credentials", status=401)
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise RefusedRequest("unreadable credentials", status=401) from None
        # Both compared in full, whatever the first gives: no early answer to time.
        user_ok = constant_time_compare(user, settings.BLOC_ACTBLUE_WEBHOOK_USER)
        password_ok = constant_time_compare(password, settings.BLOC_ACTBLUE_WEBHOOK_PASSWORD)
        if not (user_ok and password_ok):
            raise RefusedRequest("wrong credentials", status=401)

    def parse(self, request: HttpRequest) -> list[PaymentEvent]:
        self._authenticate(request)
        try:
            body = json.loads(request.body)
            contribution = _dict(body["contribution"])
            order = str(contribution["orderNumber"])[:120]
            items = body.get("lineitems") or []
            if not order or not isinstance(items, list):
                raise ValueError
        except (ValueError, KeyError, TypeError):
            raise RefusedRequest("malformed contribution", status=400) from None
        donor = _dict(body.get("donor"))
        period = str(contribution.get("recurringPeriod") or "once").lower()
        one_time = int(getattr(settings, "BLOC_ACTBLUE_ONE_TIME_MONTHS", 12))
        months = PERIOD_MONTHS.get(period, one_time)
        plan = DuesPlan.MONTHLY if months == 1 else DuesPlan.ANNUAL if months == 12 else ""
        refunded_order = str(contribution.get("status") or "").lower() == "refunded"
        created = _when(contribution.get("createdAt")) or timezone.now()
        events = []
        for raw in items:
            item = _dict(raw)
            item_id = str(item.get("lineitemId") or "")[:100]
            if not item_id:
                raise RefusedRequest("malformed contribution", status=400)
            ref = f"{order}:{item_id}"
            common: dict[str, Any] = {
                "processor": self.name,
                "currency": "usd",
                "person_ref": str(contribution.get("refcode") or "")[:64],
                "payer_email": str(donor.get("email") or "")[:254],
                "payment_ref": ref,
                "amount_cents": _cents(item.get("amount")),
            }
            refunded_at = _when(item.get("refundedAt"))
            if refunded_at is not None or refunded_order:
                events.append(
                    PaymentEvent(
                        event_id=f"refund:{ref}",
                        event_type="refund",
                        kind=Kind.REFUND,
                        occurred_at=refunded_at or created,
                        full_refund=True,
                        **common,
                    )
                )
            else:
                events.append(
                    PaymentEvent(
                        event_id=f"contribution:{ref}",
                        event_type="contribution",
                        kind=Kind.PAYMENT,
                        occurred_at=_when(item.get("paidAt")) or created,
                        period_months=months,
                        dues_plan=plan,
                        **common,
                    )
                )
        return events
