"""The outbox engine: claim a batch, check consent and quiet hours at send time, hand to the
provider, record what happened. See docs/decisions/0801-delivery-semantics.md.

Guarantees, per row of `OutboxMessage`:
- A row is claimed by one worker at a time (`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL; the
  IMMEDIATE transaction serialises claimers on SQLite) and the claim commits before any send.
- Consent is read inside the transaction that hands the message to the provider, with the
  recipient's person row locked; `services.unsubscribe` takes the same lock, so an unsubscribe
  that committed is always seen, and one that waits commits only after the hand-off.
- Each message is its own transaction, and is marked in flight (`attempted_at`, committed)
  before its provider call; so at most one row of a claim is in flight at a time.
- A worker asked to stop (SIGTERM) finishes the message in flight and gives back the rest.
- A worker that dies leaves its rows SENDING until the lease expires (renewed while it works).
  Then rows never attempted go back to PENDING; the one in flight is retried when at-least-once
  (same idempotency key, which the provider drops as a repeat) and otherwise becomes UNKNOWN:
  never sent twice, at most one possible loss per crash, counted, and re-sendable by staff.
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
from bloc.core import workers
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
    return timedelta(seconds=getattr(settings, "BLOC_COMMS_LEASE_SECONDS", 60))


def max_attempts() -> int:
    return int(getattr(settings, "BLOC_COMMS_MAX_ATTEMPTS", 6))


def batch_size() -> int:
    return int(getattr(settings, "BLOC_COMMS_BATCH_SIZE", 500))


def worker_name() -> str:
    return f"{os.getpid()}-{uuid.uuid4().hex[:8]}"


@dataclass
class BatchReport:
    claimed: int = 0
    released: int = 0  #: given back unsent because the worker was asked to stop
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    broadcast_ids: set[int] = field(default_factory=set)


def claim(*, worker: str, limit: int, now: datetime | None = None) -> list[int]:
    """Claim up to `limit` due rows for this worker and commit the claim. Rows of dead workers
    whose lease has expired are taken back first, so the next claimer picks them up."""
    now = now or timezone.now()
    recover_expired_leases(now=now)
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
                attempted_at=None,
                attempts=F("attempts") + 1,
            )
    return ids


def recover_expired_leases(*, now: datetime | None = None) -> dict[str, int]:
    """Take back the rows of workers that died: claimed rows whose lease expired.

    A row never attempted goes back to PENDING, its claim not counted as an attempt. Only the
    row that was in flight (`attempted_at` set) may have reached the recipient: it is retried
    when at-least-once, and otherwise marked UNKNOWN (reason `worker_lost`), which staff can
    review and re-send. Rows locked by a live worker's send are skipped, whatever their lease.
    """
    now = now or timezone.now()
    counts = {"released": 0, "retried": 0, "unknown": 0}
    with transaction.atomic():
        expired = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(status=Status.SENDING, lease_expires_at__lt=now)
            .values_list("id", "mode", "attempted_at")
        )
        if not expired:
            return counts
        never = [pk for pk, _mode, at in expired if at is None]
        retry = [pk for pk, mode, at in expired if at and mode == DeliveryMode.AT_LEAST_ONCE]
        lost = [pk for pk, mode, at in expired if at and mode != DeliveryMode.AT_LEAST_ONCE]
        unclaim = {"claimed_by": "", "lease_expires_at": None}
        rows = OutboxMessage.objects
        if never:
            counts["released"] = rows.filter(id__in=never).update(
                status=Status.PENDING, next_attempt_at=now, attempts=F("attempts") - 1, **unclaim
            )
        if retry:
            counts["retried"] = rows.filter(id__in=retry).update(
                status=Status.PENDING, next_attempt_at=now, attempted_at=None, **unclaim
            )
        if lost:
            counts["unknown"] = rows.filter(id__in=lost).update(
                status=Status.UNKNOWN, reason="worker_lost", **unclaim
            )
    logger.warning(
        "outbox: took back %(released)d unattempted rows, %(retried)d to retry, "
        "%(unknown)d of unknown outcome from workers whose lease expired",
        counts,
    )
    return counts


def release(ids: list[int], *, worker: str) -> int:
    """Give back claimed rows this worker has not attempted (it was asked to stop)."""
    if not ids:
        return 0
    return OutboxMessage.objects.filter(
        id__in=ids, status=Status.SENDING, claimed_by=worker
    ).update(
        status=Status.PENDING,
        next_attempt_at=timezone.now(),
        attempts=F("attempts") - 1,
        claimed_by="",
        lease_expires_at=None,
        attempted_at=None,
    )


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


_OUTCOME_COLUMNS = (
    "status",
    "reason",
    "sent_at",
    "provider_message_id",
    "next_attempt_at",
    "attempts",
    "claimed_by",
    "lease_expires_at",
)


def _write_back(
    rows: list[OutboxMessage], *, in_flight_next: tuple[int, str] | None = None
) -> None:
    """One prepared UPDATE per row, pipelined (bulk_update's CASE chains cost more than sending).

    With `in_flight_next` (one row): the same statement marks that row, if still claimed by
    that worker, in flight, so an outcome and the next mark cost one round trip."""
    table = OutboxMessage._meta.db_table
    when = connection.ops.adapt_datetimefield_value

    def values(row: OutboxMessage) -> list[Any]:
        return [
            row.status,
            row.reason,
            when(row.sent_at),
            row.provider_message_id,
            when(row.next_attempt_at),
            row.attempts,
            row.claimed_by,
            when(row.lease_expires_at),
        ]

    with connection.cursor() as cursor:
        if in_flight_next is not None:
            (row,) = rows
            next_id, worker = in_flight_next
            sets = ", ".join(
                f"{column} = CASE WHEN id = %s THEN %s ELSE {column} END"
                for column in _OUTCOME_COLUMNS
            )
            params: list[Any] = []
            for value in values(row):
                params += [row.pk, value]
            cursor.execute(
                f"UPDATE {table} SET {sets}, "  # noqa: S608
                "attempted_at = CASE WHEN id = %s THEN %s ELSE attempted_at END "
                "WHERE id = %s OR (id = %s AND status = %s AND claimed_by = %s)",
                [
                    *params,
                    next_id,
                    when(timezone.now()),
                    row.pk,
                    next_id,
                    Status.SENDING,
                    worker,
                ],
            )
            return
        sets = ", ".join(f"{column} = %s" for column in _OUTCOME_COLUMNS)
        cursor.executemany(
            f"UPDATE {table} SET {sets} WHERE id = %s",  # noqa: S608
            [[*values(row), row.pk] for row in rows],
        )


@dataclass
class _Send:
    row: OutboxMessage
    broadcast: Broadcast
    message: OutgoingMessage


def _unclaim(row: OutboxMessage) -> None:
    row.claimed_by, row.lease_expires_at = "", None


def _plan_row(
    row: OutboxMessage,
    broadcast: Broadcast,
    person: Person | None,
    *,
    allowed: bool,
    suppressed: set[str],
    now: datetime,
) -> OutgoingMessage | None:
    """The message to send for this row, or None with the row's outcome set (not sent now)."""
    address = _address(row, person) if person is not None else ""
    skip = ""
    if broadcast.status == Broadcast.Status.CANCELLED:
        skip = "cancelled"
    elif person is None or person.merged_into_id is not None:
        skip = "merged_or_deleted"
    elif not allowed:
        skip = "no_consent"
    elif not address:
        skip = "no_address"
    elif address in suppressed:
        skip = "suppressed"
    if skip:
        row.status, row.reason = Status.SKIPPED, skip
        _unclaim(row)
        return None
    assert person is not None
    if row.variant == "" and broadcast.is_ab_test and not broadcast.winner:
        # Held for the A/B winner; `choose_winners` releases it. Not an attempt.
        row.status, row.next_attempt_at = Status.PENDING, now + timedelta(minutes=10)
        row.attempts -= 1
        row.reason = "awaiting_winner"
        _unclaim(row)
        return None
    if row.channel == Broadcast.Channel.SMS:
        opens = quiet_hours.next_allowed(person.zip_code, now)
        if opens != now:
            # Not an attempt: wait for the recipient's morning.
            row.status, row.next_attempt_at = Status.PENDING, opens
            row.attempts -= 1
            row.reason = "quiet_hours"
            _unclaim(row)
            return None
    return build_message(broadcast, person, row.idempotency_key, row.variant)


def _plan(ids: list[int], worker: str, report: BatchReport) -> list[_Send]:
    """Decide for the whole claim at once what is not sent now (no consent, suppressed,
    cancelled, quiet hours, the A/B hold, a record that cannot be rendered), write those
    outcomes, and return the rest rendered, in id order. The first of them is marked in flight
    in the same commit (see `_send_one`)."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            OutboxMessage.objects.select_for_update()
            .filter(id__in=ids, status=Status.SENDING, claimed_by=worker)
            .order_by("id")
        )
        if not rows:
            return []
        broadcasts = Broadcast.objects.select_related("legal_entity").in_bulk(
            {row.broadcast_id for row in rows}
        )
        report.broadcast_ids.update(broadcasts)
        person_ids = sorted({row.person_id for row in rows})
        people = Person.objects.select_related("chapter").in_bulk(person_ids)
        allowed = {
            channel: set(
                contactable(Person.objects.filter(pk__in=person_ids), channel).values_list(
                    "pk", flat=True
                )
            )
            for channel in {row.channel for row in rows}
        }
        addresses = {
            _address(row, people[row.person_id]) for row in rows if row.person_id in people
        }
        suppressed = set(
            Suppression.objects.filter(address__in=[a for a in addresses if a]).values_list(
                "channel", "address"
            )
        )
        sends: list[_Send] = []
        settled: list[OutboxMessage] = []
        for row in rows:
            broadcast = broadcasts[row.broadcast_id]
            try:
                message = _plan_row(
                    row,
                    broadcast,
                    people.get(row.person_id),
                    allowed=row.person_id in allowed[row.channel],
                    suppressed={a for channel, a in suppressed if channel == row.channel},
                    now=now,
                )
            except Exception as exc:  # one bad record never fails the batch
                # The row id and the error's class only: messages can quote personal data.
                logger.error(
                    "outbox: row #%s could not be prepared: %s", row.pk, type(exc).__name__
                )
                row.status, row.reason = Status.FAILED, f"error:{type(exc).__name__}"[:40]
                _unclaim(row)
                message = None
            if message is None:
                settled.append(row)
            else:
                sends.append(_Send(row, broadcast, message))
        _write_back(settled)
        if sends:
            _mark_in_flight(sends[0].row.pk, worker)
    for row in settled:
        report.counts[row.status] += 1
    return sends


def _mark_in_flight(row_id: int, worker: str) -> None:
    OutboxMessage.objects.filter(pk=row_id, status=Status.SENDING, claimed_by=worker).update(
        attempted_at=timezone.now()
    )


#: A person id that cannot exist: a placeholder in SQL compiled once and run per message.
_SENTINEL = -7_301_946_512


class _Reads:
    """The two reads made for every message, as SQL built once per claim: Django's query
    compiler costs more than running these small queries."""

    def __init__(self, worker: str) -> None:
        self.worker = worker
        self.consent: dict[str, tuple[str, list[Any]]] = {}
        outbox, person = OutboxMessage._meta.db_table, Person._meta.db_table
        merged = Person._meta.get_field("merged_into").column
        # A plain FOR UPDATE locks every joined row: the outbox row and the person row.
        lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
        self.lock_sql = (
            f"SELECT p.{merged} FROM {outbox} o JOIN {person} p ON p.id = o.person_id "  # noqa: S608
            f"WHERE o.id = %s AND o.status = %s AND o.claimed_by = %s{lock}"
        )

    def lock(self, row_id: int) -> list[tuple[Any, ...]]:
        """[(merged_into_id,)] with both rows locked, or [] if the row is no longer ours."""
        with connection.cursor() as cursor:
            cursor.execute(self.lock_sql, [row_id, Status.SENDING, self.worker])
            return list(cursor.fetchall())

    def consents(self, person_id: int, channel: str) -> bool:
        """`people.selectors.contactable`, compiled once per channel."""
        if channel not in self.consent:
            query = contactable(Person.objects.filter(pk=_SENTINEL), channel).values_list(
                "pk", flat=True
            )[:1]
            compiled, compiled_params = query.query.sql_with_params()
            assert list(compiled_params).count(_SENTINEL) == 1
            self.consent[channel] = (compiled, list(compiled_params))
        sql, params = self.consent[channel]
        with connection.cursor() as cursor:
            cursor.execute(sql, [person_id if p == _SENTINEL else p for p in params])
            return cursor.fetchone() is not None


def _send_one(
    item: _Send,
    next_id: int | None,
    worker: str,
    backend: Backend,
    report: BatchReport,
    reads: "_Reads | None" = None,
) -> None:
    """One message in one transaction: lock the row (still ours?) and the recipient's person
    row, read consent now, hand the message to the provider, write the outcome, and mark the
    next message in flight, all in one commit. So a message is marked in flight (committed)
    before its provider call begins, and at most one row of a claim is marked and unresolved
    at any moment: the only one a crash can leave of unknown outcome. The person row is the
    lock `services.unsubscribe` takes: an unsubscribe that committed is always seen, and one
    that is waiting commits after this one message, never after a whole batch."""
    row = item.row
    reads = reads or _Reads(worker)
    with transaction.atomic():
        # One statement locks the row, if still ours, and the recipient's person row; consent
        # is read by the next statement, whose snapshot is taken after the lock: an
        # unsubscribe that committed meanwhile is seen.
        locked = reads.lock(row.pk)
        if locked:
            skip = ""
            if locked[0][0] is not None:
                skip = "merged_or_deleted"
            elif not reads.consents(row.person_id, row.channel):
                skip = "no_consent"
            if skip:
                row.status, row.reason = Status.SKIPPED, skip
                _unclaim(row)
            else:
                try:
                    results = backend.send([item.message])
                except Exception as exc:  # a provider module's bug: it may have sent
                    results = [Result(item.message.key, Outcome.UNKNOWN, detail=type(exc).__name__)]
                result = next(
                    (r for r in results if r.key == item.message.key),
                    Result(item.message.key, Outcome.UNKNOWN, detail="no_answer"),
                )
                _settle(row, result, timezone.now())
            _write_back([row], in_flight_next=(next_id, worker) if next_id else None)
            report.counts[row.status] += 1
        elif next_id is not None:
            _mark_in_flight(next_id, worker)


def _renew_lease(worker: str) -> None:
    OutboxMessage.objects.filter(status=Status.SENDING, claimed_by=worker).update(
        lease_expires_at=timezone.now() + lease()
    )


def send_claimed(
    ids: list[int], *, worker: str, backends: dict[str, Backend] | None = None
) -> BatchReport:
    """Send a claim, one message per transaction, in id order. Asked to stop (SIGTERM), it
    finishes the message in flight and gives back the rest of the claim. The claim's lease is
    renewed as it goes, so only a dead worker's rows expire."""
    report = BatchReport(claimed=len(ids))
    sends = _plan(ids, worker, report)
    cache: dict[str, Backend] = dict(backends or {})
    opened: list[Backend] = []
    renew_every = lease().total_seconds() / 3
    renew_at = time.monotonic() + renew_every
    reads = _Reads(worker)
    try:
        for index, item in enumerate(sends):
            if workers.stop_requested():
                report.released = release([s.row.pk for s in sends[index:]], worker=worker)
                break
            channel = item.broadcast.channel
            backend = cache.get(channel)
            if backend is None:
                backend = cache[channel] = backend_for(channel)
            if backend not in opened:
                backend.open()
                opened.append(backend)
            next_id = sends[index + 1].row.pk if index + 1 < len(sends) else None
            _send_one(item, next_id, worker, backend, report, reads)
            if time.monotonic() >= renew_at:
                _renew_lease(worker)
                renew_at = time.monotonic() + renew_every
    finally:
        for backend in opened:
            backend.close()
    finish_broadcasts(broadcast_ids=sorted(report.broadcast_ids))
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
    """Claim and send batches until nothing is due, the time budget is spent, or the process is
    asked to stop (`bloc.core.workers`): then it finishes the message in flight, gives back the
    rest of its claim and returns at once."""
    worker = worker or worker_name()
    limit = limit or batch_size()
    started = time.monotonic()
    totals: dict[str, int] = defaultdict(int)
    while budget_seconds is None or time.monotonic() - started < budget_seconds:
        if workers.stop_requested():
            break
        ids = claim(worker=worker, limit=limit)
        if not ids:
            finish_broadcasts()
            if idle_exit or workers.sleep(poll_seconds * random.uniform(0.5, 1.5)):
                break
            continue
        report = send_claimed(ids, worker=worker, backends=backends)
        for status, count in report.counts.items():
            totals[status] += count
        if report.released:
            totals["released"] += report.released
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
