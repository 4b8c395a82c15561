"""Worker lifecycle: a graceful stop on SIGTERM, and heartbeats that tell a dead worker from a
slow one (docs/decisions/0801-delivery-semantics.md, addendum).

A process manager stops a worker with SIGTERM and, after a grace period (`docker stop`: 10 s;
`BLOC_WORKER_GRACE_SECONDS`), SIGKILL. On SIGTERM the work in hand is asked to stop at its next
safe point (`stop_requested()`): the outbox finishes the message in flight, gives back the rest
of its claim and returns, so the worker exits well inside the grace period.
"""

import signal
import threading
from types import FrameType
from typing import Any

from django.conf import settings

_stop = threading.Event()
_previous: dict[int, Any] = {}
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


def stop_requested() -> bool:
    """True once this process was asked to stop (SIGTERM, SIGINT, or `request_stop()`)."""
    return _stop.is_set()


def request_stop() -> None:
    _stop.set()


def reset_stop() -> None:
    """Forget a stop request (tests; a worker never takes one back)."""
    _stop.clear()


def sleep(seconds: float) -> bool:
    """Sleep, waking early on a stop request; True if the process should stop."""
    return _stop.wait(max(0.0, seconds))


def grace_seconds() -> float:
    """How long the process manager waits between SIGTERM and SIGKILL (docker stop: 10 s)."""
    return float(getattr(settings, "BLOC_WORKER_GRACE_SECONDS", 10))


def _on_signal(signum: int, frame: FrameType | None) -> None:
    first = not _stop.is_set()
    _stop.set()
    previous = _previous.get(signum)
    if callable(previous) and previous is not signal.default_int_handler:
        previous(signum, frame)  # e.g. db_worker's own handler: it stops taking tasks
    elif not first:
        raise SystemExit(128 + signum)  # asked twice: stop now


def install_stop_handler() -> bool:
    """On SIGTERM or SIGINT, ask the work in hand to stop at its next safe point, then call the
    handler that was there before (db_worker's own, which stops taking new tasks). A second
    signal with no handler before ours exits at once. Only the main thread can do this; returns
    whether it did (again is a no-op)."""
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if current is _on_signal:
            continue
        _previous[signum] = current
        signal.signal(signum, _on_signal)
    return True


def uninstall_stop_handler() -> None:
    """Put back the handlers `install_stop_handler` found (tests)."""
    for signum, previous in list(_previous.items()):
        if signal.getsignal(signum) is _on_signal:
            signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
        del _previous[signum]
