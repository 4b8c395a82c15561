"""Outbound webhooks: Standard Webhooks signatures, the outbox, retries, 410, the admin pages."""

import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from bloc.api import services, webhooks
from bloc.api.models import WebhookDelivery, WebhookSubscription
from bloc.people import services as people_services

pytestmark = pytest.mark.django_db


class Receiver:
    """Stands in for the network: records each POST and answers from a script of codes."""

    def __init__(self, monkeypatch, *codes):
        self.codes = list(codes)
        self.calls = []
        monkeypatch.setattr(webhooks, "_post", self)

    def __call__(self, url, body, headers):
        self.calls.append((url, body, headers))
        code = self.codes.pop(0) if self.codes else 200
        if isinstance(code, Exception):
            raise code
        return code


@pytest.fixture
def subscription(personas, settings):
    settings.BLOC_WEBHOOKS_ALLOW_HTTP = False
    sub, secret = services.create_subscription(
        actor=personas.admin,
        url="https://crm.example.org/hooks/bloc",
        event_types=["person.created", "rsvp.created"],
    )
    return sub


def add_person(email="rowan.hook@example.org"):
    return people_services.create_person(actor=None, email=email, first_name="Rowan")


def test_the_signature_follows_standard_webhooks():
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signature = webhooks.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert signature == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_a_new_person_is_posted_signed_with_a_thin_payload(
    monkeypatch, subscription, django_capture_on_commit_callbacks
):
    receiver = Receiver(monkeypatch, 200)
    with django_capture_on_commit_callbacks(execute=True):
        person = add_person()
    ((url, body, headers),) = receiver.calls
    assert url == subscription.url
    assert webhooks.verify(subscription.secret, headers, body)
    payload = json.loads(body)
    assert payload["type"] == "person.created"
    assert payload["data"]["identifier"] == f"bloc:{person.uuid}"
    assert b"rowan" not in body.lower()  # no personal values, only identifiers and links
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "delivered" and headers["webhook-id"] == delivery.event_id


def test_unsubscribed_events_and_inactive_subscriptions_send_nothing(
    monkeypatch, subscription, personas, django_capture_on_commit_callbacks
):
    receiver = Receiver(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        people_services.update_person(actor=None, person=personas.person_member_a, pronouns="she")
    assert receiver.calls == []
    services.disable_subscription(actor=personas.admin, subscription=subscription)
    with django_capture_on_commit_callbacks(execute=True):
        add_person()
    assert receiver.calls == [] and not WebhookDelivery.objects.exists()


def test_failures_are_retried_with_backoff_under_the_same_id(
    monkeypatch, subscription, django_capture_on_commit_callbacks
):
    receiver = Receiver(monkeypatch, 500, ConnectionResetError(), 200)
    with django_capture_on_commit_callbacks(execute=True):
        add_person()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == "pending" and delivery.attempts == 1
    assert delivery.last_status_code == 500
    assert webhooks.retry_due() == 0  # not due yet
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        assert webhooks.retry_due() == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 2 and delivery.last_error == "ConnectionResetError"
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        webhooks.retry_due()
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 3
    assert len({headers["webhook-id"] for _, _, headers in receiver.calls}) == 1
    assert len({body for _, body, _ in receiver.calls}) == 1


def test_a_worker_killed_mid_delivery_leaves_it_to_the_retry_job(monkeypatch, subscription):
    receiver = Receiver(monkeypatch, 200, 200)
    add_person()  # in the test's transaction: nothing sent yet
    delivery = WebhookDelivery.objects.get()
    # A worker took the lease and died before recording anything.
    assert webhooks._claim(delivery.pk) is not None
    assert webhooks.deliver(delivery.pk) == "skipped"  # another worker keeps off meanwhile
    assert webhooks.retry_due() == 0
    with time_machine.travel(timezone.now() + webhooks.LEASE + timedelta(seconds=1)):
        assert webhooks.retry_due() == 1
        assert webhooks.deliver(delivery.pk) == "skipped"  # delivered once, never again
    assert len(receiver.calls) == 1
    assert receiver.calls[0][2]["webhook-id"] == delivery.event_id


def test_a_410_disables_the_subscription(
    monkeypatch, subscription, django_capture_on_commit_callbacks
):
    Receiver(monkeypatch, 410)
    with django_capture_on_commit_callbacks(execute=True):
        add_person()
        add_person("second.hook@example.org")
    subscription.refresh_from_db()
    assert not subscription.is_active and "410" in subscription.disabled_reason
    assert set(WebhookDelivery.objects.values_list("status", flat=True)) == {"failed"}


def test_it_gives_up_after_the_last_attempt(
    monkeypatch, subscription, settings, django_capture_on_commit_callbacks
):
    settings.BLOC_WEBHOOK_MAX_ATTEMPTS = 2
    Receiver(monkeypatch, 503, 503, 503)
    with django_capture_on_commit_callbacks(execute=True):
        add_person()
    delivery = WebhookDelivery.objects.get()
    with time_machine.travel(delivery.next_attempt_at + timedelta(seconds=1)):
        webhooks.retry_due()
    delivery.refresh_from_db()
    assert delivery.status == "failed" and delivery.attempts == 2


def test_only_national_admins_manage_webhooks_and_only_https(personas):
    with pytest.raises(Exception, match="national admins"):
        services.create_subscription(
            actor=personas.organizer_a, url="https://x.example.org", event_types=["test"]
        )
    with pytest.raises(Exception, match="https"):
        services.create_subscription(
            actor=personas.admin, url="ftp://x.example.org", event_types=["person.created"]
        )


def test_the_pages_show_the_secret_once_the_log_and_send_a_test_event(
    client, personas, monkeypatch, django_capture_on_commit_callbacks
):
    receiver = Receiver(monkeypatch, 200)
    client.force_login(personas.admin)
    response = client.post(
        "/api/webhooks/",
        {"url": "https://crm.example.org/in", "event_types": ["rsvp.created"]},
    )
    secret = response.context["secret"]
    assert secret.startswith("whsec_")
    subscription = WebhookSubscription.objects.get()
    assert secret not in client.get("/api/webhooks/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/webhooks/{subscription.pk}/test/")
    assert response.status_code == 302
    assert json.loads(receiver.calls[0][1])["type"] == "test"
    page = client.get(f"/api/webhooks/{subscription.pk}/").content.decode()
    assert WebhookDelivery.objects.get().event_id in page and "Delivered" in page
