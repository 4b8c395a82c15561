"""Authorization rows for democracy URLs. Chapter B's ballots are what organizer A must not run."""

from django.urls import reverse

from bloc.core.authz import Row, expect

EVERYONE = {
    p: 200 for p in ("admin", "organizer_a", "organizer_b", "member_a", "liaison", "outsider")
}
MEMBERS = {"admin": 200, "organizer_a": 200, "organizer_b": 200, "member_a": 200}


def _open_national(p):
    from bloc.democracy.tests.helpers import opened

    return opened()[0].pk


def _draft_b(p):
    from bloc.democracy.tests.helpers import draft

    return draft(chapter=p.chapter_b).pk


def _certified(p):
    from bloc.democracy.tests.helpers import certified_yes_no

    return certified_yes_no(p).pk


def _closed_national(p):
    from bloc.democracy import services
    from bloc.democracy.tests.helpers import after_close, opened

    ballot, _ = opened()
    with after_close(ballot):
        services.close_ballot(actor=None, ballot=ballot)
    return ballot.pk


def _url(name, make):
    return lambda p: reverse(name, args=[make(p)])


ROWS = [
    Row("democracy:ballot-list", lambda p: reverse("democracy:ballot-list"), expect(**EVERYONE)),
    Row(
        "democracy:ballot-create",
        lambda p: reverse("democracy:ballot-create"),
        expect(admin=200, organizer_a=200, organizer_b=200),
    ),
    Row(
        "democracy:ballot-detail",
        _url("democracy:ballot-detail", _open_national),
        expect(**MEMBERS),
        note="open national ballot: members and staff only",
    ),
    Row(
        "democracy:ballot-detail",
        _url("democracy:ballot-detail", _draft_b),
        expect(admin=200, organizer_b=200),
        note="chapter B's draft",
    ),
    Row(
        "democracy:ballot-cast",
        _url("democracy:ballot-cast", _open_national),
        expect(admin=302, organizer_a=302, organizer_b=302, member_a=302),
        method="post",
        note="empty form: a message, nothing cast",
    ),
    Row(
        "democracy:ballot-turnout",
        _url("democracy:ballot-turnout", _open_national),
        expect(**MEMBERS),
    ),
    Row(
        "democracy:ballot-board",
        _url("democracy:ballot-board", _open_national),
        expect(anon=404, **MEMBERS),
        note="open: those who see the ballot",
    ),
    Row(
        "democracy:ballot-board",
        _url("democracy:ballot-board", _certified),
        expect(anon=200, **EVERYONE),
        note="certified: public",
    ),
    Row(
        "democracy:ballot-results",
        _url("democracy:ballot-results", _certified),
        expect(anon=200, **EVERYONE),
    ),
    Row(
        "democracy:ballot-results",
        _url("democracy:ballot-results", _open_national),
        expect(anon=404),
        note="no result while voting",
    ),
    Row(
        "democracy:ballot-record",
        _url("democracy:ballot-record", _certified),
        expect(anon=200, **EVERYONE),
    ),
    Row(
        "democracy:ballot-manage",
        _url("democracy:ballot-manage", _open_national),
        expect(admin=200),
        note="national: admins only",
    ),
    Row(
        "democracy:ballot-manage",
        _url("democracy:ballot-manage", _draft_b),
        expect(admin=200, organizer_b=200),
    ),
    Row(
        "democracy:ballot-step",
        _url("democracy:ballot-step", _draft_b),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"step": "notice"},
        note="admin gives notice; organizer B is then told it is already given",
    ),
    Row(
        "democracy:ballot-tally",
        _url("democracy:ballot-tally", _closed_national),
        expect(admin=302),
        method="post",
        data={"shares": "1:00:00"},
        note="a bad share is refused with a message",
    ),
]
