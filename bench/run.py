"""`make bench`: every benchmark, side by side with the peers each issue names."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
PY = sys.executable


def main() -> int:
    subprocess.run(
        [PY, "-m", "pip", "install", "-q", "-r", str(ROOT / "tally" / "requirements.txt")],
        check=False,
    )
    print("== tally engine vs Python peers")
    subprocess.run([PY, str(ROOT / "tally.py"), "--sizes", "100000", "1000000"], check=True)
    print("\n== people CSV import")
    subprocess.run([PY, str(ROOT / "people" / "import_people.py"), "--rows", "100000"], check=True)
    print("\n== events: spike of public RSVPs over HTTP (gunicorn, PostgreSQL)")
    subprocess.run([PY, str(ROOT / "events" / "rsvp_spike.py"), "--rsvps", "6000"], check=True)
    print("\n== democracy: casting ballots over HTTP (gunicorn, PostgreSQL)")
    subprocess.run([PY, str(ROOT / "democracy" / "cast_load.py"), "--voters", "2000"], check=True)
    print("\n== comms: 100,000 personalised emails through a local SMTP sink")
    subprocess.run(
        [PY, str(ROOT / "comms" / "email_throughput.py"), "--emails", "100000", "--workers", "2"],
        check=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
