"""Benchmark the people CSV import: rows per second, on SQLite and (when reachable) PostgreSQL.

    python bench/people/import_people.py [--rows 100000] [--bad-every 1000]

Each database gets a fresh, migrated database in a subprocess; the import runs through
`bloc import-people` exactly as an organizer would run it. Figures print as a table.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BLOC = str(ROOT / ".venv" / "bin" / "bloc")


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BLOC, *args], env=env, capture_output=True, text=True, check=True)


def postgres_available() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--bad-every", type=int, default=1000)
    args = parser.parse_args()
    base = {**os.environ, "DJANGO_DEBUG": "1", "BLOC_STAFF_MFA_REQUIRED": "0"}
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "people.csv"
        run(
            base,
            "generate-people-csv",
            str(csv_path),
            "--rows",
            str(args.rows),
            "--bad-every",
            str(args.bad_every),
        )
        targets = [("SQLite", f"sqlite:///{tmp}/bench.sqlite3")]
        if postgres_available():
            subprocess.run(
                [
                    "psql",
                    "-h",
                    "127.0.0.1",
                    "-U",
                    "postgres",
                    "-qc",
                    "DROP DATABASE IF EXISTS bloc_bench",
                ],
                check=True,
            )
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", "CREATE DATABASE bloc_bench"],
                check=True,
            )
            targets.append(("PostgreSQL", "postgres://postgres@127.0.0.1:5432/bloc_bench"))
        print(f"{'database':<12} {'rows':>8} {'seconds':>8} {'rows/s':>8}  report")
        for label, url in targets:
            env = {**base, "DATABASE_URL": url}
            run(env, "migrate", "-v0")
            started = time.monotonic()
            result = run(env, "import-people", str(csv_path))
            elapsed = time.monotonic() - started
            summary = result.stdout.splitlines()[0]
            print(
                f"{label:<12} {args.rows:>8} {elapsed:>8.1f} {args.rows / elapsed:>8.0f}  {summary}"
            )
    sys.stdout.flush()


if __name__ == "__main__":
    main()
