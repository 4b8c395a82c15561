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


def _open_chapter_b(p):
    from bloc.democracy.tests.helpers import opened

    return opened(chapter=p.chapter_b)[0].pk


def _override(p):
    from bloc.democracy import identity
    from bloc.democracy.tests.helpers import opened

    opened()
    return identity.request_override(
        actor=p.admin, person=p.person_member_a, reason="Fictional: lost their address."
    ).pk


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
        "democracy:identity-overrides",
        lambda p: reverse("democracy:identity-overrides"),
        expect(admin=200),
        note="national admins only",
    ),
    Row(
        "democracy:identity-override-decide",
        lambda p: reverse("democracy:identity-override-decide", args=[_override(p)]),
        expect(admin=302, anon=302),
        method="post",
        note="the asker cannot approve: a message, nothing decided",
    ),
    Row(
        "democracy:ballot-receipt",
        _url("democracy:ballot-receipt", _open_national),
        expect(anon=404),
        method="post",
        note="only a voter who has voted gets a receipt; nobody here has",
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
        "democracy:ballot-record-json",
        _url("democracy:ballot-record-json", _certified),
        expect(anon=200, **EVERYONE),
    ),
    Row(
        "democracy:ballot-record-json",
        _url("democracy:ballot-record-json", _open_national),
        expect(anon=404),
        note="no record while voting",
    ),
    Row(
        "democracy:ballot-codes",
        _url("democracy:ballot-codes", _open_national),
        expect(admin=200),
        method="post",
        note="issues codes once; the printable CSV comes back",
    ),
    Row(
        "democracy:ballot-vote-by-code",
        _url("democracy:ballot-vote-by-code", _open_national),
        expect(anon=200, **EVERYONE),
        note="an open ballot takes personal codes from anyone holding one",
    ),
    Row(
        "democracy:ballot-vote-by-code",
        _url("democracy:ballot-vote-by-code", _draft_b),
        expect(anon=200, **EVERYONE),
        note="not open: the same neutral code step as any id, naming nothing",
    ),
    Row(
        "democracy:ballot-vote-by-code",
        _url("democracy:ballot-vote-by-code", _open_chapter_b),
        expect(anon=200, **EVERYONE),
        note="a chapter's open ballot: the neutral code step; the ballot only for a valid code",
    ),
    Row(
        "democracy:ballot-vote-by-code",
        _url("democracy:ballot-vote-by-code", _open_chapter_b),
        expect(anon=200, **EVERYONE),
        method="post",
        data={"code": "0000-0000-0000-0000-0000"},
        note="a wrong code: the code step again, naming nothing",
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


def _motion(p, chapter=None, needed=1):
    from bloc.democracy import services

    return services.submit_proposal(
        actor=p.member_b if chapter else p.member_a,
        title="Fictional motion",
        text="Resolved: a fictional thing.",
        chapter=chapter,
        cosponsors_needed=needed,
    )


def _motion_national(p):
    return _motion(p).pk


def _motion_b(p):
    return _motion(p, chapter=p.chapter_b).pk


def _ready_motion(p):
    from bloc.democracy import services

    motion = _motion(p)
    services.cosponsor_proposal(actor=p.organizer_b, proposal=motion)
    return motion.pk


def _amendment(p):
    from bloc.democracy import services

    motion = _motion(p)
    return services.submit_proposal(
        actor=p.organizer_a, title="Fictional amendment", text="…", amends=motion
    ).pk


def _comment_b(p):
    from bloc.democracy import services

    motion = _motion(p, chapter=p.chapter_b)
    return services.post_comment(
        actor=p.member_b, proposal=motion, stance="against", body="Fictional objection."
    ).pk


ROWS += [
    Row(
        "democracy:proposal-list", lambda p: reverse("democracy:proposal-list"), expect(**EVERYONE)
    ),
    Row(
        "democracy:proposal-create",
        lambda p: reverse("democracy:proposal-create"),
        expect(**MEMBERS),
        note="members in good standing only",
    ),
    Row(
        "democracy:proposal-detail",
        _url("democracy:proposal-detail", _motion_national),
        expect(**MEMBERS),
    ),
    Row(
        "democracy:proposal-detail",
        _url("democracy:proposal-detail", _motion_b),
        expect(admin=200, organizer_b=200),
        note="chapter B's motion",
    ),
    Row(
        "democracy:proposal-cosponsor",
        _url("democracy:proposal-cosponsor", _motion_b),
        expect(admin=302, organizer_b=302),
        method="post",
        note="admin (not a chapter B member) is refused with a message; organizer B signs",
    ),
    Row(
        "democracy:proposal-withdraw",
        _url("democracy:proposal-withdraw", _motion_national),
        expect(**{k: 302 for k in MEMBERS}),
        method="post",
        note="only the author succeeds; others get a message",
    ),
    Row(
        "democracy:proposal-comment",
        _url("democracy:proposal-comment", _motion_b),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"stance": "for", "body": "Fictional support."},
    ),
    Row(
        "democracy:proposal-amend",
        _url("democracy:proposal-amend", _motion_national),
        expect(**{k: 302 for k in MEMBERS}),
        method="post",
        data={"title": "Fictional amendment", "text": "Strike the second clause."},
    ),
    Row(
        "democracy:amendment-accept",
        _url("democracy:amendment-accept", _amendment),
        expect(**{k: 302 for k in MEMBERS}),
        method="post",
        note="only the motion's author (member A) succeeds",
    ),
    Row(
        "democracy:proposal-ballot",
        _url("democracy:proposal-ballot", _ready_motion),
        expect(admin=302),
        method="post",
        note="invalid form: a message, nothing drafted",
    ),
    Row(
        "democracy:comment-hide",
        _url("democracy:comment-hide", _comment_b),
        expect(admin=302, organizer_b=302),
        method="post",
        data={"reason": "Off topic"},
    ),
]
