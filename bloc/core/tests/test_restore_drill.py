"""The restore drill (bin/restore-drill, docs/operations.md): a pg_dump restores into a scratch
database, `bloc check` and the migrations check pass on it, and the scratch database is gone
afterwards (issue 23). PostgreSQL only."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from bloc.core.models import PeriodicJobRun

ROOT = Path(__file__).resolve().parents[3]
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not shutil.which("pg_dump"), reason="PostgreSQL's client tools"),
]


def _url(database: str) -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{database}"


def _drill_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE 'bloc_restore_drill_%'")
        return [row[0] for row in cursor.fetchall()]


def test_a_dump_restores_and_passes_the_checks(tmp_path):
    PeriodicJobRun.objects.create(name="drill.marker")
    dump = tmp_path / "bloc.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}",
         _url(connection.settings_dict["NAME"])],
        check=True,
    )  # fmt: skip
    before = _drill_databases()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "restore-drill"), str(dump), "--server",
         _url("postgres")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-3000:]
    assert "the dump has every migration of this code" in output
    assert "core.PeriodicJobRun: 1" in output
    assert "restore-drill: OK" in output
    assert _drill_databases() == before  # dropped


def test_a_broken_dump_fails_the_drill_and_leaves_nothing(tmp_path):
    dump = tmp_path / "broken.dump"
    dump.write_bytes(b"PGDMP this is not a dump")
    before = _drill_databases()
    done = subprocess.run(
        [sys.executable, str(ROOT / "bin" / "restore-drill"), str(dump), "--server",
         _url("postgres")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    assert "FAILED at: restore" in done.stdout + done.stderr
    assert _drill_databases() == before
