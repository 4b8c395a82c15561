"""The outbox engine: claim a batch, check consent and quiet hours at send time, hand to the
provider, record what happened. See docs/decisions/0801-delivery-semantics.md.

Guarantees, per row of `OutboxMessage`:
- A row is claimed by one worker at a time (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; the
  IMMEDIATE transaction serialises claimers on SQLite) and the claim commits before any send.
- Consent is read inside the transaction that hands the message to the provider, with the
  recipient's person row locked; `services.unsubscribe` takes the same lock, so an unsubscribe
  that committed is always seen, and one that waits commits only after the hand-off.
- A worker that dies leaves its rows SENDING until the lease expires. Then at-least-once rows go
  back to PENDING (re-sent with the same idempotency key, which the provider drops as a repeat),
  and at-most-once rows become UNKNOWN: never sent twice, and every possible loss is counted.
"""

import logging
import os
import random
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from bloc.comms import quiet_hours, render
from bloc.comms.backends import backend_for
from bloc.comms.backends.base import Backend, Outcome, OutgoingMessage, Result
from bloc.comms.models import Broadcast, DeliveryMode, OutboxMessage, Suppression
from bloc.core.tasks import backoff_delay
from bloc.people.models import Person
from bloc.people.selectors import contactable

logger = logging.getLogger(__name__)
Status = OutboxMessage.Status


class MessageClass:
    """Delivery mode is chosen per class of message, never per call site."""

    BULK = "bulk"  # broadcasts: a lost message is regrettable, a duplicate is a broken promise
    CREDENTIAL = "credential"  # login codes, ballot credentials: a lost one locks someone out


def mode_for(message_class: str, backend: Backend) -> str:
    """Bulk is at-most-once unless the provider dedupes by key; credentials at-least-once."""
    if message_class == MessageClass.CREDENTIAL or backend.supports_idempotency:
        return DeliveryMode.AT_LEAST_ONCE
    return DeliveryMode.AT_MOST_ONCE


def lease() -> timedelta:
    return timedelta(seconds=getattr(settings, "BLOC_COMMS_LEASE_SECONDS", 300))


def max_attempts() -> int:
    return int(getattr(settings, "BLOC_COMMS_MAX_ATTEMPTS", 6))


def batch_size() -> int:
    return int(getattr(settings, "BLOC_COMMS_BATCH_SIZE", 500))


def worker_name() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass
class BatchReport:
    claimed: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def claim(*, worker: str, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due rows for this worker and commit the claim."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
            .values_list("id", flat=True)[:limit]
        )
        if ids:
            OutboxMessage.objects.filter(id__in=ids).update(
                status=Status.SENDING,
                claimed_by=worker,
                lease_expires_at=now + lease(),
                attempts=F("attempts") + 1,
            )
    return ids


def recover_expired_leases(*, now: datetime | None = None) -> dict[str, int]:
    """Rows of workers that died: retry at-least-once ones, write off at-most-once ones."""
    now = now or timezone.now()
    expired = OutboxMessage.objects.filter(status=Status.SENDING, lease_expires_at__lt=now)
    with transaction.atomic():
        retried = expired.filter(mode=DeliveryMode.AT_LEAST_ONCE).update(
            status=Status.PENDING, next_attempt_at=now, claimed_by="", lease_expires_at=None
        )
        unknown = expired.filter(mode=DeliveryMode.AT_MOST_ONCE).update(
            status=Status.UNKNOWN, reason="worker_lost", claimed_by="", lease_expires_at=None
        )
    if retried or unknown:
        logger.warning(
            "outbox: recovered %d rows for retry, %d of unknown outcome", retried, unknown
        )
    return {"retried": retried, "unknown": unknown}


def _site_url() -> str:
    return str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/")


def build_message(
    broadcast: Broadcast, person: Person, key: str, variant: str = "a", *, preview: bool = False
) -> OutgoingMessage:
    values = render.person_values(person)
    subject, body_template = broadcast.content(variant or broadcast.winner or "a")
    entity = broadcast.legal_entity
    # A preview never shows the recipient's real link: whoever holds it can unsubscribe them.
    unsubscribe = (
        _site_url() + "/comms/u/…/"
        if preview
        else _site_url() + render.unsubscribe_path(person_id=person.pk, broadcast_id=broadcast.pk)
    )
    body = render.merge(body_template, values)
    if broadcast.channel == Broadcast.Channel.SMS:
        tail = f"{entity.disclaimer} " if entity.disclaimer else ""
        return OutgoingMessage(
            key=key, to=person.phone, body=f"{body}\n{tail}Reply STOP to opt out."
        )
    footer = "\n".join(
        line
        for line in (entity.disclaimer, f"{entity.name}, {entity.postal_address}")
        if line.strip()
    )
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return OutgoingMessage(
        key=key,
        to=person.email,
        subject=render.merge(subject, values),
        body=f"{body}\n\n--\n{footer}\nUnsubscribe: {unsubscribe}\n",
        from_email=formataddr((broadcast.from_name or entity.name, sender)),
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def _address(row: OutboxMessage, person: Person) -> str:
    return person.phone if row.channel == Broadcast.Channel.SMS else person.email


def _settle(row: OutboxMessage, result: Result, now: datetime) -> None:
    if result.outcome is Outcome.ACCEPTED:
        row.status, row.sent_at, row.provider_message_id = Status.SENT, now, result.provider_id
        return
    row.reason = result.detail[:40]
    retry = result.outcome is Outcome.TEMPORARY or (
        result.outcome is Outcome.UNKNOWN and row.mode == DeliveryMode.AT_LEAST_ONCE
    )
    if result.outcome is Outcome.PERMANENT:
        row.status = Status.FAILED
    elif retry and row.attempts < max_attempts():
        row.status = Status.PENDING
        row.next_attempt_at = now + backoff_delay(row.attempts - 1, base_seconds=60)
    elif retry:
        row.status, row.reason = Status.FAILED, "gave_up"
    else:
        row.status = Status.UNKNOWN
    row.claimed_by, row.lease_expires_at = "", None


def _write_back(rows: list[OutboxMessage]) -> None:
    """One prepared UPDATE per row, pipelined (bulk_update's CASE chains cost more than sending)."""
    table = OutboxMessage._meta.db_table
    when = connection.ops.adapt_datetimefield_value
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET status = %s, reason = %s, sent_at = %s, "  # noqa: S608
            "provider_message_id = %s, next_attempt_at = %s, attempts = %s, claimed_by = %s, "
            "lease_expires_at = %s WHERE id = %s",
            [
                (
                    row.status,
                    row.reason,
                    when(row.sent_at),
                    row.provider_message_id,
                    when(row.next_attempt_at),
                    row.attempts,
                    row.claimed_by,
                    when(row.lease_expires_at),
                    row.pk,
                )
                for row in rows
            ],
        )


def _send_group(
    broadcast: Broadcast, ids: list[int], worker: str, backend: Backend, report: BatchReport
) -> None:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(id__in=ids, status=Status.SENDING, claimed_by=worker)
            .order_by("id")
        )
        if not rows:
            return
        person_ids = sorted({row.person_id for row in rows})
        # The lock an unsubscribe also takes (see the module docstring).
        list(
            Person.objects.select_for_update()
            .filter(pk__in=person_ids)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        people = Person.objects.select_related("chapter").in_bulk(person_ids)
        allowed = set(
            contactable(Person.objects.filter(pk__in=person_ids), broadcast.channel).values_list(
                "pk", flat=True
            )
        )
        addresses = {pid: _address(rows[0], person) for pid, person in people.items()}
        suppressed = set(
            Suppression.objects.filter(
                channel=broadcast.channel, address__in=[a for a in addresses.values() if a]
            ).values_list("address", flat=True)
        )
        cancelled = Broadcast.objects.filter(
            pk=broadcast.pk, status=Broadcast.Status.CANCELLED
        ).exists()
        outgoing: dict[str, OutgoingMessage] = {}
        by_key: dict[str, OutboxMessage] = {}
        for row in rows:
            person = people.get(row.person_id)
            address = addresses.get(row.person_id, "")
            skip = ""
            if cancelled:
                skip = "cancelled"
            elif person is None or person.merged_into_id is not None:
                skip = "merged_or_deleted"
            elif row.person_id not in allowed:
                skip = "no_consent"
            elif not address:
                skip = "no_address"
            elif address in suppressed:
                skip = "suppressed"
            if skip:
                row.status, row.reason, row.claimed_by, row.lease_expires_at = (
                    Status.SKIPPED,
                    skip,
                    "",
                    None,
                )
                continue
            assert person is not None
            if row.variant == "" and broadcast.is_ab_test and not broadcast.winner:
                # Held for the A/B winner; `choose_winners` releases it.
                row.status, row.next_attempt_at = Status.PENDING, now + timedelta(minutes=10)
                row.attempts -= 1
                row.claimed_by, row.lease_expires_at, row.reason = "", None, "awaiting_winner"
                continue
            if row.channel == Broadcast.Channel.SMS:
                opens = quiet_hours.next_allowed(person.zip_code, now)
                if opens != now:
                    # Not an attempt: wait for the recipient's morning.
                    row.status, row.next_attempt_at = Status.PENDING, opens
                    row.attempts -= 1
                    row.claimed_by, row.lease_expires_at, row.reason = "", None, "quiet_hours"
                    continue
            outgoing[row.idempotency_key] = build_message(
                broadcast, person, row.idempotency_key, row.variant
            )
            by_key[row.idempotency_key] = row
        results = backend.send(list(outgoing.values())) if outgoing else []
        answered = set()
        for result in results:
            target = by_key.get(result.key)
            if target is None or result.key in answered:
                continue
            answered.add(result.key)
            _settle(target, result, now)
        for key, row in by_key.items():
            if key not in answered:  # a provider that forgot a message: treat as unknown
                _settle(row, Result(key, Outcome.UNKNOWN, detail="no_answer"), now)
        _write_back(rows)
    for row in rows:
        report.counts[row.status] += 1


def send_claimed(
    ids: list[int], *, worker: str, backends: dict[str, Backend] | None = None
) -> BatchReport:
    report = BatchReport(claimed=len(ids))
    groups: dict[int, list[int]] = defaultdict(list)
    for row_id, broadcast_id in OutboxMessage.objects.filter(id__in=ids).values_list(
        "id", "broadcast_id"
    ):
        groups[broadcast_id].append(row_id)
    broadcasts = Broadcast.objects.select_related("legal_entity").in_bulk(list(groups))
    cache: dict[str, Backend] = dict(backends or {})
    for broadcast_id, row_ids in groups.items():
        broadcast = broadcasts[broadcast_id]
        backend = cache.get(broadcast.channel) or cache.setdefault(
            broadcast.channel, backend_for(broadcast.channel)
        )
        _send_group(broadcast, row_ids, worker, backend, report)
    finish_broadcasts(broadcast_ids=list(groups))
    return report


def finish_broadcasts(*, broadcast_ids: list[int] | None = None) -> int:
    """Mark SENDING broadcasts SENT once no row is waiting or in flight."""
    sending = Broadcast.objects.filter(status=Broadcast.Status.SENDING)
    if broadcast_ids is not None:
        sending = sending.filter(pk__in=broadcast_ids)
    open_ids = set(
        OutboxMessage.objects.filter(
            broadcast__in=sending, status__in=[Status.PENDING, Status.SENDING]
        ).values_list("broadcast_id", flat=True)
    )
    done = [pk for pk in sending.values_list("pk", flat=True) if pk not in open_ids]
    if done:
        Broadcast.objects.filter(pk__in=done, status=Broadcast.Status.SENDING).update(
            status=Broadcast.Status.SENT, finished_at=timezone.now()
        )
    return len(done)


def run_worker(
    *,
    worker: str | None = None,
    limit: int | None = None,
    budget_seconds: float | None = None,
    backends: dict[str, Backend] | None = None,
    idle_exit: bool = True,
    poll_seconds: float = 1.0,
) -> dict[str, int]:
    """Claim and send batches until nothing is due (or the time budget is spent)."""
    worker = worker or worker_name()
    limit = limit or batch_size()
    started = time.monotonic()
    totals: dict[str, int] = defaultdict(int)
    while budget_seconds is None or time.monotonic() - started < budget_seconds:
        ids = claim(worker=worker, limit=limit)
        if not ids:
            recovered = recover_expired_leases()
            finish_broadcasts()
            if recovered["retried"]:
                continue
            if idle_exit:
                break
            time.sleep(poll_seconds * random.uniform(0.5, 1.5))
            continue
        report = send_claimed(ids, worker=worker, backends=backends)
        for status, count in report.counts.items():
            totals[status] += count
    return dict(totals)


def variant_rates(broadcast: Broadcast) -> dict[str, float]:
    """The A/B metric (opens or clicks per message sent) for each variant."""
    from django.db.models import Count, Q

    field = f"{broadcast.winner_metric}_at__isnull"
    rates = {}
    for variant in ("a", "b"):
        counts = OutboxMessage.objects.filter(
            broadcast=broadcast, variant=variant, status=Status.SENT
        ).aggregate(sent=Count("id"), hits=Count("id", filter=Q(**{field: False})))
        rates[variant] = counts["hits"] / counts["sent"] if counts["sent"] else 0.0
    return rates


def stats_for(broadcast: Broadcast) -> dict[str, Any]:
    from django.db.models import Count, Q

    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    counts = rows.aggregate(
        total=Count("id"),
        waiting=Count("id", filter=Q(status__in=[Status.PENDING, Status.SENDING])),
        sent=Count("id", filter=Q(status=Status.SENT)),
        failed=Count("id", filter=Q(status=Status.FAILED)),
        unknown=Count("id", filter=Q(status=Status.UNKNOWN)),
        skipped=Count("id", filter=Q(status=Status.SKIPPED)),
        delivered=Count("id", filter=Q(delivered_at__isnull=False)),
        opened=Count("id", filter=Q(opened_at__isnull=False)),
        clicked=Count("id", filter=Q(clicked_at__isnull=False)),
        bounced=Count("id", filter=Q(bounced_at__isnull=False)),
        complained=Count("id", filter=Q(complained_at__isnull=False)),
        replied=Count("id", filter=Q(replied_at__isnull=False)),
    )
    from bloc.core.models import AuditEvent

    counts["unsubscribed"] = AuditEvent.objects.filter(
        action="comms.unsubscribed", data__broadcast_id=broadcast.pk
    ).count()
    return counts
