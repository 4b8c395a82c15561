"""Test doubles: a fake email provider over real HTTP (so killed worker processes can use it),
and helpers that build audiences of fictional people quickly."""

import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from django.conf import settings

from bloc.comms.backends.base import EmailSender, Outcome, OutgoingMessage, Result
from bloc.people.models import ConsentEvent, Person


class FakeProvider:
    """Counts every request per idempotency key; delivers a key once when `idempotent`."""

    def __init__(self, *, idempotent: bool, delay_seconds: float = 0.0) -> None:
        self.idempotent = idempotent
        self.delay_seconds = delay_seconds
        self.requests: Counter[str] = Counter()
        self.deliveries: Counter[str] = Counter()
        self.delivered_at: dict[str, float] = {}
        self.recipients: dict[str, str] = {}
        self.lock = threading.Lock()
        provider = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802
                payload = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = payload["key"]
                if provider.delay_seconds:
                    time.sleep(random.uniform(0, provider.delay_seconds))
                with provider.lock:
                    provider.requests[key] += 1
                    if not (provider.idempotent and provider.deliveries[key]):
                        provider.deliveries[key] += 1
                        provider.delivered_at[key] = time.time()
                        provider.recipients[key] = payload["to"]
                body = json.dumps({"id": f"fake-{key}"}).encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "FakeProvider":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def duplicates(self) -> int:
        return sum(count - 1 for count in self.deliveries.values() if count > 1)


class _Connection(http.client.HTTPConnection):
    def connect(self) -> None:
        super().connect()
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class HttpFakeEmail(EmailSender):
    """Talks to FakeProvider at settings.BLOC_COMMS_FAKE_PROVIDER_URL."""

    def __init__(self) -> None:
        self.supports_idempotency = bool(settings.BLOC_COMMS_FAKE_PROVIDER_IDEMPOTENT)
        self.url = urlsplit(settings.BLOC_COMMS_FAKE_PROVIDER_URL)
        self.kept: _Connection | None = None

    def open(self) -> None:
        self.kept = _Connection(self.url.hostname, self.url.port, timeout=10)

    def close(self) -> None:
        if self.kept is not None:
            self.kept.close()
            self.kept = None

    def send(self, messages: list[OutgoingMessage]) -> list[Result]:
        conn = self.kept or _Connection(self.url.hostname, self.url.port, timeout=10)
        results = []
        try:
            for message in messages:
                try:
                    body = json.dumps({"key": message.key, "to": message.to})
                    conn.request("POST", self.url.path, body, {"Content-Type": "application/json"})
                    answer = json.loads(conn.getresponse().read())
                    results.append(Result(message.key, Outcome.ACCEPTED, answer["id"]))
                except (OSError, http.client.HTTPException) as exc:
                    results.append(Result(message.key, Outcome.UNKNOWN, detail=type(exc).__name__))
                    conn.close()  # http.client reconnects on the next request
        finally:
            if conn is not self.kept:
                conn.close()
        return results


def fictional_people(count: int, *, prefix: str = "reader", sms: bool = False) -> list[Person]:
    """Bulk-built fictional supporters opted in to email (and texts when `sms`)."""
    people = Person.objects.bulk_create(
        [
            Person(
                first_name=f"Reader{i}" if i % 7 else "",
                last_name="Example",
                email=f"{prefix}{i}@example.org",
                phone=f"+1212555{i:04d}" if sms else "",
                zip_code="10001",
            )
            for i in range(count)
        ],
        batch_size=1000,
    )
    channels = ["email", "sms"] if sms else ["email"]
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(person=p, channel=c, status="opted_in", source="test")
            for p in people
            for c in channels
        ],
        batch_size=2000,
    )
    return people
