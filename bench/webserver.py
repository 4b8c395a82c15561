"""The WSGI servers the HTTP benchmarks run Bloc under, bound to 127.0.0.1 only, and the
helpers those benchmarks share (a fresh PostgreSQL database, a free port, percentiles).

gunicorn is the default (docs/operations.md); granian (a Rust HTTP server) and uWSGI (C,
Django's other documented deployment server; the `pyuwsgi` wheel) are measured beside it
because their HTTP handling costs less CPU per request, which matters on a 2-core machine where
the server, PostgreSQL and the load generator share the cores. Both are installed from
bench/web-requirements.txt."""

import argparse
import http.client
import os
import socket
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def add_arguments(parser: argparse.ArgumentParser, *, workers: int = 4, threads: int = 2) -> None:
    parser.add_argument("--server", choices=("gunicorn", "granian", "uwsgi"), default="gunicorn")
    parser.add_argument("--workers", type=int, default=workers)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn: sync or gthread")
    parser.add_argument(
        "--worker-threads", type=int, default=threads, help="threads per worker process"
    )


def command(args: argparse.Namespace, port: int) -> list[str]:
    if args.server == "granian":
        return [
            str(BIN / "granian"), "--interface", "wsgi", "config.wsgi:application",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            "--blocking-threads", str(args.worker_threads), "--log-level", "warning",
        ]  # fmt: skip
    if args.server == "uwsgi":
        return [
            str(BIN / "uwsgi"), "--http", f"127.0.0.1:{port}", "--http-keepalive",
            "--module", "config.wsgi:application", "--master", "--need-app",
            "--processes", str(args.workers), "--threads", str(args.worker_threads),
            "--thunder-lock", "--disable-logging", "--die-on-term", "--listen", "1024",
        ]  # fmt: skip
    return [
        str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class,
        "--threads", str(args.worker_threads), "--keep-alive", "30", "--log-level", "warning",
    ]  # fmt: skip


def describe(args: argparse.Namespace) -> str:
    if args.server in ("granian", "uwsgi"):
        return f"{args.server} {args.workers} workers x {args.worker_threads} threads"
    return f"gunicorn {args.workers} {args.worker_class} workers x {args.worker_threads} threads"


def pg_url(name: str) -> str:
    base = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    return f"{base.rstrip('/')}/{name}"


def fresh_database(name: str) -> None:
    import psycopg

    with psycopg.connect(pg_url("postgres"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def redis_url() -> str:
    """The cache the benchmarks run with, as in production (docs/operations.md: per-client
    limits shared by every web process, the drain's schedule key). A database of its own on
    127.0.0.1, emptied before each run."""
    return os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def fresh_redis() -> str:
    import redis

    url = redis_url()
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError as exc:
        raise SystemExit(f"Redis is not reachable at {url} (BENCH_REDIS_URL): {exc}") from None
    return url


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, path: str, timeout: float = 60) -> None:
    """Until ``path`` answers 200 on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not come up")


def wait_until_idle(pid: int, *, quiet: float = 1.0, timeout: float = 60) -> None:
    """Until process ``pid`` has used almost no CPU for ``quiet`` seconds: a task worker that
    has finished starting (imports, Django setup) and is only polling for tasks. In
    production the worker is long running; its start-up is not part of a spike. Reads
    /proc (Linux); elsewhere waits ``quiet`` seconds."""
    stat = Path(f"/proc/{pid}/stat")

    def cpu_ticks() -> int:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime

    if not stat.exists():
        time.sleep(quiet)
        return
    hz = os.sysconf("SC_CLK_TCK")
    deadline = time.monotonic() + timeout
    last = cpu_ticks()
    while time.monotonic() < deadline:
        time.sleep(quiet)
        now = cpu_ticks()
        if now - last <= 0.02 * hz * quiet:  # under 2% of a core
            return
        last = now
    raise SystemExit(f"process {pid} was still busy after {timeout:.0f} s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def machine_speed() -> float:
    """Milliseconds for a fixed pure-Python workload (dicts, strings, sorting, JSON), the
    median of five runs. This VM's speed varies from hour to hour (up to 1.6x seen), so the
    HTTP benchmarks print it before and after a run: figures from runs whose speeds differ are
    not comparable. Lower is faster."""
    import json
    import statistics

    def work() -> int:
        rows = [{"id": i, "name": f"member {i}", "zip": f"{i % 99999:05d}"} for i in range(20000)]
        text = json.dumps(rows)
        back = json.loads(text)
        back.sort(key=lambda row: (row["zip"], row["name"]))
        return sum(len(row["name"]) for row in back)

    timings = []
    for _ in range(5):
        started = time.perf_counter()
        work()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)
