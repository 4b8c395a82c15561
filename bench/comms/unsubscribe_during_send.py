"""Unsubscribing while a big broadcast is being sent (issue 16, item 2).

    python bench/comms/unsubscribe_during_send.py [--recipients 100000] [--unsubscribes 300]
                                                   [--workers 2] [--smtp-delay-ms 2]

1. Makes a fresh PostgreSQL database (`bloc_bench_unsubscribe`) with `--recipients` fictional
   supporters opted in to email and one approved broadcast to all of them (the outbox rows).
2. Starts `--workers` comms workers (`bloc comms_worker --loop`) sending it to a local SMTP sink
   (aiosmtpd, `--smtp-delay-ms` per message as a relay takes), and the web app (gunicorn 2x2).
3. While the send runs, a client POSTs the one-click unsubscribe link (RFC 8058) of
   `--unsubscribes` recipients not yet sent to, one every 50 ms, and GETs `/health/` between
   them; it records each answer's time.
4. Prints p50/p95/max of both, how many messages were sent meanwhile, and checks that no
   message reached the sink for a recipient after their unsubscribe was answered.

Must hold (issue 16): unsubscribe p95 < 200 ms during the send; 0 messages after an answered
unsubscribe. Exits non-zero otherwise. Needs PostgreSQL at 127.0.0.1 (user postgres).
"""

import argparse
import asyncio
import http.client
import json
import os
import random
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import webserver  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
BLOC = str(ROOT / ".venv" / "bin" / "bloc")
DB_NAME = "bloc_bench_unsubscribe"
TO_RE = re.compile(rb"^To: .*?reader(\d+)@example\.org", re.MULTILINE | re.IGNORECASE)

SETUP = """
import json, sys
import django
django.setup()
from unittest import mock
from bloc.accounts.models import Role
from bloc.accounts.services import create_user, grant_role
from bloc.comms import render, services
from bloc.people.models import ConsentEvent, Person
n = {n}
admin = create_user(email="unsub.admin@example.org", password="unsub-pass-2026!")
grant_role(actor=None, user=admin, role=Role.NATIONAL_ADMIN)
second = create_user(email="unsub.admin2@example.org", password="unsub-pass-2026!")
grant_role(actor=None, user=second, role=Role.NATIONAL_ADMIN)
people = Person.objects.bulk_create([
    Person(first_name=f"Reader{{i}}", last_name="Example", email=f"reader{{i}}@example.org",
           zip_code="10001")
    for i in range(n)
], batch_size=5000)
ConsentEvent.objects.bulk_create([
    ConsentEvent(person=p, channel="email", status="opted_in", source="bench") for p in people
], batch_size=5000)
entity = services.create_legal_entity(actor=None, name="Bench Org", coordination="nonpartisan",
    disclaimer="Paid for by Bench Org.", postal_address="1 Example Way, New York, NY 10001")
audience = services.save_audience(actor=admin, name="Everyone")
broadcast = services.create_broadcast(actor=admin, title="Big send", channel="email",
    audience=audience, legal_entity=entity, chapter_id=None,
    subject="{{{{ first_name|Friend }}}}, the strike vote is Thursday",
    body="Hi {{{{ first_name|there }}}}, see you there.")
services.submit_broadcast(actor=admin, broadcast=broadcast)
with mock.patch("bloc.comms.tasks.start_delivery"):
    services.approve_broadcast(actor=second, broadcast=broadcast)
# The last recipients in sending order: the workers reach them last.
tail = people[-{k} * 4:]
links = {{p.email.split("@")[0].removeprefix("reader"): render.unsubscribe_path(person_id=p.pk)
         for p in tail}}
json.dump({{"broadcast": broadcast.pk, "rows": broadcast.outbox.count(), "links": links}},
          open(sys.argv[1], "w"))
"""


class Sink:
    def __init__(self, delay_seconds: float) -> None:
        self.delay_seconds = delay_seconds
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        match = TO_RE.search(envelope.content)
        with self.lock:
            self.count += 1
            if match:
                self.arrivals[match.group(1).decode()].append(time.time())
        return "250 OK"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def request(port: int, method: str, path: str) -> tuple[int, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request(method, path, body=b"List-Unsubscribe=One-Click" if method == "POST" else None)
    status = conn.getresponse().status
    conn.close()
    return status, time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=100_000)
    parser.add_argument("--unsubscribes", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--smtp-delay-ms", type=float, default=2.0)
    args = parser.parse_args()
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("PostgreSQL is not reachable at 127.0.0.1: skipped")
        return 0
    webserver.fresh_database(DB_NAME)
    sink = Sink(args.smtp_delay_ms / 1000)
    smtp = Controller(sink, hostname="127.0.0.1", port=webserver.free_port())
    smtp.start()
    env = {
        **os.environ,
        "DATABASE_URL": webserver.pg_url(DB_NAME),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BLOC_SECURE_TLS": "0",
        "BLOC_TASK_BACKEND": "database",
        "BLOC_LOG_LEVEL": "WARNING",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp.port),
        "SITE_URL": "http://127.0.0.1",
    }
    subprocess.run([BLOC, "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([BLOC, "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with tempfile.TemporaryDirectory() as tmp:
        state_file = Path(tmp) / "state.json"
        started = time.perf_counter()
        script = SETUP.format(n=args.recipients, k=args.unsubscribes)
        subprocess.run([PY, "-c", script, str(state_file)], cwd=ROOT, env=env, check=True)
        state = json.loads(state_file.read_text())
    print(f"setup: {state['rows']:,} outbox rows in {time.perf_counter() - started:.0f} s")

    port = webserver.free_port()
    server_args = argparse.Namespace(
        server="gunicorn", workers=2, worker_threads=2, worker_class="gthread"
    )
    server = subprocess.Popen(webserver.command(server_args, port), cwd=ROOT, env=env)
    webserver.wait_for(port, "/health/")
    workers = [
        subprocess.Popen(
            [BLOC, "comms_worker", "--loop", "--poll", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    try:
        while sink.count < 500:  # the send is under way
            time.sleep(0.2)
        sent_before = sink.count
        links = list(state["links"].items())
        random.shuffle(links)
        unsub_times: list[float] = []
        health_times: list[float] = []
        answered_at: dict[str, float] = {}
        failures = 0
        began = time.perf_counter()
        for reader, path in links[: args.unsubscribes]:
            if sink.arrivals.get(reader):
                continue  # already sent to: not a case this measures
            status, seconds = request(port, "POST", path)
            answered_at[reader] = time.time()
            unsub_times.append(seconds)
            failures += status != 200
            status, seconds = request(port, "GET", "/health/")
            health_times.append(seconds)
            time.sleep(0.05)
        elapsed = time.perf_counter() - began
        sent_during = sink.count - sent_before
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(30)
        server.terminate()
        server.wait(30)
        smtp.stop()
    after = [
        reader
        for reader, at in answered_at.items()
        if any(arrival > at for arrival in sink.arrivals.get(reader, []))
    ]
    rows = len(unsub_times)
    print(
        f"\n{rows} one-click unsubscribes over {elapsed:.1f} s while {sent_during:,} messages "
        f"were sent ({sent_during / elapsed:.0f}/s, {args.workers} workers, SMTP delay "
        f"{args.smtp_delay_ms:g} ms)"
    )
    print("| request | p50 | p95 | max |")
    print("|---|---|---|---|")
    for name, values in (("unsubscribe (POST)", unsub_times), ("/health/ (GET)", health_times)):
        if values:
            print(
                f"| {name} | {percentile(values, 0.5) * 1000:.0f} ms | "
                f"{percentile(values, 0.95) * 1000:.0f} ms | {max(values) * 1000:.0f} ms |"
            )
    print(f"non-200 unsubscribes: {failures}; messages after an answered unsubscribe: {len(after)}")
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as conn:
        skipped = conn.execute(
            "SELECT count(*) FROM comms_outboxmessage WHERE reason = 'no_consent'"
        ).fetchone()[0]
    print(f"outbox rows skipped for no consent at send time: {skipped}")
    ok = rows and percentile(unsub_times, 0.95) < 0.2 and not after and not failures
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
