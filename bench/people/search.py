"""Benchmark people search on PostgreSQL: the trigram path beside the old per-word icontains scan.

    DATABASE_URL=postgres://... python bench/people/search.py [--people 1000000] [--repeat 20]

Fills the database's people table with fictional rows in one INSERT … SELECT (when it holds
fewer than --people), makes sure migrations (hence the trigram index) are applied, then times,
per query, what the people page runs: the count and the first page of 50. Prints p50/p95 per
path. Use a scratch database: the rows stay.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_DEBUG", "1")

# Fictional names from syllables: 8,000 surnames (about 125 people each at 1,000,000), 12 first
# names, so a surname, a typo of it, a first and last name, a ZIP and one email are realistic.
S1 = [
    "mar",
    "cas",
    "fen",
    "or",
    "quil",
    "ab",
    "val",
    "ri",
    "del",
    "san",
    "ko",
    "ber",
    "lin",
    "ta",
    "mo",
    "ga",
    "ne",
    "pe",
    "so",
    "du",
]
S2 = [
    "che",
    "tel",
    "wi",
    "te",
    "ve",
    "bo",
    "ra",
    "lo",
    "ne",
    "ma",
    "ri",
    "sa",
    "ko",
    "de",
    "lu",
    "ni",
    "ta",
    "go",
    "pi",
    "zu",
]
S3 = [
    "tti",
    "lan",
    "ck",
    "ga",
    "ll",
    "tt",
    "le",
    "ra",
    "no",
    "son",
    "ez",
    "ski",
    "ry",
    "ton",
    "ne",
    "ros",
    "dez",
    "man",
    "ley",
    "vic",
]
FIRST = ["Ana", "Theo", "Mina", "Rosa", "Luis", "Ada", "Sam", "Pat", "Nia", "Oona", "Vi", "Zed"]
QUERIES = ["marchetti", "marchety", "rosa marchetti", "castellan", "10025", "p123456@"]


def fill(count: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM people_person")
        have = cursor.fetchone()[0]
        if have >= count:
            return
        started = time.perf_counter()
        cursor.execute(
            """
            INSERT INTO people_person (created_at, updated_at, first_name, last_name, pronouns,
                email, phone, address_line1, address_line2, city, state, zip_code, languages,
                source, uuid)
            SELECT now(), now(), (%s::text[])[1 + (i / 8000) %% 12],
                initcap((%s::text[])[1 + i %% 20] || (%s::text[])[1 + (i / 20) %% 20]
                        || (%s::text[])[1 + (i / 400) %% 20]),
                '', 'p' || i || '@example.org', '', '', '', '', 'NY',
                lpad((10000 + i %% 89999)::text, 5, '0'), '', 'bench', gen_random_uuid()
            FROM generate_series(%s, %s) AS i
            """,
            [FIRST, S1, S2, S3, have + 1, count],
        )
        cursor.execute("ANALYZE people_person")
    print(f"filled {count - have:,} people in {time.perf_counter() - started:.1f} s")


def timed(run, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from bloc.people import search
    from bloc.people.models import Person

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    fill(args.people)

    def old(query: str):
        terms = Q()
        for word in query.split()[:5]:
            terms &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(zip_code__startswith=word)
            )
        return Person.objects.live().filter(terms).order_by("last_name", "first_name", "pk")

    def new(query: str):
        return search.by_relevance(search.search(Person.objects.live(), query), query)

    print(f"{'query':<12} {'path':<8} {'matches':>9} {'p50 ms':>8} {'p95 ms':>8}")
    for query in QUERIES:
        for name, build in (("icontains", old), ("trigram", new)):
            qs = build(query)
            count = qs.count()
            times = timed(lambda qs=qs: (qs.all().count(), list(qs.all()[:50])), args.repeat)
            p95 = statistics.quantiles(times, n=20)[-1]
            print(f"{query:<12} {name:<8} {count:>9,} {statistics.median(times):>8.1f} {p95:>8.1f}")


if __name__ == "__main__":
    main()
