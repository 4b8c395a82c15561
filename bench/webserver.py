"""The WSGI servers the HTTP benchmarks run Bloc under, bound to 127.0.0.1 only.

gunicorn is the default (docs/operations.md); granian (a Rust HTTP server, `pip install
granian`, see bench/web-requirements.txt) is measured beside it because its HTTP handling costs
less CPU per request, which matters on a 2-core machine where the server, PostgreSQL and the
load generator share the cores."""

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


def add_arguments(parser: argparse.ArgumentParser, *, workers: int = 4, threads: int = 2) -> None:
    parser.add_argument("--server", choices=("gunicorn", "granian"), default="gunicorn")
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
    return [
        str(BIN / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers), "--worker-class", args.worker_class,
        "--threads", str(args.worker_threads), "--keep-alive", "30", "--log-level", "warning",
    ]  # fmt: skip


def describe(args: argparse.Namespace) -> str:
    if args.server == "granian":
        return f"granian {args.workers} workers x {args.worker_threads} threads"
    return f"gunicorn {args.workers} {args.worker_class} workers x {args.worker_threads} threads"
