"""`/health/` fails while outbox rows stay claimed past their lease (a dead worker that
nothing took back), and says how many without saying whose."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from bloc.comms import delivery, services
from bloc.comms.tests.fakes import fictional_people


@pytest.mark.django_db
def test_outbox_rows_stuck_past_their_lease_fail_health(
    client, settings, mem_backends, personas, entity, everyone, monkeypatch, submit
):
    people = fictional_people(3)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="Spring drive",
        channel="email",
        audience=everyone,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="The drive starts Saturday",
        body="Hi {{ first_name|friend }}.",
    )
    submit(actor=personas.admin, broadcast=broadcast)
    claimed = delivery.claim(worker="dead-worker", limit=100)  # and the worker dies
    assert claimed

    lease = settings.BLOC_COMMS_LEASE_SECONDS
    grace = settings.BLOC_HEALTH_OUTBOX_STUCK_SECONDS
    # Within the lease, and for a while after it (the periodic job takes rows back): healthy.
    with time_machine.travel(timezone.now() + timedelta(seconds=lease + grace - 1), tick=False):
        assert client.get(reverse("core:health")).status_code == 200

    with time_machine.travel(timezone.now() + timedelta(seconds=lease + grace + 1), tick=False):
        response = client.get(reverse("core:health"))
    assert response.status_code == 503
    body = response.json()
    assert (
        body["checks"]["outbox"]
        == f"Unavailable: {len(claimed)} outbox rows stuck past their lease"
    )
    assert body["checks"]["database"] == "OK"
    text = response.content.decode()
    for person in people:
        assert person.email not in text
    assert "dead-worker" not in text


@pytest.mark.django_db
def test_the_outbox_backlog_is_a_gauge(
    client, settings, mem_backends, personas, entity, everyone, monkeypatch, submit
):
    settings.BLOC_METRICS_TOKEN = ""
    fictional_people(3)
    monkeypatch.setattr("bloc.comms.tasks.start_delivery", lambda **kw: None)
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="Spring drive",
        channel="email",
        audience=everyone,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="The drive starts Saturday",
        body="Hi {{ first_name|friend }}.",
    )
    submit(actor=personas.admin, broadcast=broadcast)
    rows = broadcast.outbox.filter(status="pending").count()
    assert rows
    text = client.get(reverse("core:metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    assert f"bloc_outbox_pending {float(rows)}" in text
    delivery.claim(worker="w", limit=1)
    text = client.get(reverse("core:metrics"), REMOTE_ADDR="127.0.0.1").content.decode()
    assert f"bloc_outbox_pending {float(rows - 1)}" in text
    assert "bloc_outbox_sending 1.0" in text
