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
]
