"""Every setting a feature reads comes from config/settings.py (issue 23): a setting read with a
fallback that settings never defines cannot be switched on by an operator."""

import os
import re
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
READ = re.compile(
    r"""getattr\(\s*settings\s*,\s*["']([A-Z][A-Z0-9_]+)["']|(?<![\w.])settings\.([A-Z][A-Z0-9_]+)"""
)


def _read_settings() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / "bloc").rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in READ.finditer(path.read_text()):
            name = match.group(1) or match.group(2)
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def test_every_setting_the_code_reads_is_defined_by_settings():
    missing = {
        name: where for name, where in _read_settings().items() if not hasattr(settings, name)
    }
    assert not missing, f"read but never defined in config/settings.py: {missing}"


def test_every_bloc_setting_is_documented_in_env_example():
    documented = (ROOT / ".env.example").read_text()
    names = [n for n in _read_settings() if n.startswith(("BLOC_", "TWILIO_"))]
    undocumented = sorted(n for n in names if n not in documented)
    assert not undocumented, f"not in .env.example: {undocumented}"


class _FakeTwilio(BaseHTTPRequestHandler):
    """Answers the Messages API the way Twilio does (201 and a message resource)."""

    received: list[str] = []

    def do_POST(self):  # noqa: N802 - the http.server API
        length = int(self.headers.get("Content-Length", 0))
        self.received.append(f"{self.path} {self.rfile.read(length).decode()}")
        body = b'{"sid": "SMfake0001", "status": "queued"}'
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_sms_is_switched_on_by_environment_variables_alone():
    """A fresh process with only TWILIO_* set sends through a Twilio-shaped local server."""
    server = HTTPServer(("127.0.0.1", 0), _FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": "sqlite:///:memory:",
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": "fictional-token",
        "TWILIO_FROM_NUMBER": "+12125550100",
        "TWILIO_API_BASE_URL": f"http://127.0.0.1:{server.server_port}",
        "BLOC_COMMS_QUEUE": "comms",
    }
    script = (
        "import django; django.setup()\n"
        "from bloc.comms.backends import backend_for\n"
        "from bloc.comms.backends.base import OutgoingMessage\n"
        "from bloc.comms import tasks\n"
        "r = backend_for('sms').send([OutgoingMessage(key='k', to='+12125550199', body='Hi')])\n"
        "print(r[0].outcome.value, r[0].provider_id, tasks._queue_name())\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.shutdown()
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["accepted", "SMfake0001", "comms"]
    assert _FakeTwilio.received and "/Accounts/AC" in _FakeTwilio.received[0]
