from django.urls import reverse

from bloc.core.authz import Row, expect

ROWS = [
    Row(
        "accounts:security",
        lambda p: reverse("accounts:security"),
        expect(default=200),
    ),
    Row("accounts:role-list", lambda p: reverse("accounts:role-list"), expect(admin=200)),
    Row(
        "accounts:role-revoke",
        lambda p: reverse("accounts:role-revoke", args=[p.liaison.roles.get().pk]),
        expect(admin=302),
        method="post",
        note="admin revokes the liaison's role; everyone after finds nothing",
    ),
    Row(
        "accounts:audit-log",
        lambda p: reverse("accounts:audit-log"),
        expect(admin=200, organizer_a=200, organizer_b=200),
    ),
    Row(
        "accounts:audit-log",
        lambda p: reverse("accounts:audit-log") + "?action=people.person_viewed",
        expect(admin=200, organizer_a=200, organizer_b=200),
        note="filtered",
    ),
]
