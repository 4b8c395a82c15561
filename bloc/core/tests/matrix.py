from django.urls import reverse

from bloc.core.authz import Row, expect

ROWS = [
    Row("core:home", lambda p: reverse("core:home"), expect(default=200)),
    Row("core:health", lambda p: reverse("core:health"), expect(anon=200, default=200)),
    # Prometheus: a bearer token (BLOC_METRICS_TOKEN) or this machine only; the test client
    # comes from 127.0.0.1, so the row asks from elsewhere (test_metrics.py has the rest).
    Row(
        "core:metrics",
        lambda p: reverse("core:metrics"),
        expect(anon=404, default=404),
        note="from another machine, no token",
        headers=lambda user: {"REMOTE_ADDR": "198.51.100.20"},
    ),
    Row("core:brand-css", lambda p: reverse("core:brand-css"), expect(anon=200, default=200)),
]
