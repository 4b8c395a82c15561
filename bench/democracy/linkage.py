"""Can a database dump link voters to their ballots? (issue 15, "Unlinkable writes")

On a fresh PostgreSQL database, N fictional members vote on an IRV ballot through the real
services, in random order, while the periodic mixing job runs every `--mix-every` casts (as
`run-periodic` does each minute). The database is then read twice, **while voting is open** and
**after closing**, the way an attacker with a dump, a replica or a physical backup would:

- *live rows* (what `pg_dump` or a live read sees), with their `ctid` and `xmin`;
- *every tuple in the heap pages* (`pageinspect`), dead row versions included, as a physical
  backup or a stolen disk holds them (closing runs `VACUUM` on the box's tables itself).

For each channel the attacker pairs participations (who voted) with sealed ballots (what was
voted), and the script counts, against the ground truth it kept in memory:
- **identified**: voters whose ballot the channel singles out (one candidate, and it is theirs);
- **rank hits**: voters a pairing by the channel's order gets right (two unrelated random orders
  of n rows get 1 right on average, whatever n: chance, not a link);
- the smallest crowd (anonymity set) the channel leaves a voter in.
Channels: row order, `ctid`, `xmin` (same transaction, and the first mix after a cast), primary
keys, timestamps, and any table (a row in any table that shares a participation's transaction
id and holds a tracker or a ciphertext).

    .venv/bin/python bench/democracy/linkage.py --voters 200
"""

import argparse
import os
import random
import secrets
import sys
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import webserver  # noqa: E402


def _setup(database: str) -> None:
    webserver.fresh_database(database)
    os.environ.update(
        {
            "DATABASE_URL": webserver.pg_url(database),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_DEBUG": "0",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_hex(24),
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "BLOC_SECURE_TLS": "0",
            "BLOC_TASK_BACKEND": "immediate",
            "BLOC_LOG_LEVEL": "WARNING",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _rows(sql: str, params: tuple = ()) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _ctid(text: str) -> tuple[int, int]:
    page, item = text.strip("()").split(",")
    return int(page), int(item)


def _heap(table: str) -> list[dict]:
    """Every tuple on the table's heap pages, live and dead (pageinspect)."""
    pages = _rows("SELECT pg_relation_size(%s) / current_setting('block_size')::int", (table,))
    out = []
    for page in range(pages[0][0]):
        for lp, xmin, xmax, data in _rows(
            "SELECT lp, t_xmin::text, t_xmax::text, t_data FROM heap_page_items("
            "get_raw_page(%s, %s)) WHERE t_data IS NOT NULL",
            (table, page),
        ):
            out.append({"ctid": (page, lp), "xmin": xmin, "xmax": xmax, "data": bytes(data)})
    return out


def _rank_hits(voters: list[int], left: dict, right: dict, truth: dict) -> int:
    """Pair participations and ballots by the order of one column; count right pairs."""
    people = sorted((left[v], v) for v in voters if v in left)
    ballots = sorted((value, tracker) for tracker, value in right.items())
    return sum(1 for (_, v), (_, t) in zip(people, ballots, strict=False) if truth[v] == t)


def measure(voters: list[int], truth: dict[int, str], *, physical: bool) -> dict[str, tuple]:
    """{channel: (identified, rank hits, smallest crowd)} for the database as it is now."""
    participations = {
        person: {"ctid": _ctid(ctid), "xmin": xmin, "pk": pk}
        for person, ctid, xmin, pk in _rows(
            "SELECT e.person_id, p.ctid::text, p.xmin::text, p.id::text "
            "FROM democracy_participation p JOIN democracy_voterrollentry e "
            "ON e.id = p.roll_entry_id"
        )
    }
    if physical:
        ballots = {}
        trackers = set(truth.values())
        for tup in _heap("democracy_sealedballot"):
            found = [t for t in trackers if t.encode() in tup["data"]]
            if found:
                # A dead version and the live one both name the tracker; keep every version.
                ballots.setdefault(found[0], []).append(tup)
        rows = [(t, v) for t, versions in ballots.items() for v in versions]
    else:
        rows = [
            (tracker, {"ctid": _ctid(ctid), "xmin": xmin, "pk": pk})
            for tracker, ctid, xmin, pk in _rows(
                "SELECT tracker, ctid::text, xmin::text, id::text FROM democracy_sealedballot"
            )
        ]
    results: dict[str, tuple] = {}
    n = len(voters)
    voted = [v for v in voters if v in participations]

    # xmin: the same transaction.
    by_xmin = defaultdict(set)
    for tracker, row in rows:
        by_xmin[row["xmin"]].add(tracker)
    same = [by_xmin.get(participations[v]["xmin"], set()) for v in voted]
    identified = sum(1 for v, s in zip(voted, same, strict=True) if s == {truth[v]})
    crowd = min((len(s) for s in same if s), default=n)
    # xmin order: the first mixing transaction after the cast holds its ballot.
    batches = sorted((int(x), ts) for x, ts in by_xmin.items())
    first_after = []
    for v in voted:
        cast = int(participations[v]["xmin"])
        later = [ts for x, ts in batches if x > cast]
        first_after.append(later[0] if later else set())
    order_identified = sum(1 for v, s in zip(voted, first_after, strict=True) if s == {truth[v]})
    order_crowd = min((len(s) for s in first_after if s), default=n)
    results["xmin (same transaction)"] = (identified, "—", crowd if identified else "no match")
    results["xmin (first mix after the cast)"] = (
        order_identified,
        _rank_hits(
            voted,
            {v: int(p["xmin"]) for v, p in participations.items()},
            {t: int(r["xmin"]) for t, r in rows},
            truth,
        ),
        order_crowd,
    )
    # ctid: the same place, and the same order.
    at = defaultdict(set)
    for tracker, row in rows:
        at[row["ctid"]].add(tracker)
    ctid_same = sum(1 for v in voted if at.get(participations[v]["ctid"]) == {truth[v]})
    results["ctid (same place)"] = (ctid_same, "—", "—")
    results["row order (ctid)"] = (
        0,
        _rank_hits(
            voted,
            {v: p["ctid"] for v, p in participations.items()},
            {t: r["ctid"] for t, r in rows},
            truth,
        ),
        len(rows),
    )
    if not physical:
        results["primary keys (UUID order)"] = (
            0,
            _rank_hits(
                voted,
                {v: p["pk"] for v, p in participations.items()},
                {t: r["pk"] for t, r in rows},
                truth,
            ),
            len(rows),
        )
    timestamp_columns = _rows(
        "SELECT table_name, column_name FROM information_schema.columns WHERE table_name IN "
        "('democracy_participation', 'democracy_sealedballot', 'democracy_pendingballot') "
        "AND data_type LIKE 'timestamp%%'"
    )
    results["timestamps"] = (0, "—", f"{len(timestamp_columns)} timestamp columns")
    results["any table (shared xmin + tracker/ciphertext)"] = (_any_table(voted, truth), "—", "—")
    return results


def _any_table(voted: list[int], truth: dict[int, str]) -> int:
    """Voters for whom some row of any table, written in their casting transaction, holds their
    tracker or ciphertext (a receipt task, an outbox row, an audit row, a session, ...)."""
    from django.db import connection

    xmin_of = dict(
        _rows(
            "SELECT e.person_id, p.xmin::text FROM democracy_participation p "
            "JOIN democracy_voterrollentry e ON e.id = p.roll_entry_id"
        )
    )
    ciphertexts = dict(
        _rows("SELECT tracker, encode(ciphertext, 'hex') FROM democracy_sealedballot")
    )
    linked = set()
    tables = [t for t in connection.introspection.table_names() if t != "democracy_participation"]
    wanted = {xmin_of[v]: v for v in voted}
    for table in tables:
        quoted = connection.ops.quote_name(table)
        for row in _rows(f"SELECT xmin::text, {quoted}::text FROM {quoted}"):  # noqa: S608
            voter = wanted.get(row[0])
            if voter is None:
                continue
            text = row[1]
            tracker = truth[voter]
            if tracker in text or ciphertexts.get(tracker, "@") in text:
                linked.add(voter)
    return len(linked)


def _print(title: str, results: dict[str, tuple], voters: int) -> None:
    print(f"\n{title} ({voters} voters)")
    print("| channel | identified | rank hits (chance ≈ 1) | smallest crowd |")
    print("|---|---|---|---|")
    for channel, (identified, hits, crowd) in results.items():
        print(f"| {channel} | {identified} | {hits} | {crowd} |")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--mix-every", type=int, default=25, help="casts between mixing runs")
    parser.add_argument("--database", default="bloc_bench_linkage")
    args = parser.parse_args()
    import subprocess

    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("PostgreSQL is not reachable at 127.0.0.1: skipped")
        return 0
    _setup(args.database)
    _rows("CREATE EXTENSION IF NOT EXISTS pageinspect")

    import time_machine
    from django.conf import settings
    from django.utils import timezone

    from bloc.democracy import services
    from bloc.democracy.models import Ballot, VoterRollEntry
    from bloc.people.services import create_person, record_membership

    today = timezone.localdate()
    for i in range(args.voters):
        person = create_person(
            actor=None, first_name="Bench", last_name=f"Voter{i:04d}", zip_code="60601"
        )
        record_membership(
            actor=None,
            person=person,
            joined_on=today - timedelta(days=60),
            paid_through_on=today + timedelta(days=300),
        )
    now = timezone.now()
    ballot = services.create_ballot(
        actor=None,
        title="Fictional linkage ballot",
        kind=Ballot.Kind.REFERENDUM,
        method="irv",
        options=["Ana Rivers", "Bo Lindqvist", "Cy Okonkwo", "Dee Marsh"],
        cutoff_on=today,
        opens_at=now - timedelta(minutes=5),
        closes_at=now + timedelta(hours=1),
    )
    services.give_notice(actor=None, ballot=ballot)
    shares = services.freeze_roll(actor=None, ballot=ballot)
    services.open_ballot(actor=None, ballot=ballot)
    entries = list(VoterRollEntry.objects.filter(ballot=ballot))
    random.shuffle(entries)
    truth: dict[int, str] = {}
    for i, entry in enumerate(entries, 1):
        choice = random.sample(range(4), random.randint(1, 4))
        truth[entry.person_id] = services.record_vote(ballot=ballot, entry=entry, choice=choice)
        if i % args.mix_every == 0:
            services.mix_open_ballots()
    voters = list(truth)
    pending = _rows("SELECT count(*) FROM democracy_pendingballot")[0][0]
    print(
        f"mixing: batches of at least {settings.BLOC_BALLOT_MIX_MIN}, run every "
        f"{args.mix_every} casts; {pending} ballots still pending at the dump"
    )
    _print("While voting is open: live rows", measure(voters, truth, physical=False), len(voters))
    _print(
        "While voting is open: every heap tuple", measure(voters, truth, physical=True), len(voters)
    )

    with time_machine.travel(ballot.closes_at + timedelta(minutes=1), tick=False):
        services.close_ballot(actor=None, ballot=ballot)
    _print("After closing: live rows", measure(voters, truth, physical=False), len(voters))
    _print("After closing: every heap tuple", measure(voters, truth, physical=True), len(voters))
    with time_machine.travel(ballot.closes_at + timedelta(minutes=2), tick=False):
        services.tally_ballot(actor=None, ballot=ballot, shares=shares[:2])
    ballot.refresh_from_db()
    print(f"\ntallied: {ballot.result.turnout} ballots for {len(voters)} voters")
    return 0


if __name__ == "__main__":
    sys.exit(main())
