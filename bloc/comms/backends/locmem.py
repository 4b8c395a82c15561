"""In-memory provider for tests and the demo: records what was sent, honours idempotency keys."""

import threading
from typing import ClassVar

from bloc.comms.backends.base import Backend, Outcome, OutgoingMessage, Result


class InMemoryBackend(Backend):
    supports_idempotency = True
    outbox: ClassVar[list[OutgoingMessage]] = []
    _seen: ClassVar[set[str]] = set()
    _lock: ClassVar[threading.Lock] = threading.Lock()
    # Addresses the fake provider answers with a given outcome, to exercise retries and failures.
    scripted: ClassVar[dict[str, list[Outcome]]] = {}

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results = []
        with self._lock:
            for message in messages:
                script = self.scripted.get(message.to)
                if script:
                    outcome = script.pop(0)
                    if outcome is not Outcome.ACCEPTED:
                        results.append(Result(message.key, outcome, detail="scripted"))
                        continue
                if message.key not in self._seen:
                    self._seen.add(message.key)
                    self.outbox.append(message)
                results.append(
                    Result(message.key, Outcome.ACCEPTED, provider_id=f"mem-{message.key}")
                )
        return results

    @classmethod
    def reset(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls._seen.clear()
            cls.scripted.clear()


class InMemoryEmail(InMemoryBackend):
    channel = "email"


class InMemorySms(InMemoryBackend):
    channel = "sms"
