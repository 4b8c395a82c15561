from django.urls import reverse

from bloc.core.authz import Row, expect

ROWS = [
    Row("core:home", lambda p: reverse("core:home"), expect(default=200)),
    Row("core:health", lambda p: reverse("core:health"), expect(anon=200, default=200)),
    Row("core:brand-css", lambda p: reverse("core:brand-css"), expect(anon=200, default=200)),
]
