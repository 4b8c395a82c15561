import random

import pytest

from bloc.comms.models import Broadcast, OutboxMessage, Pledge, Signature
from bloc.comms.seeds import seed_comms


@pytest.mark.django_db
def test_the_demo_has_a_pledge_page_a_sent_broadcast_with_stats_and_a_scheduled_text(personas):
    from bloc.comms.tests.fakes import fictional_people

    fictional_people(60)
    counts = seed_comms(300, random.Random(1))
    pledge = Pledge.objects.get(slug="left-labor-2028")
    assert Signature.objects.filter(pledge=pledge).count() == counts["pledge signers"] >= 50
    sent = Broadcast.objects.get(title="Convention report-back")
    assert sent.status == "sent" and counts["broadcast emails"] >= 3
    assert OutboxMessage.objects.filter(broadcast=sent, delivered_at__isnull=False).exists()
    scheduled = Broadcast.objects.get(channel="sms")
    assert scheduled.status == "approved" and scheduled.scheduled_for is not None
