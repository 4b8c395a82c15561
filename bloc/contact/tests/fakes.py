"""A local SMS provider for tests: records every hand-off (no dedupe, so a duplicate send is
visible) and can answer a number with a scripted outcome."""

import threading
import time
from typing import ClassVar

from bloc.comms.backends.base import Outcome, OutgoingMessage, Result, SmsSender


class RecordingSms(SmsSender):
    sent: ClassVar[list[OutgoingMessage]] = []
    #: (number, time.monotonic()) of every hand-off
    handed: ClassVar[list[tuple[str, float]]] = []
    scripted: ClassVar[dict[str, Outcome]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results = []
        with self._lock:
            for message in messages:
                outcome = self.scripted.get(message.to, Outcome.ACCEPTED)
                if outcome is Outcome.ACCEPTED:
                    self.sent.append(message)
                    self.handed.append((message.to, time.monotonic()))
                results.append(Result(message.key, outcome, provider_id=f"SM{len(self.sent)}"))
        return results

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.sent.clear()
            cls.handed.clear()
            cls.scripted.clear()

    @classmethod
    def to(cls, number: str) -> list[OutgoingMessage]:
        return [m for m in cls.sent if m.to == number]
