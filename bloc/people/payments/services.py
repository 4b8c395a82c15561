"""Dues from payment processors: store each event once, recompute paid-through from the stored
events (docs/decisions/0007-dues-and-payments.md).

Everything that decides a member's dues is a function of the *set* of stored events, never of
the order they arrived in:

- an event is stored once per (processor, event id); a repeat changes nothing;
- who an event belongs to is decided from all stored events tied to it (same customer,
  subscription, payment or charge): the person reference given at checkout wins, then the
  earliest such reference among the tied events, then the event's email, then the earliest
  matching email among them;
- paid-through is one ordered pass over the person's stored payments (by the processor's time):
  a payment with a period (a subscription invoice) pays through its end; a payment of N months
  pays the N months after what is already paid (or from its own day when that is later); a
  full refund takes its payment out of the pass, so the period it paid for is taken back.
"""

import calendar
import logging
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bloc.core.audit import record
from bloc.people import audit as people_audit
from bloc.people import services as people_services
from bloc.people.models import (
    DuesPlan,
    LadderEvent,
    LadderStage,
    Membership,
    Payment,
    Person,
    PersonEmail,
)
from bloc.people.normalize import normalize_email
from bloc.people.payments.base import PaymentEvent
from bloc.people.payments.refs import read_person_ref

logger = logging.getLogger(__name__)
Kind = Payment.Kind
_TIES = ("customer_ref", "subscription_ref", "payment_ref", "charge_ref")
_ORDER = ("occurred_at", "processor", "processor_event_id")
_CLUSTER_LIMIT = 5000


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _local_day(value: Any) -> date:
    return timezone.localtime(value).date()


# --- Storing events ------------------------------------------------------------------------------


def record_payment_event(event: PaymentEvent) -> tuple[Payment, bool]:
    """Store one processor event (once) and recompute the dues of everyone it concerns.

    Returns the stored row and whether it is new. A repeat of an event already stored (the
    processor retrying, a replay) returns the stored row and changes nothing."""
    existing = Payment.objects.filter(
        processor=event.processor, processor_event_id=event.event_id
    ).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            row = Payment.objects.create(
                processor=event.processor,
                processor_event_id=event.event_id,
                event_type=event.event_type[:80],
                kind=event.kind,
                occurred_at=event.occurred_at,
                amount_cents=event.amount_cents,
                refunds_all=event.kind == Kind.REFUND and event.full_refund,
                currency=event.currency[:3],
                dues_plan=event.dues_plan if event.dues_plan in DuesPlan.values else "",
                period_start=event.period_start,
                period_end=event.period_end,
                period_months=max(0, min(event.period_months, 36)),
                person_ref=event.person_ref[:64],
                customer_ref=event.customer_ref[:255],
                subscription_ref=event.subscription_ref[:255],
                payment_ref=event.payment_ref[:255],
                charge_ref=event.charge_ref[:255],
                payer_email=normalize_email(event.payer_email)[:254],
            )
            affected = _assign_people(row)
            for person_id in sorted(affected):
                recompute_dues(person_id)
            record(
                "people.payment_recorded",
                target=row,
                processor=row.processor,
                kind=row.kind,
                event_type=row.event_type,
                matched=row.person_id is not None,
            )
    except IntegrityError:
        # The same event delivered twice at once: the other delivery stored it.
        stored = Payment.objects.get(processor=event.processor, processor_event_id=event.event_id)
        return stored, False
    if row.person_id is None:
        logger.warning(
            "payment event matched nobody: processor=%s kind=%s id=%s",
            row.processor,
            row.kind,
            row.pk,
        )
    return row, True


def record_payment_events(events: Iterable[PaymentEvent]) -> dict[str, int]:
    counts = {"stored": 0, "repeated": 0}
    for event in events:
        _row, created = record_payment_event(event)
        counts["stored" if created else "repeated"] += 1
    return counts


# --- Who an event belongs to ---------------------------------------------------------------------


def _live(person_id: int | None) -> int | None:
    """Follow merges to the surviving record."""
    seen: set[int] = set()
    while person_id is not None and person_id not in seen:
        seen.add(person_id)
        nxt = Person.objects.filter(pk=person_id).values_list("merged_into_id", flat=True).first()
        if nxt is None:
            exists = Person.objects.filter(pk=person_id).exists()
            return person_id if exists else None
        person_id = nxt
    return None


def _cluster(row: Payment) -> list[Payment]:
    """`row` and every stored event of its processor tied to it, directly or through others."""
    found = {row.pk: row}
    frontier = [row]
    while frontier and len(found) < _CLUSTER_LIMIT:
        ties = Q()
        for item in frontier:
            for field in _TIES:
                value = getattr(item, field)
                if value:
                    ties |= Q(**{field: value})
        if not ties:
            break
        frontier = [
            p
            for p in Payment.objects.filter(ties, processor=row.processor).exclude(
                pk__in=list(found)
            )[:_CLUSTER_LIMIT]
        ]
        found.update((p.pk, p) for p in frontier)
    return sorted(found.values(), key=lambda p: (p.occurred_at, p.processor, p.processor_event_id))


def _assign_people(row: Payment) -> set[int]:
    """Decide the person of `row` and of every event tied to it; returns the people whose
    dues must be recomputed (those who gained or lost an event)."""
    cluster = _cluster(row)
    by_ref: dict[str, int | None] = {}
    by_email: dict[str, int | None] = {}

    def ref_person(item: Payment) -> int | None:
        if item.person_ref not in by_ref:
            by_ref[item.person_ref] = _live(read_person_ref(item.person_ref))
        return by_ref[item.person_ref]

    def email_person(item: Payment) -> int | None:
        if not item.payer_email:
            return None
        if item.payer_email not in by_email:
            owner = (
                PersonEmail.objects.filter(normalized=item.payer_email)
                .values_list("person_id", flat=True)
                .first()
            )
            by_email[item.payer_email] = _live(owner)
        return by_email[item.payer_email]

    anchor = next((pid for pid in map(ref_person, cluster) if pid), None)
    email_anchor = next((pid for pid in map(email_person, cluster) if pid), None)
    affected: set[int] = set()
    for item in cluster:
        person_id = ref_person(item) or anchor or email_person(item) or email_anchor
        person_id = person_id or _live(item.person_id)
        if item.pk == row.pk or person_id != item.person_id:
            for pid in (item.person_id, person_id):
                live = _live(pid)
                if live:
                    affected.add(live)
            if person_id != item.person_id:
                Payment.objects.filter(pk=item.pk).update(person_id=person_id)
                item.person_id = person_id
    return affected


# --- Paid-through --------------------------------------------------------------------------------


def _with_merged(person_id: int) -> list[int]:
    """The person and every record merged into them (payments stay on the record they came to)."""
    ids, frontier = {person_id}, [person_id]
    while frontier:
        frontier = [
            pk
            for pk in Person.objects.filter(merged_into_id__in=frontier).values_list(
                "pk", flat=True
            )
            if pk not in ids
        ]
        ids.update(frontier)
    return sorted(ids)


def _refunds(rows: list[Payment]) -> dict[tuple[str, str], int]:
    """Per (processor, payment or charge reference): the most refunded (-1: all of it)."""
    refunds: dict[tuple[str, str], int] = {}
    for item in rows:
        if item.kind != Kind.REFUND:
            continue
        for ref in (item.payment_ref, item.charge_ref):
            if not ref:
                continue
            key = (item.processor, ref)
            before = refunds.get(key, 0)
            amount = -1 if item.refunds_all else item.amount_cents
            refunds[key] = -1 if -1 in (before, amount) else max(before, amount)
    return refunds


def _is_refunded(payment: Payment, refunds: dict[tuple[str, str], int]) -> bool:
    for ref in (payment.payment_ref, payment.charge_ref):
        amount = refunds.get((payment.processor, ref)) if ref else None
        if amount is None:
            continue
        if amount == -1 or (payment.amount_cents > 0 and amount >= payment.amount_cents):
            return True
    return False


def _plan_for(payment: Payment) -> str:
    if payment.dues_plan:
        return payment.dues_plan
    return DuesPlan.ANNUAL if payment.period_months == 12 else DuesPlan.MONTHLY


def recompute_dues(person_id: int) -> Membership | None:
    """Recompute a person's paid-through (and each payment's covered period) from every stored
    event. Called inside record_payment_event's transaction; the membership row is locked so
    two events for one person are applied one after the other."""
    person = Person.objects.select_for_update().get(pk=person_id)
    rows = list(Payment.objects.filter(person_id__in=_with_merged(person_id)).order_by(*_ORDER))
    payments = [p for p in rows if p.kind == Kind.PAYMENT]
    membership = Membership.objects.select_for_update().filter(person=person).first()
    changed: list[str] = []
    if membership is None:
        if not payments:
            return None
        membership = Membership.objects.create(
            person=person,
            joined_on=_local_day(payments[0].occurred_at),
            dues_plan=DuesPlan.MONTHLY,
            status=Membership.Status.PENDING,
        )
        changed += ["joined_on", "dues_plan", "status"]
    # Set-based, like everything here: a member joined no later than their first payment, and
    # pays the plan the latest payment that names one says (a waiver stays a waiver).
    first_day = min((_local_day(p.occurred_at) for p in payments), default=None)
    if first_day is not None and first_day < membership.joined_on:
        membership.joined_on = first_day
        changed.append("joined_on")
    named = [_plan_for(p) for p in payments if p.dues_plan or p.period_months in (1, 12)]
    waived = DuesPlan.WAIVED in (membership.dues_plan, membership.status)
    if named and not waived and membership.dues_plan != named[-1]:
        membership.dues_plan = named[-1]
        changed.append("dues_plan")
    if not membership.dues_from_processor:
        membership.dues_from_processor = True
        membership.paid_through_before_processor = membership.paid_through_on
        changed.append("dues_from_processor")
    refunds = _refunds(rows)
    through = membership.paid_through_before_processor
    updated: list[Payment] = []
    for payment in payments:
        refunded = _is_refunded(payment, refunds)
        covered: tuple[date | None, date | None] = (None, None)
        if not refunded and payment.period_end is not None:
            covered = (payment.period_start or payment.period_end, payment.period_end)
        elif not refunded:
            start = _local_day(payment.occurred_at)
            if through is not None and through >= start:
                start = through + timedelta(days=1)
            end = add_months(start, payment.period_months or 1) - timedelta(days=1)
            covered = (start, end)
        if covered[1] is not None and (through is None or covered[1] > through):
            through = covered[1]
        if (payment.covered_from, payment.covered_through, payment.refunded) != (
            *covered,
            refunded,
        ):
            payment.covered_from, payment.covered_through = covered
            payment.refunded = refunded
            updated.append(payment)
    if updated:
        Payment.objects.bulk_update(updated, ["covered_from", "covered_through", "refunded"])
    if membership.paid_through_on != through:
        membership.paid_through_on = through
        changed.append("paid_through_on")
    activated = membership.status == Membership.Status.PENDING and bool(payments)
    if activated:
        membership.status = Membership.Status.ACTIVE
        changed.append("status")
    if changed:
        membership.save()
        people_audit.membership_recorded(
            actor=None, membership=membership, fields=sorted(set(changed))
        )
    if (
        activated
        and not LadderEvent.objects.filter(person=person, stage=LadderStage.JOINED).exists()
    ):
        people_services.record_ladder_step(
            person=person,
            stage=LadderStage.JOINED,
            attribution_type="membership",
            attribution_id=str(membership.pk),
            attribution_label="first dues payment",
        )
    return membership
