"""A spike of public RSVPs over HTTP, against PostgreSQL, with a multi-process server.

    python bench/events/rsvp_spike.py [--rsvps 6000] [--events 200] [--workers 4]
                                      [--clients 2] [--connections 16]

1. Makes a fresh PostgreSQL database, migrates it and creates approved events (fictional).
2. Starts the web server (`--server`, `--workers` processes) on 127.0.0.1 only with the
   production settings and URL configuration, Redis as the cache (a database of its own,
   emptied first), the database task backend and one task worker (`db_worker`, at a lower
   CPU priority than the web server: the drain catches up after the spike), as in
   production. The spike starts once the worker has finished starting up. The public form
   stores each RSVP in the intake table and answers 202; the worker's drain makes the people
   and RSVPs and queues the confirmations (decision 0706).
   Email goes to Django's dummy backend: nothing leaves the machine.
3. `--clients` processes x `--connections` keep-alive connections fetch the event page once
   (CSRF cookie and token), then POST RSVPs with distinct fictional emails as fast as they can
   (each process drives its connections from one thread with a selector, so that the load
   generator takes little of the CPU the server shares with it). Each
   RSVP comes from a visitor address of its own (a spike is many people), passed as a reverse
   proxy would (X-Real-IP, `BLOC_CLIENT_IP_HEADER`), and the per-client limit is production's
   default. With `--one-address` every RSVP comes from 127.0.0.1 instead, with the limit raised
   so that one address may send the whole spike (each RSVP then costs the limit one more cache
   call: django-ratelimit adds the key, then increments it).
4. Reports the form's RSVPs/s and p50/p95/p99 latency, then waits for the drain and reports
   when the last RSVP was made, and whether the RSVPs stored equal the RSVPs submitted
   (HTTP 201/202).

Not a timed test: figures depend on the machine, and this VM's speed varies; the machine speed
printed before and after (webserver.machine_speed) tells runs apart. Needs PostgreSQL
(BENCH_PG_URL) and Redis (BENCH_REDIS_URL) at 127.0.0.1.
"""

import argparse
import json
import multiprocessing
import os
import re
import secrets
import selectors
import signal
import socket
import subprocess
import sys
import time
from ipaddress import IPv4Address
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import webserver  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SLOT_RE = re.compile(r'<option value="(\d+)"')

SETUP = """
import json, sys
from datetime import timedelta
from django.utils import timezone
from bloc.core.testing import personas
from bloc.events import services
p = personas(domain="bench.bloc.test")
start = timezone.now() + timedelta(days=30)
slugs = []
zips = ["60601", "60602", "10001", "10002", "94110", "30303", "98101", "02108"]
for i in range(int(sys.argv[1])):
    event, _ = services.submit_event(
        actor=p.admin, title=f"Spike rally {i}", event_type="rally", starts_at=start,
        ends_at=start + timedelta(hours=2), tz="America/Chicago", zip_code=zips[i % len(zips)],
        host_name="Bench host",
    )
    slugs.append(event.slug)
print(json.dumps(slugs))
"""


class _Connection:
    """One keep-alive connection of a client process: its CSRF cookie and token, its shift,
    how many RSVPs it has left to send, and the bytes received so far."""

    def __init__(self, port: int, slug: str) -> None:
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.slug = slug
        self.buffer = bytearray()
        self.sent_at = 0.0
        self.sent = 0
        self.left = 0
        self.first_address = 0
        self.sock.sendall(f"GET /events/e/{slug}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        status, head, page = self.read_blocking()
        if status != 200:
            raise SystemExit(f"the event page answered {status}")
        cookie = re.search(r"(?im)^set-cookie: *(csrftoken=[^;]+)", head)
        token, slot = CSRF_RE.search(page), SLOT_RE.search(page)
        if cookie is None or token is None or slot is None:
            raise SystemExit("the event page has no CSRF cookie, token or shift")
        self.cookie, self.token, self.slot = cookie.group(1), token.group(1), slot.group(1)
        # Blocking, without a timeout (no poll before every call): the selector says when a
        # response is there to read, and a request is one small send.
        self.sock.settimeout(None)

    def read_blocking(self) -> tuple[int, str, str]:
        while (parsed := parse_response(self.buffer)) is None:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise SystemExit("the server closed a connection")
            self.buffer += chunk
        status, used, head = parsed
        body = bytes(self.buffer[len(head) + 4 : used]).decode()
        del self.buffer[:used]
        return status, head, body


def parse_response(buffer: bytearray) -> tuple[int, int, str] | None:
    """(status, length, head) of the complete HTTP/1.1 response at the start of ``buffer``, or
    None while it is incomplete. Django's CommonMiddleware gives every response here a
    Content-Length."""
    end = buffer.find(b"\r\n\r\n")
    if end < 0:
        return None
    head = bytes(buffer[:end]).decode("latin-1")
    found = re.search(r"(?im)^content-length: *(\d+)", head)
    if found is None:
        raise SystemExit("a response without Content-Length: this client reads only those")
    used = end + 4 + int(found.group(1))
    return (int(head[9:12]), used, head) if len(buffer) >= used else None


def client_process(args: tuple) -> dict:
    """Send ``count`` RSVPs over ``connections`` keep-alive connections from one thread (a
    selector loop: the load generator's own CPU is small and free of GIL contention)."""
    port, slugs, count, connections, seed, one_address = args
    if count >= 1 << 20:
        raise SystemExit("at most 1,048,575 RSVPs per client process")
    conns = [_Connection(port, slugs[(seed * 97 + i) % len(slugs)]) for i in range(connections)]
    first = 0x0A000000 + (seed << 20)
    for i, conn in enumerate(conns):
        conn.left = count // connections + (1 if i < count % connections else 0)
        conn.first_address, first = first, first + conn.left
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def send_next(index: int, conn: _Connection) -> None:
        i = conn.sent
        body = (
            f"csrfmiddlewaretoken={conn.token}&timeslot={conn.slot}&first_name=Spike"
            f"&last_name=Tester{i}&email=spike.{seed}.{index}.{i}.{secrets.token_hex(3)}"
            "%40bench.bloc.test&zip_code=60601&guests=0&email_opt_in=on"
        )
        # In 10.0.0.0/8, a distinct visitor address for every RSVP, as a proxy passes it on.
        visitor = "" if one_address else f"X-Real-IP: {IPv4Address(conn.first_address + i)}\r\n"
        request = (
            f"POST /events/e/{conn.slug}/rsvp/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n"
            f"Cookie: {conn.cookie}\r\n{visitor}\r\n{body}"
        )
        conn.sent += 1
        conn.left -= 1
        conn.sent_at = time.perf_counter()
        conn.sock.sendall(request.encode())

    selector = selectors.DefaultSelector()
    active = 0
    for index, conn in enumerate(conns):
        if conn.left > 0:
            send_next(index, conn)
            selector.register(conn.sock, selectors.EVENT_READ, index)
            active += 1
    while active:
        for key, _ in selector.select(timeout=30) or [(None, None)]:
            if key is None:
                raise SystemExit("no answer from the server for 30 s")
            conn = conns[key.data]
            chunk = conn.sock.recv(65536)
            if not chunk:
                raise SystemExit("the server closed a connection")
            conn.buffer += chunk
            parsed = parse_response(conn.buffer)
            if parsed is None:
                continue
            latencies.append(time.perf_counter() - conn.sent_at)
            status, used, _head = parsed
            statuses[status] = statuses.get(status, 0) + 1
            del conn.buffer[:used]
            if conn.left > 0:
                send_next(key.data, conn)
            else:
                selector.unregister(conn.sock)
                conn.sock.close()
                active -= 1
    return {"latencies": latencies, "statuses": statuses}


def django_eval(env: dict, code: str) -> str:
    return subprocess.run(
        [PY, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def wait_for_drain(env: dict, timeout: float) -> bool:
    """Poll until no intake row is pending (the worker's drain has made every RSVP)."""
    import psycopg

    deadline = time.monotonic() + timeout
    with psycopg.connect(env["DATABASE_URL"], autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM events_rsvpintake WHERE state = 'pending'"
            ).fetchone()
            if row is not None and row[0] == 0:
                return True
            time.sleep(0.25)
    return False


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rsvps", type=int, default=6000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument(
        "--connections", type=int, default=16, help="keep-alive connections per client process"
    )
    webserver.add_arguments(parser)
    parser.add_argument("--database", default="bloc_bench_events")
    parser.add_argument("--drain-timeout", type=float, default=900)
    parser.add_argument(
        "--one-address",
        action="store_true",
        help="every RSVP from 127.0.0.1 with the per-client limit raised (the default: one "
        "visitor address per RSVP, through X-Real-IP, at production's limit)",
    )
    parser.add_argument(
        "--worker-after-spike",
        action="store_true",
        help="diagnostic: start the task worker only once the spike is over (the web tier's "
        "ceiling when workers run elsewhere); the default runs it alongside",
    )
    args = parser.parse_args()

    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("PostgreSQL is not reachable at 127.0.0.1: skipped")
        return 0
    webserver.fresh_database(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": webserver.pg_url(args.database),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "BLOC_SECURE_TLS": "0",
        "BLOC_TASK_BACKEND": "database",
        "BLOC_STAFF_MFA_REQUIRED": "0",
        "BLOC_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": webserver.fresh_redis(),
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
    }
    if args.one_address:
        # The per-client limit stays on (its cost is measured) but high enough for one
        # address to send the whole spike.
        env["BLOC_RATE_PUBLIC_RSVP"] = "1000000/m"
    else:
        env["BLOC_CLIENT_IP_HEADER"] = "HTTP_X_REAL_IP"
        env.pop("BLOC_RATE_PUBLIC_RSVP", None)  # production's default
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    setup = subprocess.run(
        [PY, "-c", "import django; django.setup()\n" + SETUP, str(args.events)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    slugs = json.loads(setup.stdout.strip().splitlines()[-1])
    speed_before = webserver.machine_speed()
    port = webserver.free_port()
    server = subprocess.Popen(webserver.command(args, port), cwd=ROOT, env=env)
    worker_cmd = ["nice", "-n", "19", PY, "manage.py", "db_worker", "--queue-name", "*"]
    worker_cmd.append("--no-reload")
    worker = subprocess.Popen(["sleep", "0"]) if args.worker_after_spike else None
    if worker is None:
        worker = subprocess.Popen(worker_cmd, cwd=ROOT, env=env)
    try:
        webserver.wait_for(port, "/events/embed/")
        if not args.worker_after_spike:
            webserver.wait_until_idle(worker.pid)
        per_client = [
            args.rsvps // args.clients + (1 if i < args.rsvps % args.clients else 0)
            for i in range(args.clients)
        ]
        started = time.perf_counter()
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(
                client_process,
                [
                    (port, slugs, n, args.connections, i, args.one_address)
                    for i, n in enumerate(per_client)
                ],
            )
        elapsed = time.perf_counter() - started
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
        speed_after = webserver.machine_speed()
        if args.worker_after_spike:
            worker = subprocess.Popen(worker_cmd, cwd=ROOT, env=env)
        drained = wait_for_drain(env, timeout=args.drain_timeout)
        drain_seconds = time.perf_counter() - started
    finally:
        for process in (server, worker):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:  # a drain still running (--drain-timeout)
                    process.kill()
                    process.wait(timeout=15)

    latencies = [x for r in results for x in r["latencies"]]
    statuses: dict[int, int] = {}
    for r in results:
        for code, n in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + n
    accepted = statuses.get(201, 0) + statuses.get(202, 0)
    counted = django_eval(
        env,
        "from bloc.events.models import RSVP, RSVPIntake\n"
        "from bloc.people.models import Person\n"
        "print(RSVP.objects.count(), Person.objects.filter("
        "email__endswith='@bench.bloc.test', source='event RSVP').count(),"
        " RSVPIntake.objects.filter(state='refused').count())",
    ).split()
    stored, people, refused = int(counted[0]), int(counted[1]), int(counted[2])
    rate = len(latencies) / elapsed if elapsed else 0.0
    ok = drained and stored == accepted == len(latencies)
    print(
        f"RSVP spike: {len(latencies)} POSTs, {webserver.describe(args)}, "
        f"{args.clients}x{args.connections} client connections, {args.events} events, PostgreSQL, "
        f"{'one client address' if args.one_address else 'one visitor address per RSVP'}"
    )
    print(
        f"  machine speed   {speed_before:.0f} ms before, {speed_after:.0f} ms after "
        "(webserver.machine_speed; lower is faster)"
    )
    print(f"  throughput      {rate:8.0f} RSVPs/s over {elapsed:.1f} s")
    p50, p95, p99 = (webserver.percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
    print(f"  latency (ms)    p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}")
    print(f"  HTTP statuses   {dict(sorted(statuses.items()))} (202: stored, being recorded)")
    print(
        f"  drain           {'all made' if drained else 'NOT FINISHED'} {drain_seconds:.1f} s "
        f"after the spike began ({stored / drain_seconds:.0f} RSVPs/s made); refused {refused}"
    )
    print(
        f"  stored RSVPs    {stored} (submitted and accepted: {accepted}; new people: {people}) "
        f"-> {'OK' if ok else 'MISMATCH'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
