"""The contract every provider module implements.

A provider answers each message with one of four outcomes. The difference between TEMPORARY and
UNKNOWN is what makes delivery modes work: TEMPORARY means the provider certainly did not take the
message (safe to retry in any mode); UNKNOWN means it may have (a timeout after the request left),
so an at-most-once message is never retried.
"""

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field


class Outcome(enum.StrEnum):
    ACCEPTED = "accepted"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OutgoingMessage:
    key: str
    to: str
    body: str
    subject: str = ""
    from_email: str = ""
    html: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    key: str
    outcome: Outcome
    provider_id: str = ""
    # An error class or provider code; never an address or a message body.
    detail: str = ""


class Backend(ABC):
    channel: str = ""
    # True when the provider drops a second request carrying an idempotency key it has seen.
    supports_idempotency: bool = False

    @abstractmethod
    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        """Send a batch; return one result per message, in any order, keyed by `key`."""

    def open(self) -> None:
        """Before a run of `send` calls (the outbox sends one message per call): a provider
        may keep one connection for the run. Never raises: `send` reports a failure to connect."""
        return None

    def close(self) -> None:
        """After the run: let go of what `open` kept."""
        return None


class SmsSender(Backend):
    """Twilio-compatible SMS providers."""

    channel = "sms"


class EmailSender(Backend):
    channel = "email"
