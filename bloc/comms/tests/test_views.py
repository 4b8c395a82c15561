"""Public pages and provider webhooks, through the test client, checking the database too."""

import json

import pytest
from django.core import mail
from django.urls import reverse
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from bloc.comms import render, services
from bloc.comms.models import InboundMessage, OutboxMessage, Signature, Suppression
from bloc.comms.views import sign_email_events
from bloc.people.models import LadderEvent, Person
from bloc.people.selectors import can_contact, find_matches
from bloc.people.services import create_person

pytestmark = pytest.mark.django_db


def _supporter(**extra):
    fields = dict(
        actor=None,
        email="ruth.example@example.org",
        phone="+12125550199",
        zip_code="10001",
        first_name="Ruth",
        consents={"email": "opted_in", "sms": "opted_in"},
        consent_source="test",
    )
    fields.update(extra)
    return create_person(**fields)


def test_an_unsubscribe_link_asks_on_get_and_unsubscribes_on_one_click_post(client):
    person = _supporter()
    url = render.unsubscribe_path(person_id=person.pk, broadcast_id=None)
    assert client.get(url).status_code == 200
    assert can_contact(person, "email")  # link scanners follow GETs: nothing happens
    response = client.post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and b"You are unsubscribed" in response.content
    assert not can_contact(person, "email") and not can_contact(person, "sms")


def test_a_forged_unsubscribe_token_is_not_found(client):
    person = _supporter()
    token = render.unsubscribe_token(person_id=person.pk)
    assert client.post(reverse("comms:unsubscribe", args=[token[:-2] + "xx"])).status_code == 404
    assert can_contact(person, "email")


def _twilio_post(client, settings, body, *, sid="SM0001", sign=True):
    settings.TWILIO_AUTH_TOKEN = "fictional-auth-token"
    url = "http://testserver" + reverse("comms:sms-inbound-webhook")
    params = {"From": "+12125550199", "Body": body, "MessageSid": sid}
    signature = RequestValidator("fictional-auth-token").compute_signature(url, params)
    return client.post(url, params, HTTP_X_TWILIO_SIGNATURE=signature if sign else "forged")


@pytest.mark.parametrize(
    "word", ["STOP", "stop", " StopAll ", "UNSUBSCRIBE", "cancel", "END", "quit."]
)
def test_every_stop_word_opts_the_sender_out_everywhere(client, settings, word):
    person = _supporter()
    response = _twilio_post(client, settings, word)
    assert response.status_code == 200
    assert not can_contact(person, "sms") and not can_contact(person, "email")
    assert InboundMessage.objects.get().keyword == word.strip(" .").upper()


def test_an_ordinary_reply_or_a_bad_signature_changes_nothing(client, settings):
    person = _supporter()
    assert _twilio_post(client, settings, "STOP", sign=False).status_code == 403
    assert _twilio_post(client, settings, "Please stop by the office", sid="SM2").status_code == 200
    assert can_contact(person, "sms")
    _twilio_post(client, settings, "START", sid="SM3")
    _twilio_post(client, settings, "STOP", sid="SM4")
    _twilio_post(client, settings, "START", sid="SM5")
    assert can_contact(person, "sms") and not can_contact(person, "email")
    _twilio_post(client, settings, "START", sid="SM5")  # a webhook retry is handled once
    assert InboundMessage.objects.count() == 4


def test_hard_bounces_and_complaints_suppress_and_show_in_stats(
    client, settings, mem_backends, personas, entity, everyone, submit
):
    settings.BLOC_COMMS_WEBHOOK_SECRET = "fictional-webhook-secret"
    person = _supporter()
    broadcast = services.create_broadcast(
        actor=personas.admin,
        title="T",
        channel="email",
        audience=everyone,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="S",
        body="B",
    )
    submit(actor=personas.admin, broadcast=broadcast)
    row = OutboxMessage.objects.get(person=person)
    payload = json.dumps(
        {
            "events": [
                {
                    "event": "delivered",
                    "message_id": row.provider_message_id,
                    "recipient": person.email,
                },
                {
                    "event": "complained",
                    "message_id": row.provider_message_id,
                    "recipient": person.email,
                },
                {"event": "bounced", "message_id": "", "recipient": "Gone@Example.org"},
            ]
        }
    ).encode()
    url = reverse("comms:email-events-webhook")
    forged = client.post(url, payload, content_type="application/json", HTTP_X_BLOC_SIGNATURE="00")
    assert forged.status_code == 403 and not Suppression.objects.exists()
    signature = sign_email_events(payload, "fictional-webhook-secret")
    response = client.post(
        url, payload, content_type="application/json", HTTP_X_BLOC_SIGNATURE=signature
    )
    assert response.json() == {"handled": 3}
    assert set(Suppression.objects.values_list("address", "reason")) == {
        (person.email, "complaint"),
        ("gone@example.org", "bounce"),
    }
    assert not can_contact(person, "email")
    from bloc.comms.delivery import stats_for

    stats = stats_for(broadcast)
    assert (stats["delivered"], stats["complained"]) == (1, 1)


def test_anymail_tracking_events_use_the_same_path():
    from anymail.signals import AnymailTrackingEvent, tracking

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type="bounced", recipient="x@example.org"),
        esp_name="Postmark",
    )
    assert Suppression.objects.filter(address="x@example.org", reason="bounce").exists()


def _pledge(entity, *, slug, title, next_ask_text="", next_ask_url=""):
    return services.create_pledge(
        actor=None,
        slug=slug,
        title=title,
        statement="I pledge.",
        goal=10,
        legal_entity=entity,
        next_ask_text=next_ask_text,
        next_ask_url=next_ask_url,
    )


def test_signing_a_pledge_creates_a_supporter_with_consent_ladder_and_confirmation(
    client, entity, personas, django_capture_on_commit_callbacks
):
    pledge = _pledge(
        entity,
        slug="left-labor-2028",
        title="I back a left-labor candidate in 2028",
        next_ask_text="RSVP to a house meeting.",
        next_ask_url="/events/",
    )
    url = reverse("comms:pledge-sign", args=[pledge.slug])
    page = client.get(url + "?ref=local-1199")
    assert page.status_code == 200 and b'value="local-1199"' in page.content
    form = {
        "first_name": "Ines",
        "last_name": "Example",
        "email": "Ines@Example.org",
        "zip_code": "60601",
        "phone": "",
        "email_opt_in": "on",
        "ref": "local-1199",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, form)
    assert response.status_code == 302 and response["Location"].endswith("/thanks/")
    person = find_matches(email="ines@example.org")[0]
    assert can_contact(person, "email") and not can_contact(person, "sms")
    assert person.chapter == personas.chapter_b  # assigned by ZIP
    assert Signature.objects.get(pledge=pledge).referrer == "local-1199"
    step = LadderEvent.objects.get(person=person)
    assert step.stage == "pledged" and step.attribution_id == str(pledge.pk)
    assert "local-1199" in step.attribution_label
    assert len(mail.outbox) == 1 and "/comms/u/" in mail.outbox[0].body
    thanks = client.get(response["Location"])
    assert b"RSVP to a house meeting." in thanks.content

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**form, "first_name": "Someone Else"})  # the same address again
    assert Person.objects.filter(email="ines@example.org").count() == 1
    person.refresh_from_db()
    assert person.first_name == "Ines"  # a public form never overwrites a record
    assert Signature.objects.filter(pledge=pledge).count() == 1 and len(mail.outbox) == 1


def test_audience_page_counts_explains_and_samples_within_scope(client, personas):
    audience = services.save_audience(
        actor=personas.organizer_a,
        name="Riverside members",
        chapter_id=personas.chapter_a.pk,
        member_status="good_standing",
    )
    client.force_login(personas.organizer_a)
    response = client.get(reverse("comms:audience-detail", args=[audience.pk]))
    assert response.status_code == 200
    assert response.context["count"] == 3  # admin, organizer A and member A live in chapter A
    assert "Members in good standing (grace" in response.content.decode()
    client.force_login(personas.organizer_b)
    assert client.get(reverse("comms:audience-detail", args=[audience.pk])).status_code == 404


def test_broadcast_preview_is_per_recipient_and_only_for_the_audience(client, personas, entity):
    audience = services.save_audience(
        actor=personas.organizer_a, name="Riverside", chapter_id=personas.chapter_a.pk
    )
    broadcast = services.create_broadcast(
        actor=personas.organizer_a,
        title="T",
        channel="email",
        audience=audience,
        legal_entity=entity,
        chapter_id=personas.chapter_a.pk,
        subject="Hi {{ first_name|comrade }}",
        body="See you in {{ city|your town }}.",
    )
    client.force_login(personas.organizer_a)
    url = reverse("comms:broadcast-detail", args=[broadcast.pk])
    response = client.get(url + f"?preview={personas.person_member_a.pk}")
    assert response.context["preview"].subject == "Hi Mina"
    assert "See you in your town." in response.context["preview"].body
    assert "/comms/u/…/" in response.context["preview"].body  # no working link for the sender
    assert client.get(url + f"?preview={personas.person_member_b.pk}").status_code == 404


def test_the_twilio_sender_classifies_provider_answers_without_network(settings):
    from bloc.comms.backends.base import Outcome, OutgoingMessage
    from bloc.comms.backends.sms_twilio import TwilioSmsSender

    settings.TWILIO_ACCOUNT_SID = "AC" + "0" * 32
    settings.TWILIO_AUTH_TOKEN = "fictional"
    settings.TWILIO_FROM_NUMBER = "+12125550100"

    class FakeHttp:
        answers = [
            Response(201, json.dumps({"sid": "SM123", "status": "queued"})),
            Response(429, json.dumps({"code": 20429, "message": "Too many requests"})),
            Response(400, json.dumps({"code": 21610, "message": "Unsubscribed recipient"})),
        ]

        def request(self, *args, **kwargs):
            return self.answers.pop(0)

    sender = TwilioSmsSender(http_client=FakeHttp())
    messages = [OutgoingMessage(key=f"k{i}", to="+12125550199", body="Hi") for i in range(3)]
    results = sender.send(messages)
    assert [r.outcome for r in results] == [Outcome.ACCEPTED, Outcome.TEMPORARY, Outcome.PERMANENT]
    assert results[0].provider_id == "SM123" and not sender.supports_idempotency


def test_pledge_signatures_over_the_per_client_limit_get_429(client, entity, settings):
    settings.BLOC_RATE_PLEDGE_SIGN = "1/m"
    pledge = _pledge(entity, slug="limit-test", title="Fictional limit pledge")
    url = reverse("comms:pledge-sign", args=[pledge.slug])
    form = {
        "first_name": "Ona",
        "last_name": "Example",
        "email": "ona@example.org",
        "zip_code": "60601",
        "phone": "",
    }
    assert client.post(url, form).status_code == 302
    again = client.post(url, {**form, "email": "ona2@example.org"})
    assert again.status_code == 429
    assert Signature.objects.filter(pledge=pledge).count() == 1


def test_a_bounce_posted_by_the_esp_with_the_webhook_secret_suppresses_the_address(client):
    """config/urls.py mounts the configured ESP's anymail webhooks when a secret is set."""
    import base64
    import json

    url = reverse("anymail:postmark_tracking_webhook")
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "Email": "gone@example.org",
        "BouncedAt": "2026-11-27T10:00:00Z",
        "MessageID": "fictional-1",
    }
    forged = client.post(url, json.dumps(bounce), content_type="application/json")
    assert forged.status_code == 400
    assert not Suppression.objects.filter(address="gone@example.org").exists()

    secret = base64.b64encode(b"bloc-test:webhook-secret-2026").decode()
    response = client.post(
        url,
        json.dumps(bounce),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {secret}",
    )
    assert response.status_code == 200
    assert Suppression.objects.filter(address="gone@example.org", reason="bounce").exists()
