"""Authorization rows for the front door, public chapter pages and the member's own pages.
Public pages answer everyone; the member pages answer any signed-in account and act only on
the reader's own record (accounts with no record get a 404 where there is nothing to act on);
a chapter page's editor is its organizers and national admins."""

from django.urls import reverse

from bloc.core.authz import PERSONAS, Row, expect

EVERYONE = dict.fromkeys(PERSONAS, 200)
#: Personas whose account is linked to a person (the others have no record to act on).
WITH_RECORD = {"admin": 302, "organizer_a": 302, "organizer_b": 302, "member_a": 302}


def _u(name: str, *args):
    return lambda p: reverse(f"home:{name}", args=args)


def _member_a_rsvp(p):
    if not hasattr(p, "_home_rsvp"):
        from bloc.events import services
        from bloc.events.tests import builders

        event, _ = builders.approved_event(p.admin, zip_code="10001", tz="America/New_York")
        rsvp, _ = services.rsvp(actor=None, timeslot=event.timeslots.get(), email=p.member_a.email)
        p._home_rsvp = rsvp
    return p._home_rsvp


def _deletion(p):
    if not hasattr(p, "_home_deletion"):
        from bloc.home import services

        p._home_deletion = services.request_deletion(
            actor=p.member_b, person=p.person_member_b, reason=""
        )
    return p._home_deletion


ROWS = [
    Row(
        "home:front-door",
        _u("front-door"),
        {"anon": 200, **dict.fromkeys(PERSONAS[1:], 302)},
        note="signed-in people go on to their home",
    ),
    Row("home:chapter-index", _u("chapter-index"), EVERYONE),
    Row(
        "home:chapter-page",
        lambda p: reverse("home:chapter-page", args=[p.chapter_a.slug]),
        EVERYONE,
    ),
    Row(
        "home:chapter-contact",
        lambda p: reverse("home:chapter-contact", args=[p.chapter_a.slug]),
        dict.fromkeys(PERSONAS, 405),
        note="POST only (posting is rate-limited per address: see test_views)",
    ),
    Row(
        "home:chapter-edit",
        lambda p: reverse("home:chapter-edit", args=[p.chapter_a.slug]),
        expect(admin=200, organizer_a=200),
    ),
    Row("home:me", _u("me"), expect(default=200)),
    Row(
        "home:rsvp-cancel",
        lambda p: reverse("home:rsvp-cancel", args=[_member_a_rsvp(p).pk]),
        expect(member_a=302),
        method="post",
        note="only the member's own RSVP",
    ),
    Row("home:preferences", _u("preferences"), expect(default=200)),
    Row(
        "home:preferences-consent",
        _u("preferences-consent"),
        expect(**WITH_RECORD),
        method="post",
    ),
    Row(
        "home:preferences-move",
        _u("preferences-move"),
        expect(**WITH_RECORD),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "home:deletion-request",
        _u("deletion-request"),
        expect(**WITH_RECORD),
        method="post",
        note="invalid form: a message, nothing written",
    ),
    Row(
        "home:deletion-request-handle",
        lambda p: reverse("home:deletion-request-handle", args=[_deletion(p).pk]),
        expect(admin=302),
        method="post",
        note="national admins only; after that it is handled",
    ),
    Row(
        "home:my-data-json",
        _u("my-data-json"),
        expect(admin=200, organizer_a=200, organizer_b=200, member_a=200),
    ),
    Row(
        "home:my-data-csv",
        _u("my-data-csv"),
        expect(admin=200, organizer_a=200, organizer_b=200, member_a=200),
    ),
]
