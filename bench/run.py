"""`make bench`: every benchmark, side by side with the peers each issue names."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PY = sys.executable


def main() -> int:
    for requirements in (ROOT / "tally" / "requirements.txt", ROOT / "web-requirements.txt"):
        subprocess.run([PY, "-m", "pip", "install", "-q", "-r", str(requirements)], check=False)
    print("== tally engine vs Python peers")
    subprocess.run([PY, str(ROOT / "tally.py"), "--sizes", "100000", "1000000"], check=True)
    print("\n== people CSV import")
    subprocess.run([PY, str(ROOT / "people" / "import_people.py"), "--rows", "100000"], check=True)
    servers = {
        "gunicorn": [],
        "granian": ["--server", "granian", "--workers", "2", "--worker-threads", "2"],
        "uwsgi": ["--server", "uwsgi", "--workers", "4", "--worker-threads", "1"],
    }
    for name, server in servers.items():
        print(f"\n== events: spike of public RSVPs over HTTP ({name}, PostgreSQL)")
        spike = [PY, str(ROOT / "events" / "rsvp_spike.py"), "--rsvps", "6000", *server]
        subprocess.run(spike, check=True)
        print(f"\n== democracy: casting ballots over HTTP ({name}, PostgreSQL)")
        cast = [PY, str(ROOT / "democracy" / "cast_load.py"), "--voters", "3000", *server]
        subprocess.run(cast, check=True)
    print("\n== democracy: can a dump link 200 voters to their ballots? (PostgreSQL)")
    subprocess.run([PY, str(ROOT / "democracy" / "linkage.py"), "--voters", "200"], check=True)
    print("\n== comms: one-click unsubscribes while 100,000 emails are sent (PostgreSQL)")
    subprocess.run(
        [PY, str(ROOT / "comms" / "unsubscribe_during_send.py"), "--recipients", "100000"],
        check=True,
    )
    print("\n== comms: 100,000 personalised emails through a local SMTP sink")
    subprocess.run(
        [PY, str(ROOT / "comms" / "email_throughput.py"), "--emails", "100000", "--workers", "2"],
        check=True,
    )
    print("\n== comms: a 3,000-recipient broadcast while its worker is killed and stopped")
    subprocess.run([PY, str(ROOT / "comms" / "fault_broadcast.py")], check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
