"""Model changes that become webhook events (thin payloads: identifiers and API links only).

Connected in ApiConfig.ready(); lower apps never learn about webhooks. Bulk writes (imports)
send no signals and so no events."""

from typing import Any

from django.conf import settings
from django.db.models.signals import post_save

from bloc.api import webhooks
from bloc.api.models import WebhookEvent
from bloc.events.models import RSVP
from bloc.people.models import Membership, Person


def _href(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + "/api/v1/" + path


def _person_saved(
    sender: Any, instance: Person, created: bool, raw: bool = False, **kw: Any
) -> None:
    if raw:
        return
    kind = WebhookEvent.PERSON_CREATED if created else WebhookEvent.PERSON_UPDATED
    webhooks.emit(
        kind,
        {"identifier": f"bloc:{instance.uuid}", "href": _href(f"people/{instance.uuid}")},
    )


def _rsvp_saved(sender: Any, instance: RSVP, created: bool, raw: bool = False, **kw: Any) -> None:
    if raw:
        return
    kind = WebhookEvent.RSVP_CREATED if created else WebhookEvent.ATTENDANCE_UPDATED
    webhooks.emit(
        kind,
        lambda: {
            "identifier": f"bloc:rsvp-{instance.pk}",
            "status": instance.status,
            "attended": instance.checked_in_at is not None,
            "event": _href(f"events/{instance.event_id}"),
            "person": _href(f"people/{instance.person.uuid}"),
        },
    )


def _membership_saved(
    sender: Any, instance: Membership, created: bool, raw: bool = False, **kw: Any
) -> None:
    if raw:
        return
    webhooks.emit(
        WebhookEvent.MEMBERSHIP_CHANGED,
        lambda: {
            "person": _href(f"people/{instance.person.uuid}"),
            "membership": _href(f"people/{instance.person.uuid}/membership"),
            "status": instance.status,
        },
    )


def connect() -> None:
    post_save.connect(_person_saved, sender=Person, dispatch_uid="api.webhooks.person")
    post_save.connect(_rsvp_saved, sender=RSVP, dispatch_uid="api.webhooks.rsvp")
    post_save.connect(_membership_saved, sender=Membership, dispatch_uid="api.webhooks.membership")
