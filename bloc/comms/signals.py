"""django-anymail tracking webhooks (anymail reports soft bounces as "deferred", so "bounced" is
hard), from any ESP wired to anymail's URLs, feed the same service."""

from typing import Any

from anymail.signals import tracking
from django.dispatch import receiver

from bloc.comms import services

ANYMAIL_EVENTS = {
    "delivered": "delivered",
    "opened": "opened",
    "clicked": "clicked",
    "bounced": "bounced",
    "complained": "complained",
}


@receiver(tracking, dispatch_uid="bloc.comms.anymail_tracking")
def on_tracking(sender: Any, event: Any, esp_name: str, **kwargs: Any) -> None:
    kind = ANYMAIL_EVENTS.get(str(event.event_type))
    if kind is None:
        return
    services.record_email_event(
        event=kind,
        message_id=str(event.message_id or ""),
        recipient=str(event.recipient or ""),
    )
