"""Authorization rows for program URLs: the program is public; drafts and edits are national."""

from django.urls import reverse

from bloc.core.authz import Row, expect

EVERYONE = {
    p: 200 for p in ("admin", "organizer_a", "organizer_b", "member_a", "liaison", "outsider")
}


def _adopted(p):
    from bloc.program.tests.helpers import adopted

    return adopted().pk


def _draft(p):
    from bloc.program.tests.helpers import draft

    return draft().pk


ROWS = [
    Row(
        "program:plank-list", lambda p: reverse("program:plank-list"), expect(anon=200, **EVERYONE)
    ),
    Row(
        "program:plank-detail",
        lambda p: reverse("program:plank-detail", args=[_adopted(p)]),
        expect(anon=200, **EVERYONE),
        note="adopted planks are public",
    ),
    Row(
        "program:plank-detail",
        lambda p: reverse("program:plank-detail", args=[_draft(p)]),
        expect(anon=404, admin=200),
        note="drafts only for the editors",
    ),
    Row(
        "program:plank-create",
        lambda p: reverse("program:plank-create"),
        expect(admin=302),
        method="post",
        data={},
        note="invalid form: a message, nothing written",
    ),
    Row(
        "program:plank-step",
        lambda p: reverse("program:plank-step", args=[_draft(p)]),
        expect(admin=302),
        method="post",
        data={"step": "bogus"},
    ),
    Row(
        "program:plank-revise",
        lambda p: reverse("program:plank-revise", args=[_adopted(p)]),
        expect(admin=302),
        method="post",
        data={},
    ),
    Row(
        "program:stance-create",
        lambda p: reverse("program:stance-create", args=[_adopted(p)]),
        expect(admin=302),
        method="post",
        data={},
    ),
]
