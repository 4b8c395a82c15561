"""Fault test: a broadcast sent while its worker is killed and stopped (issue 16, item 1).

    python bench/comms/fault_broadcast.py [--recipients 3000] [--worker comms|db|both]
                                          [--kills 5] [--stops 2] [--smtp-delay-ms 2]

For each kind of worker (`bloc comms_worker --loop`, and `bloc db_worker` running the
broadcast's `deliver_outbox` tasks):

1. Makes a fresh PostgreSQL database (`bloc_bench_fault`), with fictional supporters opted in
   to email, and queues one broadcast to all of them (at-most-once: SMTP has no idempotency
   keys, the strict case).
2. Starts the worker against a local SMTP sink (aiosmtpd on 127.0.0.1, `--smtp-delay-ms` per
   message, as a relay takes), and stops it `--kills` times with SIGKILL and `--stops` times
   with SIGTERM (interleaved, spread over the send), restarting it each time. A SIGTERM that
   has not ended the worker within the grace period (10 s, `docker stop`'s) is followed by a
   SIGKILL, as `docker stop` does, and reported.
3. Waits until every row is resolved (the rows a killed worker claimed come back when its
   lease expires, `BLOC_COMMS_LEASE_SECONDS`, 10 s here), then prints a table: for the runs of
   the worker that ended with each kind of stop, the messages marked sent, delivered to the
   sink, duplicates, lost (never reached the sink) and unknown (in flight at a kill).

With db_worker, the script stands in for the periodic jobs, which run once a minute: when no
`deliver_outbox` task is waiting while rows are unresolved, it enqueues one (as
`comms.deliver-due` and `core.fail-stale-tasks`, which runs the killed ones again, would). At
the end it runs `core.fail-stale-tasks` once the killed workers' heartbeats are stale
(`BLOC_STALE_JOB_SECONDS`, 20 s here) and reports the tasks left RUNNING (must be 0).

Must hold: 0 duplicates, lost <= one in-flight message per kill, 0 lost and 0 unknown on
SIGTERM, and everything else delivered. Exits non-zero otherwise. Needs PostgreSQL at
127.0.0.1 (`pg_isready`), user postgres.
"""

import argparse
import asyncio
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PY = str(ROOT / ".venv" / "bin" / "python")
BLOC = str(ROOT / ".venv" / "bin" / "bloc")
DB_NAME = "bloc_bench_fault"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
KEY_RE = re.compile(rb"^Message-ID: <(bloc-b\d+-p\d+)@", re.MULTILINE | re.IGNORECASE)
GRACE_SECONDS = 10.0
LEASE_SECONDS = 10
STALE_SECONDS = 20

SETUP = """
import django
django.setup()
from bloc.accounts.models import Role
from bloc.accounts.services import create_user, grant_role
from bloc.comms import services
from bloc.people.models import ConsentEvent, Person
n = {n}
admin = create_user(email="fault.admin@example.org", password="fault-pass-2026!")
grant_role(actor=None, user=admin, role=Role.NATIONAL_ADMIN)
people = Person.objects.bulk_create([
    Person(first_name=f"Reader{{i}}" if i % 9 else "", last_name="Example",
           email=f"reader{{i}}@example.org", zip_code="10001")
    for i in range(n)
])
ConsentEvent.objects.bulk_create([
    ConsentEvent(person=p, channel="email", status="opted_in", source="bench") for p in people
])
entity = services.create_legal_entity(actor=None, name="Fault Org", coordination="nonpartisan",
    disclaimer="Paid for by Fault Org.", postal_address="1 Example Way, New York, NY 10001")
audience = services.save_audience(actor=admin, name="Everyone")
broadcast = services.create_broadcast(actor=admin, title="Fault test", channel="email",
    audience=audience, legal_entity=entity, chapter_id=None,
    subject="{{{{ first_name|Friend }}}}, the strike vote is Thursday",
    body="Hi {{{{ first_name|there }}}}, see you there.")
second = create_user(email="fault.admin2@example.org", password="fault-pass-2026!")
grant_role(actor=None, user=second, role=Role.NATIONAL_ADMIN)
services.submit_broadcast(actor=admin, broadcast=broadcast)
{queue}
print(broadcast.pk, broadcast.outbox.count())
"""
# comms_worker: the broadcast is queued without tasks (the worker polls the outbox).
QUEUE_NO_TASKS = """
from unittest import mock
with mock.patch("bloc.comms.tasks.start_delivery"):
    services.approve_broadcast(actor=second, broadcast=broadcast)
"""
# db_worker: approval enqueues the broadcast's deliver_outbox tasks, as in production.
QUEUE_WITH_TASKS = """
services.approve_broadcast(actor=second, broadcast=broadcast)
"""
ENQUEUE = "from bloc.comms.tasks import deliver_outbox; deliver_outbox.enqueue()"
TASKS_TABLE = "django_tasks_database_dbtaskresult"


class Sink:
    """Counts every message per outbox key (the key is the Message-ID's local part)."""

    def __init__(self, delay_seconds: float) -> None:
        self.delay_seconds = delay_seconds
        self.arrivals: dict[str, list[float]] = defaultdict(list)
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if self.delay_seconds:
            await asyncio.sleep(self.delay_seconds)
        match = KEY_RE.search(envelope.content)
        with self.lock:
            self.count += 1
            if match:
                self.arrivals[match.group(1).decode()].append(time.time())
        return "250 OK"


@dataclass
class Run:
    """One life of the worker, from its start to the stop that ended it."""

    started: float
    ended: float = 0.0
    stop: str = "ran to the end"
    in_flight: list[str] = field(default_factory=list)  # keys in flight when it was killed
    left_claimed: int = 0  # rows it still held when it died (they come back on lease expiry)
    exit_seconds: float = 0.0  # SIGTERM: how long it took to exit
    escalated: bool = False  # SIGTERM not obeyed within the grace period: SIGKILL followed


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fresh_database() -> None:
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        sys.exit("PostgreSQL is not reachable at 127.0.0.1")
    for cmd in (["dropdb", "--if-exists", "--force"], ["createdb"]):
        subprocess.run([*cmd, "-h", "127.0.0.1", "-U", "postgres", DB_NAME], check=True)


def query(sql: str, *params: object) -> list[tuple]:
    with psycopg.connect(f"host=127.0.0.1 user=postgres dbname={DB_NAME}") as conn:
        return conn.execute(sql, params).fetchall()


def start_worker(kind: str, env: dict[str, str]) -> subprocess.Popen:
    if kind == "comms":
        cmd = [BLOC, "comms_worker", "--loop", "--poll", "0.2"]
    else:
        cmd = [BLOC, "db_worker", "--queue-name", "default", "--interval", "0.2"]
        cmd += ["--no-startup-delay", "--no-reload", "-v", "0"]
    return subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.DEVNULL)


def stop(process: subprocess.Popen, how: str, run: Run) -> None:
    pid, sent_at = process.pid, time.monotonic()
    if how == "kill -9":
        process.send_signal(signal.SIGKILL)
        process.wait()
    else:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            run.escalated = True
            process.send_signal(signal.SIGKILL)
            process.wait()
        run.exit_seconds = time.monotonic() - sent_at
    run.ended, run.stop = time.time(), how
    # What this process still holds (outbox workers are named "<pid>-<random>").
    rows = query(
        "SELECT idempotency_key, attempted_at IS NOT NULL FROM comms_outboxmessage "
        "WHERE status = 'sending' AND claimed_by LIKE %s",
        f"{pid}-%",
    )
    run.left_claimed = len(rows)
    run.in_flight = [key for key, attempted in rows if attempted]


def task_counts() -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for status, count in query(f"SELECT status, count(*) FROM {TASKS_TABLE} GROUP BY status"):  # noqa: S608
        counts[status] = count
    return counts


def ensure_task(env: dict[str, str]) -> None:
    """Stand in for the periodic jobs: a deliver_outbox task is always waiting."""
    if not task_counts()["READY"]:
        subprocess.run(
            [PY, "-c", f"import django; django.setup(); {ENQUEUE}"], env=env, cwd=ROOT, check=True
        )


def unresolved(broadcast_id: int) -> int:
    return query(
        "SELECT count(*) FROM comms_outboxmessage WHERE broadcast_id = %s "
        "AND status IN ('pending', 'sending')",
        broadcast_id,
    )[0][0]


def phase(kind: str, args: argparse.Namespace, sink: Sink, env: dict[str, str]) -> dict:
    fresh_database()
    subprocess.run([BLOC, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    queue = QUEUE_NO_TASKS if kind == "comms" else QUEUE_WITH_TASKS
    setup = subprocess.run(
        [PY, "-c", SETUP.format(n=args.recipients, queue=queue)],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    broadcast_id, total = map(int, setup.stdout.split()[-2:])
    with sink.lock:
        sink.arrivals.clear()
        sink.count = 0
    # Interleaved: kill, kill, SIGTERM, kill, kill, SIGTERM, kill with the defaults.
    order, kills, stops = [], list(range(args.kills)), list(range(args.stops))
    while kills or stops:
        for _ in range(2):
            if kills:
                order.append("kill -9")
                kills.pop()
        if stops:
            order.append("SIGTERM")
            stops.pop()
    step = total // (len(order) + 2)
    thresholds = [step * (n + 1) for n in range(len(order))]
    runs: list[Run] = []
    started = time.monotonic()
    process = start_worker(kind, env)
    runs.append(Run(started=time.time()))
    deadline = started + args.deadline
    try:
        for how, threshold in zip(order, thresholds, strict=True):
            while sink.count < threshold:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{kind}: the send stalled before stop '{how}'")
                if process.poll() is not None:
                    raise SystemExit(f"{kind}: the worker exited on its own ({process.returncode})")
                time.sleep(0.002)
            stop(process, how, runs[-1])
            if kind == "db":
                ensure_task(env)
            process = start_worker(kind, env)
            runs.append(Run(started=time.time()))
        while unresolved(broadcast_id):
            if time.monotonic() > deadline:
                raise SystemExit(f"{kind}: {unresolved(broadcast_id)} rows never resolved")
            if kind == "db":
                ensure_task(env)
            time.sleep(0.5)
        time.sleep(0.5)
        stop(process, "end", runs[-1])
        runs[-1].stop = "ran to the end"
    finally:
        if process.poll() is None:
            process.kill()
    elapsed = time.monotonic() - started
    stale_tasks = ""
    if kind == "db":
        last_kill = max(r.ended for r in runs if r.stop == "kill -9")
        time.sleep(max(0.0, last_kill + STALE_SECONDS + 1 - time.time()))
        running = task_counts()["RUNNING"]
        subprocess.run(
            [BLOC, "run-periodic", "--job", "core.fail-stale-tasks"],
            env=env,
            cwd=ROOT,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        after = task_counts()
        stale_tasks = (
            f"deliver_outbox tasks left RUNNING by killed workers: {running}; after "
            f"core.fail-stale-tasks: {after['RUNNING']} running, {after['FAILED']} failed "
            f"(WorkerLost), {after['READY']} queued again"
        )
    rows = query(
        "SELECT idempotency_key, status, sent_at FROM comms_outboxmessage WHERE broadcast_id = %s",
        broadcast_id,
    )
    broadcast_status = query("SELECT status FROM comms_broadcast WHERE id = %s", broadcast_id)[0][0]
    return {
        "kind": kind,
        "total": total,
        "rows": rows,
        "runs": runs,
        "arrivals": {k: list(v) for k, v in sink.arrivals.items()},
        "elapsed": elapsed,
        "broadcast_status": broadcast_status,
        "stale_tasks": stale_tasks,
        "tasks_left_running": task_counts()["RUNNING"] if kind == "db" else 0,
    }


def table(result: dict) -> tuple[list[list[str]], bool]:
    runs: list[Run] = result["runs"]
    arrivals: dict[str, list[float]] = result["arrivals"]
    status = {key: s for key, s, _at in result["rows"]}
    sent_at = {key: at.timestamp() for key, s, at in result["rows"] if s == "sent" and at}

    def run_of(moment: float) -> Run:
        for run in runs:
            if run.started <= moment <= (run.ended or float("inf")):
                return run
        return min(runs, key=lambda r: abs(r.started - moment))

    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for run in runs:
        per[run.stop]["runs"] += 1
    for at in sent_at.values():
        per[run_of(at).stop]["sent"] += 1
    for times in arrivals.values():
        first, *again = sorted(times)
        per[run_of(first).stop]["delivered"] += 1
        for moment in again:
            per[run_of(moment).stop]["duplicates"] += 1
    for run in runs:
        for key in run.in_flight:
            if status.get(key) == "unknown":
                per[run.stop]["unknown"] += 1
            if key not in arrivals:
                per[run.stop]["lost"] += 1
    lost_total = sum(1 for key in status if key not in arrivals)
    unknown_total = sum(1 for s in status.values() if s == "unknown")
    attributed_lost = sum(p["lost"] for p in per.values())
    attributed_unknown = sum(p["unknown"] for p in per.values())
    if lost_total != attributed_lost or unknown_total != attributed_unknown:
        per["(not attributed)"]["lost"] += lost_total - attributed_lost
        per["(not attributed)"]["unknown"] += unknown_total - attributed_unknown
    lines = []
    columns = ("runs", "sent", "delivered", "duplicates", "lost", "unknown")
    order = ["kill -9", "SIGTERM", "ran to the end", "(not attributed)"]
    for name in [n for n in order if n in per]:
        lines.append([name, *(f"{per[name][c]:,}" for c in columns)])
    totals = {c: sum(per[n][c] for n in per) for c in columns}
    lines.append(["total", *(f"{totals[c]:,}" for c in columns)])
    kills = per["kill -9"]["runs"]
    ok = (
        totals["duplicates"] == 0
        and totals["lost"] <= kills
        and per["SIGTERM"]["lost"] == per["SIGTERM"]["unknown"] == 0
        and totals["delivered"] + totals["lost"] == result["total"]
        and totals["sent"] + totals["unknown"] == result["total"]
        and not any(run.escalated for run in runs)
        and not any(run.left_claimed for run in runs if run.stop == "SIGTERM")
        and result["broadcast_status"] == "sent"
        and result["tasks_left_running"] == 0
    )
    return lines, ok


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=3000)
    parser.add_argument("--worker", choices=["comms", "db", "both"], default="both")
    parser.add_argument("--kills", type=int, default=5)
    parser.add_argument("--stops", type=int, default=2)
    parser.add_argument("--smtp-delay-ms", type=float, default=2.0)
    parser.add_argument("--deadline", type=float, default=600.0, help="seconds per worker kind")
    args = parser.parse_args()
    sink = Sink(args.smtp_delay_ms / 1000)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": DB_URL,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "BLOC_TASK_BACKEND": "database",
        "BLOC_STAFF_MFA_REQUIRED": "0",
        "BLOC_LOG_LEVEL": "ERROR",
        "BLOC_COMMS_LEASE_SECONDS": str(LEASE_SECONDS),
        "BLOC_STALE_JOB_SECONDS": str(STALE_SECONDS),
        "BLOC_WORKER_GRACE_SECONDS": str(int(GRACE_SECONDS)),
    }
    kinds = ["comms", "db"] if args.worker == "both" else [args.worker]
    all_ok = True
    print(
        f"== comms fault test: {args.recipients:,} recipients, {args.kills} x kill -9 and "
        f"{args.stops} x SIGTERM per worker (PostgreSQL, SMTP sink {args.smtp_delay_ms:g} ms/msg, "
        f"lease {LEASE_SECONDS} s, grace {GRACE_SECONDS:g} s, "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC)"
    )
    try:
        for kind in kinds:
            result = phase(kind, args, sink, env)
            lines, ok = table(result)
            all_ok &= ok
            name = "comms_worker --loop" if kind == "comms" else "db_worker"
            print(
                f"\n{name}: {result['total']:,} recipients, all resolved in "
                f"{result['elapsed']:.1f} s, broadcast '{result['broadcast_status']}'"
            )
            header = ["stop", "runs", "sent", "delivered", "duplicates", "lost", "unknown"]
            widths = [max(len(r[i]) for r in [header, *lines]) for i in range(len(header))]
            for row in [header, ["-" * w for w in widths], *lines]:
                print(
                    "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
                )
            exits = [
                f"{r.exit_seconds:.2f} s, {r.left_claimed} rows left claimed"
                for r in result["runs"]
                if r.stop == "SIGTERM"
            ]
            claimed = [r.left_claimed for r in result["runs"] if r.stop == "kill -9"]
            print(
                f"SIGTERM: exited in {'; '.join(exits) or '-'} (grace {GRACE_SECONDS:g} s); "
                f"rows a killed worker still held: {claimed} (back to pending on lease expiry)"
            )
            if result["stale_tasks"]:
                print(result["stale_tasks"])
            print("OK" if ok else "FAILED: see the must-hold list in the docstring")
    finally:
        controller.stop()
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
