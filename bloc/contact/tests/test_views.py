import pytest
import time_machine
from django.urls import reverse
from twilio.request_validator import RequestValidator

from bloc.contact import selectors, services
from bloc.contact.models import Contact, OptOut
from bloc.contact.tests import builders as b

pytestmark = pytest.mark.django_db

TOKEN = "fictional-twilio-token-2026"


def _signed_post(client, settings, params):
    settings.TWILIO_AUTH_TOKEN = TOKEN
    url = "http://testserver" + reverse("contact:sms-webhook")
    signature = RequestValidator(TOKEN).compute_signature(url, params)
    return client.post(reverse("contact:sms-webhook"), params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_a_signed_stop_stops_every_campaigns_texts_before_the_webhook_answers(
    client, settings, personas, sms
):
    number = b.phone(21)
    campaigns = []
    for i, name in enumerate(["First bank", "Second bank"]):
        c = b.campaign(personas.admin, name=name)
        services.import_voter_file(
            actor=personas.admin,
            campaign=c,
            mapping=b.MAPPING,
            file=b.voter_file([(f"S{i}", "Sol", "Stop", number, "1 Main", "10001", "P")]),
        )
        campaigns.append((c, b.volunteer(personas.admin, c, f"v{i}@volunteers.bloc.test")))
    (first, robin), (second, sam) = campaigns
    services.request_batch(actor=robin, campaign=first, now=b.MORNING)
    services.send_initial(
        actor=robin, contact=selectors.batch_contacts(robin, first).get(), now=b.MORNING
    )
    services.request_batch(actor=sam, campaign=second, now=b.MORNING)
    waiting = selectors.batch_contacts(sam, second).get()

    bad = client.post(reverse("contact:sms-webhook"), {"From": number, "Body": "STOP"})
    assert bad.status_code in (403, 404) and not OptOut.objects.exists()
    response = _signed_post(
        client, settings, {"From": number, "Body": "STOP", "MessageSid": "SM-view-stop"}
    )

    assert response.status_code == 200
    assert OptOut.objects.filter(phone=number).exists()
    assert set(Contact.objects.filter(phone=number).values_list("status", flat=True)) == {
        "opted_out"
    }
    assert services.send_initial(actor=sam, contact=waiting, now=b.MORNING) is None
    assert len(sms.to(number)) == 1


def test_a_texter_takes_a_batch_sends_by_click_and_sees_only_their_own_contacts(
    client, personas, sms, settings
):
    c = b.campaign(personas.admin, chapter=personas.chapter_a, batch_size=2)
    services.import_voter_file(
        actor=personas.admin,
        campaign=c,
        mapping=b.MAPPING,
        file=b.voter_file(
            [(f"T{i}", f"Tess{i}", "T", b.phone(30 + i), "1 Main", "10001", "P") for i in range(3)]
        ),
    )
    robin = b.volunteer(personas.admin, c)
    sam = b.volunteer(personas.admin, c, "sam@volunteers.bloc.test", "Sam")
    client.force_login(robin)
    with time_machine.travel(b.MORNING, tick=False):
        assert client.get(reverse("contact:home")).status_code == 200
        assert client.post(reverse("contact:batch-request", args=[c.pk])).status_code == 302
        page = client.get(reverse("contact:textbank", args=[c.pk]))
        assert page.content.decode().count(">Send</button>") == 2
        mine = list(selectors.batch_contacts(robin, c))
        client.post(reverse("contact:send-initial", args=[mine[0].pk]))
    assert [m.body for m in sms.sent] == [
        "Hi Tess0, it's Robin with Slate textbank. Can we count on you?"
    ]
    # Staff pages and other volunteers' contacts are 404 to a volunteer.
    client.force_login(robin)  # a fresh session: time moved on
    assert client.get(reverse("contact:campaign-detail", args=[c.pk])).status_code == 404
    client.force_login(sam)
    assert client.get(reverse("contact:conversation", args=[mine[0].pk])).status_code == 404
    assert client.post(reverse("contact:send-initial", args=[mine[1].pk])).status_code == 404
    # A volunteer of another campaign sees nothing of this one.
    other = b.campaign(personas.admin, name="Other bank")
    stranger = b.volunteer(personas.admin, other, "stranger@volunteers.bloc.test", "Stranger")
    client.force_login(stranger)
    assert client.get(reverse("contact:textbank", args=[c.pk])).status_code == 404
    assert client.get(reverse("contact:textbank", args=[other.pk])).status_code == 200
