"""Authorization rows for comms URLs. Chapter B's objects are what organizer A must not see."""

from django.urls import reverse

from bloc.core.authz import Row, expect

SENDERS = {"admin": 200, "organizer_a": 200, "organizer_b": 200}
EVERYONE = {
    p: 200 for p in ("admin", "organizer_a", "organizer_b", "member_a", "liaison", "outsider")
}
POST_ONLY = {p: 405 for p in EVERYONE}


def _entity():
    from bloc.comms.models import LegalEntity

    entity, _ = LegalEntity.objects.get_or_create(
        name="Matrix Organization", defaults={"postal_address": "1 Example Way, Chicago, IL 60601"}
    )
    return entity


def _audience_b(p):
    from bloc.comms import services

    return services.save_audience(
        actor=p.organizer_b, name="Lakeshore members", chapter_id=p.chapter_b.pk
    )


def _broadcast_b(p):
    from bloc.comms import services

    return services.create_broadcast(
        actor=p.organizer_b,
        title="Lakeshore meeting",
        channel="email",
        audience=_audience_b(p),
        legal_entity=_entity(),
        chapter_id=p.chapter_b.pk,
        subject="Meeting, {{ first_name|friend }}",
        body="See you Thursday.",
    )


def _national_awaiting(p):
    from bloc.comms import services

    broadcast = services.create_broadcast(
        actor=p.admin,
        title="National call",
        channel="email",
        audience=services.save_audience(actor=p.admin, name="Everyone"),
        legal_entity=_entity(),
        chapter_id=None,
        subject="Join the call",
        body="Tonight.",
    )
    return services.submit_broadcast(actor=p.admin, broadcast=broadcast)


def _pledge(p):
    from bloc.comms import services
    from bloc.comms.models import Pledge

    existing = Pledge.objects.filter(slug="matrix-pledge").first()
    return existing or services.create_pledge(
        actor=None,
        slug="matrix-pledge",
        title="Back a left-labor candidate in 2028",
        statement="I pledge.",
        goal=100,
        legal_entity=_entity(),
        next_ask_text="Join your chapter.",
        next_ask_url="/",
    )


def _unsubscribe(p):
    from bloc.comms.render import unsubscribe_path

    return unsubscribe_path(person_id=p.person_member_b.pk)


ROWS = [
    Row("comms:home", lambda p: reverse("comms:home"), expect(**SENDERS)),
    Row("comms:audience-create", lambda p: reverse("comms:audience-create"), expect(**SENDERS)),
    Row(
        "comms:audience-detail",
        lambda p: reverse("comms:audience-detail", args=[_audience_b(p).pk]),
        expect(admin=200, organizer_b=200),
        note="chapter B's audience",
    ),
    Row("comms:broadcast-create", lambda p: reverse("comms:broadcast-create"), expect(**SENDERS)),
    Row(
        "comms:broadcast-detail",
        lambda p: reverse("comms:broadcast-detail", args=[_broadcast_b(p).pk]),
        expect(admin=200, organizer_b=200),
        note="chapter B's broadcast",
    ),
    Row(
        "comms:broadcast-submit",
        lambda p: reverse("comms:broadcast-submit", args=[_broadcast_b(p).pk]),
        expect(admin=302, organizer_b=302),
        method="post",
        note="the first sender submits; later ones see a message",
    ),
    Row(
        "comms:broadcast-approve",
        lambda p: reverse("comms:broadcast-approve", args=[_national_awaiting(p).pk]),
        expect(admin=302),
        method="post",
        note="national: the author may not approve (a message), organizers never see it",
    ),
    Row(
        "comms:broadcast-cancel",
        lambda p: reverse("comms:broadcast-cancel", args=[_broadcast_b(p).pk]),
        expect(admin=302, organizer_b=302),
        method="post",
    ),
    Row(
        "comms:broadcast-resend-unknown",
        lambda p: reverse("comms:broadcast-resend-unknown", args=[_broadcast_b(p).pk]),
        expect(admin=302, organizer_b=302),
        method="post",
        note="chapter B's senders only; without a confirmation or unknowns they see a message",
    ),
    Row(
        "comms:invitation-create",
        lambda p: reverse("comms:invitation-create"),
        expect(**SENDERS),
        note="account invitations: staff who send broadcasts",
    ),
    Row(
        "comms:unsubscribe",
        _unsubscribe,
        expect(anon=200, **EVERYONE),
        note="public: a signed link, no session",
    ),
    Row(
        "comms:pledge-sign",
        lambda p: reverse("comms:pledge-sign", args=[_pledge(p).slug]),
        expect(anon=200, **EVERYONE),
    ),
    Row(
        "comms:pledge-thanks",
        lambda p: reverse("comms:pledge-thanks", args=[_pledge(p).slug]),
        expect(anon=200, **EVERYONE),
    ),
    Row(
        "comms:sms-inbound-webhook",
        lambda p: reverse("comms:sms-inbound-webhook"),
        expect(anon=405, **POST_ONLY),
        note="provider webhooks: POST with a signature only",
    ),
    Row(
        "comms:email-events-webhook",
        lambda p: reverse("comms:email-events-webhook"),
        expect(anon=405, **POST_ONLY),
    ),
    *(
        Row(
            f"anymail:postmark_{kind}_webhook",
            lambda p, kind=kind: reverse(f"anymail:postmark_{kind}_webhook"),
            expect(anon=400, **{p: 400 for p in EVERYONE}),
            method="post",
            note="ESP webhook: basic-auth secret only; no session helps",
        )
        for kind in ("tracking", "inbound")
    ),
]
