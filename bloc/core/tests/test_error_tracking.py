"""Error tracking (sentry-sdk, or GlitchTip) is on only with SENTRY_DSN, and what it sends
carries no personal data (issue 23)."""

import os
import subprocess
import sys
from pathlib import Path

import structlog

from config.error_tracking import scrub_event

ROOT = Path(__file__).resolve().parents[3]


def _event():
    return {
        "level": "error",
        "request": {
            "method": "POST",
            "url": "https://bloc.example.org/events/e/Zq3xK9mPp2Lr8sVt4wNy6bHc/rsvp/?email=x%40y.org",
            "query_string": "email=jane.doe%40example.org",
            "data": {"email": "jane.doe@example.org", "first_name": "Jane"},
            "cookies": {"sessionid": "s3cr3t-session"},
            "headers": {"Cookie": "sessionid=s3cr3t-session", "X-Forwarded-For": "203.0.113.7"},
            "env": {"REMOTE_ADDR": "203.0.113.7"},
        },
        "user": {"id": 42, "email": "jane.doe@example.org", "ip_address": "203.0.113.7"},
        "exception": {
            "values": [
                {
                    "type": "IntegrityError",
                    "value": "duplicate key: Key (email)=(jane.doe@example.org) already exists",
                }
            ]
        },
        "breadcrumbs": {
            "values": [{"category": "bloc.people", "message": "import of jane.doe@example.org"}]
        },
        "extra": {"request": "<WSGIRequest: POST '/people/?q=Jane'>"},
    }


def test_the_scrubber_leaves_no_request_data_email_cookie_or_address():
    event = scrub_event(_event(), {})
    assert event["request"] == {
        "method": "POST",
        "url": "https://bloc.example.org/events/e/[token]/rsvp/",
    }
    assert event["user"] == {"id": 42}
    assert event["exception"]["values"][0]["value"] == (
        "duplicate key: Key (email)=([email]) already exists"
    )
    assert event["breadcrumbs"]["values"][0]["message"] == "import of [email]"
    text = repr(event)
    for secret in ("jane.doe", "x%40y", "s3cr3t", "203.0.113.7", "Jane", "Zq3xK9"):
        assert secret not in text
    assert event["level"] == "error"


def test_the_request_id_becomes_a_tag():
    structlog.contextvars.bind_contextvars(request_id="req-0001")
    try:
        assert scrub_event(_event(), {})["tags"] == {"request_id": "req-0001"}
    finally:
        structlog.contextvars.clear_contextvars()


def _client_options(**env):
    script = (
        "import django; django.setup()\n"
        "import sentry_sdk\n"
        "client = sentry_sdk.get_client()\n"
        "o = client.options\n"
        "print(client.is_active(), o['send_default_pii'], o['include_local_variables'],"
        " getattr(o['before_send'], '__name__', None))\n"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout.split()


def test_error_tracking_is_on_only_with_a_dsn():
    assert _client_options()[0] == "False"
    assert _client_options(SENTRY_DSN="http://publickey@127.0.0.1:9/1") == [
        "True",
        "False",
        "False",
        "scrub_event",
    ]
