"""Providers behind one contract (`base.Backend`); chosen per channel by `BLOC_COMMS_BACKENDS`."""

from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

from bloc.comms.backends.base import Backend

DEFAULT_BACKENDS = {
    "email": "bloc.comms.backends.email_anymail.AnymailEmailBackend",
    "sms": "bloc.comms.backends.sms_twilio.TwilioSmsSender",
}


def backend_for(channel: str) -> Backend:
    configured: dict[str, Any] = {
        **DEFAULT_BACKENDS,
        **getattr(settings, "BLOC_COMMS_BACKENDS", {}),
    }
    target = configured[channel]
    factory = import_string(target) if isinstance(target, str) else target
    backend: Backend = factory()
    return backend
