"""The debug email backend: one line per message, recipients and subject, never the body."""

import io

from django.core.mail import EmailMessage, get_connection

from bloc.core.mail import OneLineEmailBackend


def test_each_email_is_one_line_with_recipients_and_subject():
    out = io.StringIO()
    backend = get_connection("bloc.core.mail.OneLineEmailBackend", stream=out)
    sent = backend.send_messages(
        [
            EmailMessage(
                "You're signed up", "Secret body text", to=["wren@example.org"], cc=["ash@x.org"]
            ),
            EmailMessage("Two\nlines", "More body", to=["juno@example.org"]),
        ]
    )
    assert sent == 2
    assert out.getvalue().splitlines() == [
        "email to wren@example.org, ash@x.org: You're signed up",
        "email to juno@example.org: Two lines",
    ]
    assert "body" not in out.getvalue()


def test_debug_without_an_email_backend_uses_it(monkeypatch):
    import importlib

    import config.settings as settings_module

    monkeypatch.setenv("DJANGO_DEBUG", "1")
    monkeypatch.delenv("EMAIL_BACKEND", raising=False)
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.EMAIL_BACKEND == "bloc.core.mail.OneLineEmailBackend"
        assert OneLineEmailBackend.__module__ == "bloc.core.mail"
    finally:
        monkeypatch.setenv("DJANGO_DEBUG", "0")
        importlib.reload(settings_module)
