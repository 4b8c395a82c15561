"""An email backend for the demo and local development: one line per message on the console.

``make demo`` sends real-looking mail (RSVP confirmations, host links, ballot codes); Django's
console backend prints each whole message, which buries everything else. This prints who it is
for and its subject, and nothing of the body. Used by default when DJANGO_DEBUG is on and
EMAIL_BACKEND is unset; never in production.
"""

import sys
import threading
from collections.abc import Sequence
from typing import Any, TextIO

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import EmailMessage


class OneLineEmailBackend(BaseEmailBackend):
    def __init__(self, *args: Any, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    @staticmethod
    def line(message: EmailMessage) -> str:
        recipients = ", ".join(message.recipients()) or "(no recipient)"
        subject = " ".join(str(message.subject).split())  # one line, whatever the subject holds
        return f"email to {recipients}: {subject}"

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        if not email_messages:
            return 0
        sent = 0
        with self._lock:
            for message in email_messages:
                self.stream.write(self.line(message) + "\n")
                sent += 1
            self.stream.flush()
        return sent
