"""Authorization rows for event URLs. Public pages answer everyone; host tools answer whoever
holds the private link; staff pages are scoped to chapter B's organizer and the admin; days of
action are national staff's."""

from django.urls import reverse

from bloc.core.authz import Row, expect

EVERYONE = {
    "anon": 200,
    "admin": 200,
    "organizer_a": 200,
    "organizer_b": 200,
    "member_a": 200,
    "liaison": 200,
    "outsider": 200,
}
B_STAFF = {"admin": 200, "organizer_b": 200}
B_STAFF_POST = {"admin": 302, "organizer_b": 302}


def _all(status: int) -> dict[str, int]:
    return dict.fromkeys(EVERYONE, status)


def _state(p):
    """An approved event in chapter B with one RSVP, a host link, and a new volunteer."""
    if hasattr(p, "_events_state"):
        return p._events_state
    from bloc.events import services
    from bloc.events.models import FollowUp
    from bloc.events.tests import builders

    day = builders.day_of_action()
    event, token = builders.approved_event(p.admin, zip_code="60601", day=day, capacity=20)
    rsvp, cancel_token = services.rsvp(
        actor=None,
        timeslot=event.timeslots.get(),
        email="wren.matrix@example.org",
        first_name="Wren",
        zip_code="60602",
    )
    _intake, status_token = services.receive_rsvp(
        timeslot=event.timeslots.get(),
        email="ash.intake@example.org",
        first_name="Ash",
        zip_code="60602",
    )
    walk_in = services.add_walk_in(
        actor=None,
        event=event,
        link=builders.host_link(token),
        email="juniper.walkin@example.org",
        first_name="Juniper",
        zip_code="60602",
    )
    pending = builders.pending_event(p.outsider, zip_code="60602", title="Lakeshore potluck")
    private, _ = builders.approved_event(
        p.admin, zip_code="60601", title="Lakeshore house meeting", visibility="private"
    )
    revoked, revoked_token = services.create_host_link(actor=p.admin, event=event)
    services.revoke_host_link(actor=p.admin, link=revoked)
    p._events_state = {
        "day": day,
        "event": event,
        "token": token,
        "rsvp": rsvp,
        "cancel_token": cancel_token,
        "status_token": status_token,
        "pending": pending,
        "private": private,
        "follow_up": FollowUp.objects.get(person=walk_in.person),
        "revoked_token": revoked_token,
        "link": builders.host_link(token),
    }
    return p._events_state


def _url(name, key=None, attr="pk"):
    def build(p):
        if key is None:
            return reverse(name)
        value = _state(p)[key]
        return reverse(name, args=[getattr(value, attr) if attr else value])

    return build


ROWS = [
    Row("events:event-search", _url("events:event-search"), EVERYONE),
    Row(
        "events:event-search",
        lambda p: reverse("events:event-search") + "?zip=60601&radius=25",
        EVERYONE,
        note="search by ZIP",
    ),
    Row("events:event-embed", _url("events:event-embed"), EVERYONE),
    Row(
        "events:leaflet-asset",
        lambda p: reverse("events:leaflet-asset", args=["leaflet.js"]),
        EVERYONE,
    ),
    Row(
        "events:leaflet-asset",
        lambda p: reverse("events:leaflet-asset", args=["../__init__.py"]),
        _all(404),
        note="only Leaflet's own files",
    ),
    Row("events:day-detail", _url("events:day-detail", "day", "slug"), EVERYONE),
    Row("events:day-ical", _url("events:day-ical", "day", "slug"), EVERYONE),
    Row("events:event-detail", _url("events:event-detail", "event", "slug"), EVERYONE),
    Row(
        "events:event-detail",
        _url("events:event-detail", "pending", "slug"),
        _all(404),
        note="not approved yet",
    ),
    Row(
        "events:event-detail",
        _url("events:event-detail", "private", "slug"),
        _all(404),
        note="a private event's title-based slug",
    ),
    Row(
        "events:event-detail",
        _url("events:event-detail", "private", "link_token"),
        EVERYONE,
        note="a private event by its link",
    ),
    Row("events:event-ical", _url("events:event-ical", "event", "slug"), EVERYONE),
    Row(
        "events:event-ical",
        _url("events:event-ical", "private", "slug"),
        _all(404),
        note="a private event's title-based slug",
    ),
    Row(
        "events:rsvp-create",
        _url("events:rsvp-create", "event", "slug"),
        _all(400),
        method="post",
        note="invalid form: nothing written",
    ),
    Row(
        "events:rsvp-status",
        _url("events:rsvp-status", "status_token", None),
        EVERYONE,
        note="the token is the credential; it shows this RSVP only",
    ),
    Row(
        "events:rsvp-status",
        lambda p: reverse("events:rsvp-status", args=["not-a-token"]),
        _all(404),
        note="unknown token",
    ),
    Row("events:rsvp-cancel", _url("events:rsvp-cancel", "cancel_token", None), EVERYONE),
    Row(
        "events:rsvp-cancel",
        lambda p: reverse("events:rsvp-cancel", args=["not-a-token"]),
        _all(404),
        note="unknown token",
    ),
    Row("events:event-submit", _url("events:event-submit"), EVERYONE),
    Row(
        "events:submission-verify",
        lambda p: reverse("events:submission-verify", args=["some-token"]),
        EVERYONE,
        note="GET shows the confirm button; the POST verifies",
    ),
    Row(
        "events:submission-verify",
        lambda p: reverse("events:submission-verify", args=["unknown-token"]),
        _all(404),
        method="post",
        note="unknown token",
    ),
    Row("events:host-tools", _url("events:host-tools", "token", None), EVERYONE),
    Row(
        "events:host-tools",
        _url("events:host-tools", "revoked_token", None),
        _all(404),
        note="revoked link",
    ),
    Row(
        "events:host-resubmit",
        _url("events:host-resubmit", "token", None),
        _all(400),
        method="post",
        note="invalid form; an approved event is not waiting for changes anyway",
    ),
    Row(
        "events:host-resubmit",
        _url("events:host-resubmit", "revoked_token", None),
        _all(404),
        method="post",
        note="revoked link",
    ),
    Row(
        "events:host-check-in",
        lambda p: reverse("events:host-check-in", args=[_state(p)["token"], _state(p)["rsvp"].pk]),
        _all(302),
        method="post",
        note="the link holder checks in; repeating is harmless",
    ),
    Row(
        "events:host-check-in",
        lambda p: reverse(
            "events:host-check-in", args=[_state(p)["revoked_token"], _state(p)["rsvp"].pk]
        ),
        _all(404),
        method="post",
        note="revoked link",
    ),
    Row("events:host-scan", _url("events:host-scan", "token", None), EVERYONE),
    Row(
        "events:host-scan",
        _url("events:host-scan", "revoked_token", None),
        _all(404),
        note="revoked link",
    ),
    Row(
        "events:host-scan",
        _url("events:host-scan", "token", None),
        _all(302),
        method="post",
        data={"code": "ZZZZZZ"},
        note="an unknown code: a message, nothing written but the refusal's audit",
    ),
    Row(
        "events:host-scan",
        _url("events:host-scan", "revoked_token", None),
        _all(404),
        method="post",
        data={"code": "ZZZZZZ"},
        note="revoked link",
    ),
    Row(
        "events:host-walk-in",
        _url("events:host-walk-in", "token", None),
        _all(400),
        method="post",
        note="invalid form",
    ),
    Row(
        "events:host-outcomes",
        _url("events:host-outcomes", "token", None),
        _all(302),
        method="post",
        data={"doors_knocked": "40"},
    ),
    Row("events:day-create", _url("events:day-create"), expect(admin=200)),
    Row(
        "events:day-create",
        _url("events:day-create"),
        expect(admin=400),
        method="post",
        note="invalid form: errors shown, nothing written",
    ),
    Row("events:day-edit", _url("events:day-edit", "day"), expect(admin=200)),
    Row(
        "events:day-edit",
        _url("events:day-edit", "day"),
        expect(admin=400),
        method="post",
        note="invalid form: errors shown, nothing written",
    ),
    Row(
        "events:moderation-queue",
        _url("events:moderation-queue"),
        expect(admin=200, organizer_a=200, organizer_b=200),
    ),
    Row("events:moderation-detail", _url("events:moderation-detail", "pending"), expect(**B_STAFF)),
    Row(
        "events:moderation-decide",
        _url("events:moderation-decide", "pending"),
        expect(**B_STAFF_POST),
        method="post",
        note="no decision chosen: a message, nothing written",
    ),
    Row("events:event-manage", _url("events:event-manage", "event"), expect(**B_STAFF)),
    Row(
        "events:event-cancel",
        _url("events:event-cancel", "pending"),
        expect(**B_STAFF_POST),
        method="post",
    ),
    Row(
        "events:shift-add",
        _url("events:shift-add", "event"),
        expect(**B_STAFF_POST),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "events:host-link-create",
        _url("events:host-link-create", "event"),
        expect(**B_STAFF_POST),
        method="post",
    ),
    Row("events:rsvp-export", _url("events:rsvp-export", "event"), expect(**B_STAFF)),
    Row(
        "events:host-link-revoke",
        _url("events:host-link-revoke", "link"),
        expect(**B_STAFF_POST),
        method="post",
    ),
    Row(
        "events:follow-up-list",
        _url("events:follow-up-list"),
        expect(admin=200, organizer_a=200, organizer_b=200),
    ),
    Row(
        "events:follow-up-complete",
        _url("events:follow-up-complete", "follow_up"),
        expect(**B_STAFF_POST),
        method="post",
        data={"outcome": "not_now"},
    ),
]
