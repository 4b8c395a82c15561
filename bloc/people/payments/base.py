"""The contract every payment processor module implements (docs/decisions/0007).

A processor turns one authenticated webhook request into processor-neutral `PaymentEvent`s, or
refuses it with `RefusedRequest` (bad signature, bad credentials, unreadable body). It never
writes: `bloc.people.payments.services.record_payment_event` stores each event once and
recomputes dues. A third processor implements `parse` (and `is_configured`) and is listed in
`BLOC_PAYMENT_PROCESSORS` or `PROCESSORS` (bloc/people/payments/__init__.py).
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import date, datetime

from django.http import HttpRequest

from bloc.people.models import Payment

Kind = Payment.Kind


class RefusedRequest(Exception):
    """The request is not from the processor (or not readable): answered with `status`, logged
    without its body, and nothing is stored."""

    def __init__(self, reason: str, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


@dataclass(frozen=True)
class PaymentEvent:
    """One processor event, processor-neutral. Amounts are in the currency's minor unit."""

    processor: str
    event_id: str
    event_type: str
    kind: str  # a Payment.Kind value
    occurred_at: datetime
    amount_cents: int = 0
    currency: str = ""
    dues_plan: str = ""
    # Either an explicit period (a subscription invoice's) or a length in months.
    period_start: date | None = None
    period_end: date | None = None
    period_months: int = 0
    person_ref: str = ""
    customer_ref: str = ""
    subscription_ref: str = ""
    payment_ref: str = ""
    charge_ref: str = ""
    payer_email: str = ""
    # A refund: the cumulative amount refunded so far on the payment it refers to (0: all).
    full_refund: bool = False


class Processor(ABC):
    #: The short name used in URLs and stored on payments ("stripe", "actblue").
    name: str = ""
    label: str = ""

    @abstractmethod
    def is_configured(self) -> bool:
        """True when its secrets are set; an unconfigured processor's endpoint answers 404."""

    @abstractmethod
    def parse(self, request: HttpRequest) -> list[PaymentEvent]:
        """Authenticate the request and read its events; raise RefusedRequest otherwise.
        Events the processor sends that do not concern dues are left out (an empty list)."""

    def pay_url(self, *, person_ref: str, dues_plan: str, email: str) -> str:
        """Where a new member pays this plan (a hosted payment page), or "" when none."""
        return ""
