"""Authorization rows for voter-contact URLs. Campaigns belong to chapter B: its organizer and
national admins run them; the campaign's volunteers (no persona holds that role; see
test_views.py) work them. Everyone else gets 404, sign-in first for anonymous visitors."""

from django.test import override_settings
from django.urls import reverse

from bloc.core.authz import Row, expect

B_STAFF = expect(admin=200, organizer_b=200)
B_STAFF_POST = expect(admin=302, organizer_b=302)
B_STAFF_INVALID = expect(admin=400, organizer_b=400)
ANY_STAFF = expect(admin=200, organizer_a=200, organizer_b=200)


def _state(p):
    if hasattr(p, "_contact_state"):
        return p._contact_state
    from bloc.contact import selectors, services
    from bloc.contact.models import Message
    from bloc.contact.tests import builders as b

    text = b.campaign(p.admin, chapter=p.chapter_b, name="Lakeshore textbank")
    services.import_voter_file(
        actor=p.admin,
        campaign=text,
        mapping=b.MAPPING,
        file=b.voter_file(
            [
                ("M1", "Wren", "Matrix", b.phone(41), "1 Main St", "60601", "P-1"),
                ("M2", "Ash", "Matrix", b.phone(42), "3 Main St", "60601", "P-1"),
            ]
        ),
    )
    robin = b.volunteer(p.admin, text, "robin.matrix@volunteers.bloc.test", "Robin Matrix")
    services.request_batch(actor=robin, campaign=text, now=b.MORNING)
    first, second = selectors.batch_contacts(robin, text)
    with override_settings(BLOC_COMMS_BACKENDS={"sms": "bloc.contact.tests.fakes.RecordingSms"}):
        services.send_initial(actor=robin, contact=first, now=b.MORNING)
    services.receive_reply(from_number=first.phone, body="who is this?", message_id="SM-matrix")
    phone = b.campaign(p.admin, chapter=p.chapter_b, channel="phone", name="Lakeshore calls")
    door = b.campaign(p.admin, chapter=p.chapter_b, channel="door", name="Lakeshore doors")
    services.import_voter_file(
        actor=p.admin,
        campaign=door,
        mapping=b.MAPPING,
        file=b.voter_file([("D1", "Fern", "Door", "", "8 Lake St", "60601", "P-2")]),
    )
    turf = services.create_turf(actor=p.admin, campaign=door, name="Lake St", zip_codes=["60601"])
    p._contact_state = {
        "text": text,
        "phone": phone,
        "door": door,
        "turf": turf,
        "talking": first,
        "waiting": second,
        "door_contact": door.contacts.get(),
        "reply": Message.objects.get(direction="in"),
    }
    return p._contact_state


def _url(name, key=None):
    def build(p):
        if key is None:
            return reverse(name)
        return reverse(name, args=[_state(p)[key].pk])

    return build


ROWS = [
    Row("contact:home", _url("contact:home"), ANY_STAFF, note="volunteers too (test_views)"),
    Row("contact:campaign-create", _url("contact:campaign-create"), ANY_STAFF),
    Row("contact:campaign-detail", _url("contact:campaign-detail", "text"), B_STAFF),
    Row(
        "contact:campaign-status",
        _url("contact:campaign-status", "text"),
        B_STAFF_INVALID,
        method="post",
        note="unknown status: nothing changes",
    ),
    Row(
        "contact:question-add",
        _url("contact:question-add", "text"),
        B_STAFF_INVALID,
        method="post",
    ),
    Row("contact:canned-add", _url("contact:canned-add", "text"), B_STAFF_INVALID, method="post"),
    Row(
        "contact:volunteer-add",
        _url("contact:volunteer-add", "text"),
        B_STAFF_INVALID,
        method="post",
    ),
    Row(
        "contact:list-audience",
        _url("contact:list-audience", "text"),
        B_STAFF_INVALID,
        method="post",
    ),
    Row("contact:list-voters", _url("contact:list-voters", "text"), B_STAFF_INVALID, method="post"),
    Row("contact:turf-create", _url("contact:turf-create", "door"), B_STAFF_INVALID, method="post"),
    Row("contact:export", _url("contact:export", "text"), B_STAFF),
    Row("contact:review", _url("contact:review", "text"), B_STAFF),
    Row("contact:textbank", _url("contact:textbank", "text"), B_STAFF, note="staff may text"),
    Row(
        "contact:batch-request",
        _url("contact:batch-request", "text"),
        B_STAFF_POST,
        method="post",
    ),
    Row("contact:inbox", _url("contact:inbox", "text"), B_STAFF),
    Row("contact:phonebank", _url("contact:phonebank", "phone"), B_STAFF),
    Row(
        "contact:send-initial",
        _url("contact:send-initial", "waiting"),
        B_STAFF_POST,
        method="post",
        note="another volunteer's batch: refused with a message, nothing sent",
    ),
    Row(
        "contact:conversation",
        _url("contact:conversation", "talking"),
        B_STAFF,
        note="a volunteer's conversation: staff review it",
    ),
    Row("contact:reply", _url("contact:reply", "talking"), B_STAFF_INVALID, method="post"),
    Row("contact:answer", _url("contact:answer", "talking"), B_STAFF_INVALID, method="post"),
    Row("contact:opt-out", _url("contact:opt-out", "waiting"), B_STAFF_POST, method="post"),
    Row("contact:close", _url("contact:close", "talking"), B_STAFF_POST, method="post"),
    Row("contact:reassign", _url("contact:reassign", "talking"), B_STAFF_INVALID, method="post"),
    Row("contact:attempt", _url("contact:attempt", "door_contact"), B_STAFF_INVALID, method="post"),
    Row(
        "contact:door-answer",
        _url("contact:door-answer", "door_contact"),
        B_STAFF_INVALID,
        method="post",
    ),
    Row("contact:flag", _url("contact:flag", "reply"), B_STAFF_POST, method="post"),
    Row("contact:walk-list", _url("contact:walk-list", "turf"), B_STAFF),
    Row(
        "contact:sms-webhook",
        _url("contact:sms-webhook"),
        expect(anon=404, default=404),
        method="post",
        note="unsigned and unconfigured: 404; signed requests in test_views",
    ),
]
