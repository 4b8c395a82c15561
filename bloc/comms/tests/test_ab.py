from datetime import timedelta

import pytest
from django.utils import timezone

from bloc.comms import delivery, services
from bloc.comms.models import OutboxMessage
from bloc.comms.tests.fakes import fictional_people


@pytest.mark.django_db
def test_an_ab_test_sends_both_variants_then_the_winner_to_everyone_else(
    mem_backends, personas, entity, everyone, submit, django_capture_on_commit_callbacks
):
    fictional_people(100)
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="Strike fund",
        channel="email",
        audience=everyone,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="Subject A",
        body="Body",
        subject_b="Subject B",
        test_percent=40,
        test_hours=2,
        winner_metric="opened",
    )
    submit(actor=personas.admin, broadcast=broadcast)
    rows = OutboxMessage.objects.filter(broadcast=broadcast)
    total = rows.count()
    subjects = [m.subject for m in mem_backends.outbox]
    assert subjects.count("Subject A") == subjects.count("Subject B") == round(total * 0.4) // 2
    assert rows.filter(variant="", status="pending").count() == total - len(subjects)

    # Variant B is opened more; before the window ends nothing is chosen.
    rows.filter(variant="b").update(opened_at=timezone.now())
    assert services.choose_winners() == 0
    with django_capture_on_commit_callbacks(execute=True):
        later = timezone.now() + timedelta(hours=2, minutes=1)
        assert services.choose_winners(now=later) == 1
    delivery.run_worker()

    broadcast.refresh_from_db()
    assert broadcast.winner == "b" and broadcast.status == "sent"
    subjects = [m.subject for m in mem_backends.outbox]
    assert len(subjects) == total == len({m.to for m in mem_backends.outbox})
    assert subjects.count("Subject A") == round(total * 0.4) // 2
    assert delivery.variant_rates(broadcast)["b"] == pytest.approx(
        rows.filter(variant="b", opened_at__isnull=False).count() / rows.filter(variant="b").count()
    )
