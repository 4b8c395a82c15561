"""Email through Django's mail layer: any ESP via django-anymail, or plain SMTP.

Messages are rendered per recipient by Bloc and sent over one connection per batch. ESPs differ
in idempotency support, so it is declared by setting (`BLOC_COMMS_EMAIL_IDEMPOTENT`) rather than
assumed; the key is always sent as a header and as the Message-ID's local part.
"""

import contextlib
import smtplib
import socket
from typing import Any

from anymail.exceptions import AnymailAPIError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection

from bloc.comms.backends.base import EmailSender, Outcome, OutgoingMessage, Result


def _classify(exc: Exception) -> Outcome:
    if isinstance(exc, AnymailRecipientsRefused | smtplib.SMTPRecipientsRefused):
        return Outcome.PERMANENT
    if isinstance(exc, AnymailAPIError):
        status = getattr(exc, "status_code", None)
        if status is None:
            return Outcome.UNKNOWN
        return Outcome.TEMPORARY if status == 429 or status >= 500 else Outcome.PERMANENT
    if isinstance(exc, smtplib.SMTPResponseException):
        return Outcome.TEMPORARY if 400 <= exc.smtp_code < 500 else Outcome.PERMANENT
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError | socket.timeout):
        return Outcome.UNKNOWN
    return Outcome.UNKNOWN


class AnymailEmailBackend(EmailSender):
    def __init__(self) -> None:
        self.supports_idempotency = bool(getattr(settings, "BLOC_COMMS_EMAIL_IDEMPOTENT", False))
        self._kept: Any = None  # the connection between open() and close()
        self._keeping = False

    def open(self) -> None:
        self._keeping = True

    def close(self) -> None:
        self._keeping = False
        self._drop()

    def _drop(self) -> None:
        if self._kept is not None:
            # A dropped connection at close changes no outcome.
            with contextlib.suppress(Exception):
                self._kept.close()
            self._kept = None

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        results: list[Result] = []
        domain = getattr(settings, "BLOC_COMMS_MESSAGE_ID_DOMAIN", "bloc.invalid")
        connection = self._kept
        if connection is None:
            try:
                connection = get_connection()
                connection.open()
            except Exception as exc:  # nothing left this machine: safe to retry in any mode
                return [
                    Result(m.key, Outcome.TEMPORARY, detail=type(exc).__name__) for m in messages
                ]
            if self._keeping:
                self._kept = connection
        try:
            for message in messages:
                email = EmailMultiAlternatives(
                    subject=message.subject,
                    body=message.body,
                    from_email=message.from_email or None,
                    to=[message.to],
                    headers={
                        **message.headers,
                        "Message-ID": f"<{message.key}@{domain}>",
                        "Idempotency-Key": message.key,
                    },
                    connection=connection,
                )
                if message.html:
                    email.attach_alternative(message.html, "text/html")
                try:
                    email.send()
                except Exception as exc:
                    outcome = _classify(exc)
                    results.append(Result(message.key, outcome, detail=type(exc).__name__))
                    if outcome is Outcome.UNKNOWN and self._kept is connection:
                        self._drop()  # the connection is suspect: the next send opens another
                        connection = get_connection()
                        with contextlib.suppress(Exception):
                            connection.open()
                    continue
                status = getattr(email, "anymail_status", None)
                provider_id = (getattr(status, "message_id", None) or "") if status else ""
                results.append(
                    Result(
                        message.key,
                        Outcome.ACCEPTED,
                        provider_id=str(provider_id or f"<{message.key}@{domain}>"),
                    )
                )
        finally:
            if self._kept is not connection:
                # A dropped connection at close changes no outcome above.
                with contextlib.suppress(Exception):
                    connection.close()
        return results
