"""Casting ballots over HTTP against PostgreSQL, with a multi-process server.

    python bench/democracy/cast_load.py [--voters 4000] [--duplicates 0.1] [--workers 4]
                                        [--clients 2] [--threads 16]

1. Makes a fresh PostgreSQL database, migrates it, and runs setup_ballot.py with the same
   environment: `--voters` fictional members in good standing, an open IRV ballot with its
   roll frozen (real services), one printable personal voting code per member.
2. Starts the web server (`--server`, `--workers`) on 127.0.0.1 only with production settings,
   Redis as the cache (a database of its own, emptied first).
3. `--clients` processes x `--threads` keep-alive connections each fetch the public
   vote-by-code page once (CSRF cookie and token), then POST ballots (a random ranking) with
   their share of the codes as fast as they can. A `--duplicates` share of the codes is also
   submitted a second time by a neighbouring connection at the same moment: each of those
   pairs must store one ballot and refuse the other.
4. Reports ballots/s sustained (stored ballots over the casting time), p50/p95/p99 latency of
   every POST, and double votes: stored ballots and participations compared with the distinct
   codes that received a tracker.

Not a timed test: figures depend on the machine, and this VM's speed varies; the machine speed
printed before and after (webserver.machine_speed) tells runs apart. Needs PostgreSQL
(BENCH_PG_URL) and Redis (BENCH_REDIS_URL) at 127.0.0.1.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))
import webserver  # noqa: E402

PY = str(ROOT / ".venv" / "bin" / "python")
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TRACKER_RE = re.compile(r"<p class=\"tracker\"><code>([^<]+)</code>")

COUNT = """
import sys
from bloc.democracy.models import Participation, SealedBallot
pk = int(sys.argv[1])
print(SealedBallot.objects.filter(ballot_id=pk).count(),
      Participation.objects.filter(roll_entry__ballot_id=pk).count())
"""


def work_lists(codes: list[str], duplicates: float, threads: int) -> list[list[str]]:
    """Deal the codes to the connections. A duplicated code is placed twice in a row, so the
    two copies go to neighbouring connections at the same position: submitted together."""
    items: list[str] = []
    n_dup = int(len(codes) * duplicates)
    for i, code in enumerate(codes):
        items.append(code)
        if i < n_dup:
            items.append(code)
    return [items[t::threads] for t in range(threads)]


def client_process(args: tuple) -> dict:
    port, ballot, candidates, lists, seed = args
    latencies: list[float] = []
    receipts: list[str] = []  # the codes that got a tracker (kept in memory only)
    outcomes: dict[str, int] = {}
    lock = threading.Lock()
    path = f"/democracy/ballots/{ballot}/vote/"

    def worker(mine: list[str], index: int) -> None:
        rng = random.Random(seed * 1000 + index)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path)
        response = conn.getresponse()
        page = response.read().decode()
        cookie = response.getheader("Set-Cookie", "").split(";")[0]
        match = CSRF_RE.search(page)
        if match is None:
            raise SystemExit(f"no CSRF token on the vote page (HTTP {response.status})")
        token = match.group(1)
        times: list[float] = []
        got: list[str] = []
        seen: dict[str, int] = {}
        for code in mine:
            ranking = rng.sample(range(candidates), rng.randint(1, candidates))
            fields = {"csrfmiddlewaretoken": token, "code": code}
            fields.update({f"rank_{option}": str(r + 1) for r, option in enumerate(ranking)})
            started = time.perf_counter()
            conn.request(
                "POST",
                path,
                body=urllib.parse.urlencode(fields),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": cookie,
                    "Referer": f"http://127.0.0.1:{port}{path}",
                },
            )
            reply = conn.getresponse()
            text = reply.read().decode(errors="replace")
            times.append(time.perf_counter() - started)
            if reply.status == 200 and TRACKER_RE.search(text):
                outcome = "tracker"
                got.append(code)
            elif reply.status == 200 and "already voted" in text:
                outcome = "already voted"
            else:
                outcome = f"HTTP {reply.status}"
            seen[outcome] = seen.get(outcome, 0) + 1
        with lock:
            latencies.extend(times)
            receipts.extend(got)
            for key, n in seen.items():
                outcomes[key] = outcomes.get(key, 0) + n

    pool = [threading.Thread(target=worker, args=(m, i)) for i, m in enumerate(lists)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"latencies": latencies, "receipts": receipts, "outcomes": outcomes}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=4000)
    parser.add_argument("--duplicates", type=float, default=0.1)
    parser.add_argument("--clients", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    webserver.add_arguments(parser)
    parser.add_argument("--database", default="bloc_bench_democracy")
    args = parser.parse_args()

    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("PostgreSQL is not reachable at 127.0.0.1: skipped")
        return 0
    webserver.fresh_database(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": webserver.pg_url(args.database),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "BLOC_SECURE_TLS": "0",
        "BLOC_TASK_BACKEND": "database",
        "BLOC_STAFF_MFA_REQUIRED": "0",
        "BLOC_LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "600",
        "REDIS_URL": webserver.fresh_redis(),
    }
    subprocess.run([PY, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [PY, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    with tempfile.TemporaryDirectory() as tmp:
        state_file = Path(tmp) / "state.json"
        started = time.perf_counter()
        subprocess.run(
            [PY, str(ROOT / "bench" / "democracy" / "setup_ballot.py"), str(state_file)]
            + [str(args.voters)],
            cwd=ROOT,
            env=env,
            check=True,
        )
        state = json.loads(state_file.read_text())
    print(
        f"setup: {args.voters} members, roll frozen, codes issued in "
        f"{time.perf_counter() - started:.0f} s"
    )
    ballot, candidates, codes = state["ballot"], state["candidates"], state["codes"]
    lists = work_lists(codes, args.duplicates, args.clients * args.threads)
    per_client = [lists[c :: args.clients] for c in range(args.clients)]

    speed_before = webserver.machine_speed()
    port = webserver.free_port()
    server = subprocess.Popen(webserver.command(args, port), cwd=ROOT, env=env)
    try:
        webserver.wait_for(port, f"/democracy/ballots/{ballot}/vote/")
        started = time.perf_counter()
        with multiprocessing.Pool(args.clients) as pool:
            results = pool.map(
                client_process,
                [(port, ballot, candidates, mine, i) for i, mine in enumerate(per_client)],
            )
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)

    speed_after = webserver.machine_speed()
    latencies = [x for r in results for x in r["latencies"]]
    receipts = [code for r in results for code in r["receipts"]]
    outcomes: dict[str, int] = {}
    for r in results:
        for key, n in r["outcomes"].items():
            outcomes[key] = outcomes.get(key, 0) + n
    counted = subprocess.run(
        [PY, "-c", "import django; django.setup()\n" + COUNT, str(ballot)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    stored, participations = int(counted[0]), int(counted[1])
    voted = len(set(receipts))
    double = (len(receipts) - voted) + max(0, stored - voted) + max(0, participations - voted)
    rate = stored / elapsed if elapsed else 0.0
    p50, p95, p99 = (webserver.percentile(latencies, q) * 1000 for q in (0.5, 0.95, 0.99))
    print(
        f"Cast load: {len(latencies)} POSTs ({len(codes)} voters, "
        f"{len(latencies) - len(codes)} simultaneous duplicates), {webserver.describe(args)}, "
        f"{args.clients}x{args.threads} client connections, PostgreSQL, {os.cpu_count()} CPUs"
    )
    print(
        f"  machine speed   {speed_before:.0f} ms before, {speed_after:.0f} ms after "
        "(webserver.machine_speed; lower is faster)"
    )
    print(f"  throughput      {rate:8.0f} ballots/s over {elapsed:.1f} s")
    print(f"  latency (ms)    p50 {p50:.0f}  p95 {p95:.0f}  p99 {p99:.0f}")
    print(f"  outcomes        {dict(sorted(outcomes.items()))}")
    ok = double == 0 and stored == participations == voted == len(codes)
    print(
        f"  stored ballots  {stored}, participations {participations}, voters with a tracker "
        f"{voted} of {len(codes)}; double votes {double} -> {'OK' if ok else 'MISMATCH'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
