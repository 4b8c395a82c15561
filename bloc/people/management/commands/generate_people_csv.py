"""bloc generate-people-csv OUT --rows N: fictional people for import tests and benchmarks."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand

from bloc.people.fake import people_csv


class Command(BaseCommand):
    help = "Write a CSV of N fictional people (optionally every Kth row defective)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("out")
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--bad-every", type=int, default=0)
        parser.add_argument("--zips", default="10001,10002,60601,60602,94110,02139")

    def handle(self, *args: Any, **options: Any) -> None:
        data = people_csv(
            options["rows"], options["zips"].split(","), bad_every=options["bad_every"]
        )
        Path(options["out"]).write_bytes(data)
        self.stdout.write(
            f"Wrote {options['rows']} rows ({len(data) / 1e6:.1f} MB) to {options['out']}"
        )
