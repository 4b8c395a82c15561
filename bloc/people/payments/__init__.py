"""Dues from payment processors: one module per processor behind `base.Processor`, a service
that stores each event once and recomputes paid-through (`services`), and the webhook view
(`views`). See docs/decisions/0007-dues-and-payments.md."""

from django.conf import settings
from django.utils.module_loading import import_string

from bloc.people.payments.base import Processor

PROCESSORS = {
    "stripe": "bloc.people.payments.stripe.StripeProcessor",
    "actblue": "bloc.people.payments.actblue.ActBlueProcessor",
}


def processor(name: str) -> Processor | None:
    """The processor with this name, or None when unknown."""
    configured = {**PROCESSORS, **getattr(settings, "BLOC_PAYMENT_PROCESSORS", {})}
    target = configured.get(name)
    if not target:
        return None
    instance: Processor = import_string(target)()
    return instance


def configured_processors() -> list[Processor]:
    configured = {**PROCESSORS, **getattr(settings, "BLOC_PAYMENT_PROCESSORS", {})}
    found = [processor(name) for name in sorted(configured)]
    return [p for p in found if p is not None and p.is_configured()]
