"""Benchmark: personalised broadcast emails through a real SMTP sink (aiosmtpd on 127.0.0.1).

    python bench/comms/email_throughput.py [--emails 100000] [--workers 2]

Builds a fresh database (PostgreSQL when reachable, else SQLite) with fictional supporters opted in
to email, queues one broadcast, and runs `manage.py comms_worker` processes against the sink.
While the broadcast is sending, a login code goes out on the transactional path
(`bloc.core.tasks.send_email`), and its arrival time at the sink is reported: it must not queue
behind the broadcast (target: within 60 s).
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
CODE_SUBJECT = "Your Bloc sign-in code"

SETUP = """
import django, time
django.setup()
from django.db import transaction
from unittest import mock
from bloc.accounts.models import Role
from bloc.accounts.services import create_user, grant_role
from bloc.comms import services
from bloc.people.models import ConsentEvent, Person
n = {n}
admin = create_user(email="bench.admin@example.org", password="bench-pass-2026!")
grant_role(actor=None, user=admin, role=Role.NATIONAL_ADMIN)
started = time.monotonic()
for offset in range(0, n, 10000):
    people = Person.objects.bulk_create([
        Person(first_name=f"Reader{{i}}" if i % 9 else "", last_name="Example",
               email=f"reader{{i}}@example.org", zip_code="10001")
        for i in range(offset, min(n, offset + 10000))
    ])
    ConsentEvent.objects.bulk_create([
        ConsentEvent(person=p, channel="email", status="opted_in", source="bench") for p in people
    ])
entity = services.create_legal_entity(actor=None, name="Bench Org", coordination="nonpartisan",
    disclaimer="Paid for by Bench Org.", postal_address="1 Example Way, New York, NY 10001")
audience = services.save_audience(actor=admin, name="Everyone")
broadcast = services.create_broadcast(actor=admin, title="Bench", channel="email",
    audience=audience, legal_entity=entity, chapter_id=None,
    subject="{{{{ first_name|Friend }}}}, the strike fund needs you",
    body="Hi {{{{ first_name|there }}}}, from {{{{ city|your town }}}}.")
broadcast.status = "draft"
services.submit_broadcast(actor=admin, broadcast=broadcast)
second = create_user(email="bench.admin2@example.org", password="bench-pass-2026!")
grant_role(actor=None, user=second, role=Role.NATIONAL_ADMIN)
with mock.patch("bloc.comms.tasks.start_delivery"):
    services.approve_broadcast(actor=second, broadcast=broadcast)
print(f"setup {{time.monotonic() - started:.1f}}s, queued {{broadcast.outbox.count()}}")
"""

LOGIN_CODE = f"""
import django, time
django.setup()
from bloc.core.tasks import send_email
print(time.time())
send_email.enqueue(to=["member.login@example.org"], subject="{CODE_SUBJECT}",
                   body="Your code is 314159. It expires in 10 minutes.")
"""


class Sink:
    def __init__(self) -> None:
        self.count = 0
        self.code_at: float | None = None
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
            if CODE_SUBJECT.encode() in envelope.content:
                self.code_at = time.time()
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def database(tmp: str) -> tuple[str, str]:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0:
        name = "bloc_bench_comms"
        for cmd in (["dropdb", "--if-exists"], ["createdb"]):
            subprocess.run([*cmd, "-h", "127.0.0.1", "-U", "postgres", name], check=True)
        return f"postgres://postgres@127.0.0.1:5432/{name}", "PostgreSQL"
    return f"sqlite:///{tmp}/bench.sqlite3", "SQLite"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--emails", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code-after", type=float, default=10.0, help="seconds into the send")
    args = parser.parse_args()
    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    with tempfile.TemporaryDirectory() as tmp:
        url, label = database(tmp)
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "1",
            "DATABASE_URL": url,
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "BLOC_TASK_BACKEND": "immediate",
            "BLOC_STAFF_MFA_REQUIRED": "0",
            "BLOC_LOG_LEVEL": "WARNING",
        }
        manage = [PY, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
        setup = subprocess.run(
            [PY, "-c", SETUP.format(n=args.emails)],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        )
        print(
            f"== comms email throughput ({label}, {args.emails:,} emails, {args.workers} workers)"
        )
        print(setup.stdout.strip().splitlines()[-1])
        started = time.time()
        workers = [
            subprocess.Popen([*manage, "comms_worker"], env=env, cwd=ROOT)
            for _ in range(args.workers)
        ]
        time.sleep(args.code_after)
        count_at_code = sink.count
        sender = subprocess.run(
            [PY, "-c", LOGIN_CODE], env=env, cwd=ROOT, check=True, capture_output=True, text=True
        )
        code_sent = float(sender.stdout.strip().splitlines()[-1])
        for worker in workers:
            worker.wait()
        elapsed = time.time() - started
    controller.stop()
    broadcast = sink.count - 1
    rate = broadcast / elapsed
    code_latency = (sink.code_at - code_sent) if sink.code_at else float("nan")
    print(f"broadcast emails received by the sink: {broadcast:,} in {elapsed:.1f}s")
    print(f"throughput: {rate:.0f} msg/s total, {rate / args.workers:.0f} msg/s per worker")
    print(
        f"login code sent {code_sent - started:.1f}s into the send (after {count_at_code:,} "
        f"emails) arrived in {code_latency:.2f}s (target < 60 s)"
    )
    ok = broadcast == args.emails and sink.code_at is not None and code_latency < 60
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
