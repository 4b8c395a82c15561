"""The RSVP intake's gauges for `/metrics`: how far the drain is behind (decision 0706).

The public form writes an intake row and answers at once; the drain makes the RSVP later. The
lag is the age of the oldest row still waiting; the drain time is how long the rows made in
the last five minutes waited from arrival to being recorded (the slowest of them).
"""

from datetime import timedelta

from django.db.models import DurationField, ExpressionWrapper, F, Max
from django.utils import timezone

from bloc.core.registry import Gauge
from bloc.events.models import RSVPIntake

DRAIN_WINDOW = timedelta(minutes=5)


def _pending() -> int:
    return RSVPIntake.objects.filter(state=RSVPIntake.State.PENDING).count()


def _lag_seconds() -> float:
    oldest = (
        RSVPIntake.objects.filter(state=RSVPIntake.State.PENDING)
        .order_by("pk")
        .values_list("received_at", flat=True)
        .first()
    )
    return 0.0 if oldest is None else max(0.0, (timezone.now() - oldest).total_seconds())


def _drain_seconds() -> float | None:
    waited = RSVPIntake.objects.filter(processed_at__gte=timezone.now() - DRAIN_WINDOW).aggregate(
        longest=Max(
            ExpressionWrapper(F("processed_at") - F("received_at"), output_field=DurationField())
        )
    )["longest"]
    return None if waited is None else waited.total_seconds()


GAUGES = {
    "bloc_rsvp_intake_pending": Gauge("Public RSVPs waiting for the drain.", _pending),
    "bloc_rsvp_intake_lag_seconds": Gauge(
        "Seconds the oldest public RSVP still waiting for the drain has waited (0: none).",
        _lag_seconds,
    ),
    "bloc_rsvp_intake_drain_seconds": Gauge(
        "Longest wait from arrival to recorded among public RSVPs the drain made in the last "
        "5 minutes.",
        _drain_seconds,
    ),
}
