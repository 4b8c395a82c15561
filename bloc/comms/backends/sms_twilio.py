"""SMS through Twilio (or any provider speaking its API). Twilio has no idempotency keys."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from bloc.comms.backends.base import Outcome, OutgoingMessage, Result, SmsSender


class TwilioSmsSender(SmsSender):
    supports_idempotency = False

    def __init__(self, *, http_client: Any = None) -> None:
        sid = getattr(settings, "TWILIO_ACCOUNT_SID", "")
        token = getattr(settings, "TWILIO_AUTH_TOKEN", "")
        self.from_number = getattr(settings, "TWILIO_FROM_NUMBER", "")
        if not (sid and token and self.from_number):
            raise ImproperlyConfigured(
                "SMS needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM_NUMBER."
            )
        self.client = Client(sid, token, http_client=http_client)
        base_url = getattr(settings, "TWILIO_API_BASE_URL", "")
        if base_url:  # a Twilio-compatible provider, or a local fake server in tests
            self.client.api.base_url = base_url.rstrip("/")

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results = []
        for message in messages:
            try:
                sent = self.client.messages.create(
                    to=message.to, from_=self.from_number, body=message.body
                )
            except TwilioRestException as exc:
                temporary = exc.status == 429 or exc.status >= 500
                outcome = Outcome.TEMPORARY if temporary else Outcome.PERMANENT
                results.append(Result(message.key, outcome, detail=f"twilio-{exc.code}"))
            except (TwilioException, OSError) as exc:
                results.append(Result(message.key, Outcome.UNKNOWN, detail=type(exc).__name__))
            else:
                results.append(Result(message.key, Outcome.ACCEPTED, provider_id=sent.sid or ""))
        return results
