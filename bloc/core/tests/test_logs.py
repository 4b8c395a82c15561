"""Log lines are JSON, carry the request's id (also sent as X-Request-ID) and no personal data:
no client address, user agent, email or query string (issue 23)."""

import io
import json
import logging

import pytest
from django.urls import reverse

from config.logs import logging_config


@pytest.fixture
def log_lines():
    conf = logging_config(level="INFO", fmt="json")["formatters"]["structured"]
    handler = logging.StreamHandler(stream := io.StringIO())
    handler.setFormatter(
        conf["()"](processors=conf["processors"], foreign_pre_chain=conf["foreign_pre_chain"])
    )
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


@pytest.mark.django_db
def test_a_request_logs_its_id_and_no_address_agent_email_or_query(client, personas, log_lines):
    admin = personas.admin
    client.force_login(admin)
    response = client.get(
        reverse("core:home") + "?q=jane.doe%40example.org",
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="FictionalBrowser/1.0",
    )
    assert response.status_code == 200
    request_id = response["X-Request-ID"]
    lines = log_lines()
    events = {line["event"]: line for line in lines}
    assert {"request_started", "request_finished"} <= set(events)
    finished = events["request_finished"]
    assert finished["request_id"] == request_id
    assert finished["request"] == "GET /dashboard/"
    assert finished["code"] == 200
    assert finished["user_id"] == admin.pk
    assert all(line.get("request_id") == request_id for line in lines if "request" in line)
    text = json.dumps(lines)
    for secret in ("203.0.113.7", "FictionalBrowser", admin.email, "jane.doe", "q="):
        assert secret not in text
    assert not any({"ip", "user_agent"} & set(line) for line in lines)


@pytest.mark.django_db
def test_tokens_in_paths_are_masked(client, log_lines):
    token = "Zq3xK9mPp2Lr8sVt4wNy6bHc"
    client.get(f"/events/e/{token}/")
    text = json.dumps(log_lines())
    assert token not in text
    assert "GET /events/e/[token]/" in text


@pytest.mark.django_db
def test_each_request_gets_its_own_id(client):
    first = client.get(reverse("core:health"))["X-Request-ID"]
    second = client.get(reverse("core:health"))["X-Request-ID"]
    assert first and second and first != second


def test_emails_in_any_log_line_are_masked(log_lines):
    logging.getLogger("bloc.example").error(
        "duplicate key value violates unique constraint DETAIL: Key (email)=(jane@example.org)"
    )
    (line,) = log_lines()
    assert "jane@example.org" not in line["event"]
    assert "(email)=([email])" in line["event"]
    assert line["level"] == "error"
